/**
 * The bench page: runs inside Chromium, bundled with the real sync/client code. Every
 * function is exposed on `window.bench` and returns plain data (durations in ms).
 */
import { compactCache, lookupCustomer } from '../../sync/client/customerCache';
import type { ApiCaller } from '../../sync/client/api';
import { storeCustomerPage, type PullProgress } from '../../sync/client/pull';
import { pullCustomersInWorker } from '../../sync/client/pullInWorker';
import { httpSnapshotFetcher } from '../../sync/client/snapshotFetcher';
import type { SnapshotOffer } from '../../sync/protocol/snapshot';
import { TillDb } from '../../sync/client/tillDb';
import { bankKeyOf, benchCustomer, benchPage, cardOf, phoneKeyOf } from './data';
import { findPerRecord, PerRecordDb, storePerRecord } from './perRecordLayout';

export type KeyKind = 'card' | 'phone' | 'bank';
export interface LoadResult {
  seconds: number;
  /** Records/s over successive slices of the load, to show whether it slows down as it grows. */
  slices: { upTo: number; rate: number }[];
  diskBytes: number;
}

const usage = async (): Promise<number> => (await navigator.storage.estimate()).usage ?? 0;

async function timedLoad(total: number, pageSize: number, store: (p: ReturnType<typeof benchPage>) => Promise<unknown>): Promise<LoadResult> {
  const before = await usage();
  const slices: LoadResult['slices'] = [];
  const sliceSize = Math.max(pageSize, Math.round(total / 10 / pageSize) * pageSize);
  let busy = 0;
  let sliceBusy = 0;
  for (let from = 1; from <= total; from += pageSize) {
    const page = benchPage(from, pageSize, total); // generating data is not timed
    const t = performance.now();
    await store(page);
    const dt = performance.now() - t;
    busy += dt;
    sliceBusy += dt;
    const upTo = from + page.items.length - 1;
    if (upTo % sliceSize === 0 || upTo === total) {
      const prev = slices.at(-1)?.upTo ?? 0;
      slices.push({ upTo, rate: Math.round((upTo - prev) / (sliceBusy / 1000)) });
      sliceBusy = 0;
    }
  }
  return { seconds: busy / 1000, slices, diskBytes: (await usage()) - before };
}

// ---- the till's paged cache (real code) ----
async function tillLoad(name: string, total: number, pageSize: number): Promise<LoadResult & { compactSeconds: number; records: number }> {
  const db = new TillDb(name);
  const before = await usage();
  const result = await timedLoad(total, pageSize, (p) => storeCustomerPage(db, p));
  const t = performance.now();
  await compactCache(db.cacheWriter());
  const compactSeconds = (performance.now() - t) / 1000;
  const records = (await Promise.all([db.keyDeltas.count(), db.keyPages.count(), db.idDeltas.count(), db.idPages.count()])).reduce((a, b) => a + b, 0);
  db.close();
  return { ...result, diskBytes: (await usage()) - before, compactSeconds, records };
}

function keyOf(kind: KeyKind, n: number): string {
  return kind === 'card' ? `card:${cardOf(n)}` : kind === 'phone' ? `phone:${phoneKeyOf(n)}` : `bank:${bankKeyOf(n)}`;
}

/** Look customers of the first page up, one every `everyMs`, until the load in another tab completes. */
async function lookupsDuringLoad(name: string, firstPage: number, everyMs: number): Promise<{ ms: number[]; misses: number }> {
  const db = new TillDb(name);
  const ms: number[] = [];
  let misses = 0;
  while (!((await db.syncState.get('customers'))?.loaded ?? 0)) await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; ; i++) {
    if (i % 20 === 0 && (await db.syncState.get('customers'))?.complete) break;
    const n = 1 + Math.floor(Math.random() * firstPage);
    const t = performance.now();
    const c = await lookupCustomer(db, keyOf(i % 2 ? 'card' : 'phone', n));
    ms.push(performance.now() - t);
    if (c?.id !== String(n)) misses++;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  db.close();
  return { ms, misses };
}

/**
 * Till and raw lookups of the same customers, alternating (which goes first alternates too),
 * so both see the same machine state: separate runs drifted by ±30 % between themselves.
 */
async function compareLookups(tillName: string, rawName: string, kind: KeyKind, ns: number[]): Promise<{ till: number[]; raw: number[]; misses: number }> {
  const db = new TillDb(tillName);
  await db.open();
  const raw = await openRaw(rawName);
  const rawKey = (n: number) => (kind === 'card' ? cardOf(n) : kind === 'phone' ? phoneKeyOf(n) : bankKeyOf(n));
  const till: number[] = [];
  const rawMs: number[] = [];
  let misses = 0;
  const viaTill = async (n: number) => {
    const t = performance.now();
    const c = await lookupCustomer(db, keyOf(kind, n));
    till.push(performance.now() - t);
    if (c?.id !== String(n)) misses++;
  };
  const viaRaw = async (n: number) => {
    const t = performance.now();
    const c = (await req(raw.transaction('customers', 'readonly').objectStore('customers').index(kind).get(rawKey(n)))) as { id: string } | undefined;
    rawMs.push(performance.now() - t);
    if (c?.id !== String(n)) misses++;
  };
  for (const [i, n] of ns.entries()) {
    if (i % 2) {
      await viaTill(n);
      await viaRaw(n);
    } else {
      await viaRaw(n);
      await viaTill(n);
    }
  }
  db.close();
  raw.close();
  return { till, raw: rawMs, misses };
}

// ---- the till bootstrapped from a snapshot (real code: the pull worker, with a snapshot fetcher) ----
/** Wall-clock ms. */
const wall = (): number => performance.timeOrigin + performance.now();

export interface SnapshotLoadResult {
  seconds: number;
  diskBytes: number;
  records: number;
  /** Wall-clock ms: load start, first request for the changes after the snapshot, every change stored (compaction follows), end. */
  marks: { start: number; changes: number; stored: number; end: number };
  /** Lookups made on this page while the worker loaded; `at`: wall-clock ms each started. */
  lookups: { ms: number[]; at: number[]; found: number };
}

/**
 * Bootstrap an empty till from the snapshot served at `offer.path`, then pull `changes`
 * customers changed after it (as the server would send them) and compact: everything until
 * lookups run at full speed, all timed. As in the product: the pull runs in the till's pull
 * worker (sync/client/pullWorker.ts), this page answers its requests (the API and the
 * snapshot's ranges) and looks random customers up, one every `everyMs`, as a cashier's screen would.
 */
async function snapshotLoad(
  name: string,
  offer: NonNullable<SnapshotOffer['snapshot']>,
  total: number,
  changes: number,
  everyMs: number,
): Promise<SnapshotLoadResult> {
  const before = await usage();
  const db = new TillDb(name);
  await db.open();
  const base = Number(offer.cursor);
  let changesAt = 0;
  const api: ApiCaller = async (_method, path, query) => {
    if (path === '/api/v1/pull/snapshot') return { ok: true, status: 200, body: { snapshot: offer } };
    changesAt ||= wall();
    const cursor = Number(query?.cursor ?? '0');
    const limit = Number(query?.limit ?? '5000');
    const from = cursor - base + 1;
    const to = Math.min(changes, from + limit - 1);
    const items = from <= to ? benchPage(from, to - from + 1, total).items.map((c) => ({ ...c, balance: c.balance + 1 })) : [];
    const next = base + Math.max(to, from - 1);
    return { ok: true, status: 200, body: { collection: 'customers', items, cursor: String(next), hasMore: to < changes, remaining: changes - to } };
  };
  const worker = new Worker('/pull-worker.js', { type: 'module' });
  const lookups: SnapshotLoadResult['lookups'] = { ms: [], at: [], found: 0 };
  let done = false;
  const looking = (async () => {
    for (let i = 0; !done; i++) {
      const n = 1 + Math.floor(Math.random() * total);
      lookups.at.push(wall());
      const t = performance.now();
      const c = await lookupCustomer(db, keyOf(i % 2 ? 'card' : 'phone', n));
      lookups.ms.push(performance.now() - t);
      if (c) {
        if (c.id !== String(n)) throw new Error(`lookup of ${n} found ${c.id}`);
        lookups.found++;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  const start = wall();
  const t = performance.now();
  let stored = 0;
  const onProgress = (p: PullProgress) => {
    if (p.complete && changesAt) stored ||= wall();
  };
  const outcome = await pullCustomersInWorker(worker, name, api, onProgress, { snapshot: httpSnapshotFetcher(location.origin, {}) });
  const seconds = (performance.now() - t) / 1000;
  const end = wall();
  done = true;
  await looking;
  worker.terminate();
  if (!outcome.ok) throw new Error(`snapshot load failed: ${outcome.message}`);
  const records = (await Promise.all([db.keyDeltas.count(), db.keyPages.count(), db.idDeltas.count(), db.idPages.count(), db.snapPages.count()])).reduce(
    (a, b) => a + b,
    0,
  );
  db.close();
  return { seconds, diskBytes: (await usage()) - before, records, marks: { start, changes: changesAt || end, stored: stored || end, end }, lookups };
}

// ---- the per-record layout it replaces ----
async function perRecordLoad(name: string, total: number, pageSize: number): Promise<LoadResult> {
  const db = new PerRecordDb(name);
  const r = await timedLoad(total, pageSize, (p) => storePerRecord(db, p));
  db.close();
  return r;
}

async function perRecordLookups(name: string, kind: KeyKind, ns: number[]): Promise<{ ms: number[]; misses: number }> {
  const db = new PerRecordDb(name);
  await db.open();
  const ms: number[] = [];
  let misses = 0;
  for (const n of ns) {
    const t = performance.now();
    const c = await findPerRecord(db, keyOf(kind, n));
    ms.push(performance.now() - t);
    if (c?.id !== String(n)) misses++;
  }
  db.close();
  return { ms, misses };
}

// ---- raw IndexedDB baseline: one record per customer, an index per key kind ----
const req = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((ok, ko) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });

function openRaw(name: string): Promise<IDBDatabase> {
  const r = indexedDB.open(name, 1);
  r.onupgradeneeded = () => {
    const s = r.result.createObjectStore('customers', { keyPath: 'id' });
    s.createIndex('card', 'cards', { multiEntry: true });
    s.createIndex('phone', 'phoneKey');
    s.createIndex('bank', 'bankKeys', { multiEntry: true });
  };
  return req(r);
}

async function rawLoad(name: string, total: number, pageSize: number): Promise<LoadResult> {
  const db = await openRaw(name);
  const r = await timedLoad(total, pageSize, (p) => {
    const tx = db.transaction('customers', 'readwrite', { durability: 'strict' });
    const s = tx.objectStore('customers');
    for (const c of p.items) s.put(c);
    return new Promise<void>((ok, ko) => {
      tx.oncomplete = () => ok();
      tx.onerror = () => ko(tx.error);
      tx.onabort = () => ko(tx.error);
    });
  });
  db.close();
  return r;
}

Object.assign(window, {
  bench: { tillLoad, snapshotLoad, compareLookups, lookupsDuringLoad, perRecordLoad, perRecordLookups, rawLoad, benchCustomer },
});
