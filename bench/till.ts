/**
 * Till customer cache benchmark in real Chromium: the paged cache (real sync/client code)
 * against a raw IndexedDB bulk insert (one record per customer, an index per key kind) and
 * the per-record layout it replaced, in the same run.
 * Also the till bootstrapped from the server's snapshot (sync/server/snapshot, built here from
 * the same customers) with `--changes` customers changed after it, everything included until
 * lookups run at full speed, against the same raw baseline: the production path, in the till's
 * pull worker, while the page looks customers up every `--lookup-every` ms (p50/p99 per phase;
 * BENCH_DEBUG=1 prints each lookup as ms-since-start:duration).
 * Run: npx tsx bench/till.ts [--customers 1000000] [--page 5000] [--per-record 100000] [--lookups 1000] [--changes 5000] [--paged 1] [--lookup-every 50]
 * Prints `name: value unit` lines.
 */
import { openBenchPage, reload, type BenchPage } from './till/harness';
import type { KeyKind, LoadResult, SnapshotLoadResult } from './till/page';
import { seededRandom } from '../sync/testing/prng';
import { out, pct } from './report';
import { benchCustomer } from './till/data';
import { snapshotFile, snapshotName } from '../sync/server/snapshot/build';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
const N = arg('customers', 1_000_000);
const PAGE = arg('page', 5_000);
const PER_RECORD_N = Math.min(N, arg('per-record', 100_000));
const LOOKUPS = arg('lookups', 1_000);
const CHANGES = arg('changes', 5_000);
/** A lookup this often while the snapshot loads: ~100 and more samples at 100k, for a p99 that is not just the maximum. */
const LOOKUP_EVERY = arg('lookup-every', 50);
/** 0 skips today's paged load (the longest part of the run). */
const PAGED = process.argv.includes('--paged') ? Number(process.argv[process.argv.indexOf('--paged') + 1]) : 1;

type Lookups = { ms: number[]; misses: number };
type BenchApi = Record<string, (...args: unknown[]) => Promise<unknown>>;

async function call<T>(p: BenchPage['page'], fn: string, ...args: unknown[]): Promise<T> {
  return (await p.evaluate(([fn, args]) => (window as unknown as { bench: BenchApi }).bench[fn as string]!(...(args as unknown[])), [fn, args] as const)) as T;
}

const ms = (x: number): string => x.toFixed(3);
const ratio = (a: number, b: number): string => (a / b).toFixed(2);

// Deterministic random customer numbers, the same for every layout.
function sample(count: number, max: number, seed: number, filter: (n: number) => boolean = () => true): number[] {
  const rand = seededRandom(seed);
  const ns: number[] = [];
  while (ns.length < count) {
    const n = 1 + Math.floor(rand() * max);
    if (filter(n)) ns.push(n);
  }
  return ns;
}

function reportLoad(prefix: string, n: number, r: LoadResult): void {
  out(`${prefix}.load.rate`, Math.round(n / r.seconds), 'records/s');
  out(`${prefix}.load.seconds`, r.seconds.toFixed(1), 's');
  out(`${prefix}.load.slices`, r.slices.map((s) => `${s.upTo}:${s.rate}`).join(' '), 'upTo:records/s');
  out(`${prefix}.disk`, (r.diskBytes / 1e6).toFixed(0), 'MB');
}

async function lookups(p: BenchPage, fn: string, db: string, kind: KeyKind, ns: number[]): Promise<Lookups> {
  await reload(p); // fresh heap, Chromium's IndexedDB caches partly cold
  const r = await call<Lookups>(p.page, fn, db, kind, ns);
  if (r.misses) throw new Error(`${fn} ${kind}: ${r.misses} lookups did not find the right customer`);
  return r;
}

const stamp = Date.now();
// The server's snapshot of these customers, built as the server builds it.
const buildStart = performance.now();
const built = snapshotFile(
  1,
  (function* () {
    for (let n = 1; n <= N; n++) yield benchCustomer(n);
  })(),
  String(N),
);
const buildSeconds = (performance.now() - buildStart) / 1000;
const file = Buffer.concat(built.parts);
const name = snapshotName(1, built.hash);
const offer = { name, path: `/api/v1/snapshot/${name}`, bytes: file.length, cursor: String(N), customers: N, builtAt: Date.now() };
const p = await openBenchPage(
  new URL('./till/page.ts', import.meta.url).pathname,
  new Map([[offer.path, file]]),
  new Map([['/pull-worker.js', new URL('../sync/client/pullWorker.ts', import.meta.url).pathname]]),
);
try {
  out('customers', N);
  out('page.size', PAGE);
  out('snapshot.bytes', (file.length / 1e6).toFixed(1), 'MB');
  out('snapshot.build.seconds', buildSeconds.toFixed(1), 's (server, once per chain and epoch)');

  // Raw baseline.
  const raw = await call<LoadResult>(p.page, 'rawLoad', `raw-${stamp}`, N, PAGE);
  reportLoad('raw', N, raw);

  // The till from the snapshot, loaded by the till's pull worker while the page looks customers up.
  const snap = await call<SnapshotLoadResult>(p.page, 'snapshotLoad', `snap-${stamp}`, offer, N, CHANGES, LOOKUP_EVERY);
  const snapDuringLoad = snap.lookups;
  out('tillSnapshot.changesAfter', CHANGES, 'customers');
  out('tillSnapshot.load.seconds', snap.seconds.toFixed(1), 's (download, store, changes after it, compaction)');
  out('tillSnapshot.load.pages.seconds', ((snap.marks.changes - snap.marks.start) / 1000).toFixed(1), 's (download and store the pages)');
  out('tillSnapshot.load.changes.seconds', ((snap.marks.stored - snap.marks.changes) / 1000).toFixed(1), 's (the changes after the snapshot)');
  out('tillSnapshot.load.compaction.seconds', ((snap.marks.end - snap.marks.stored) / 1000).toFixed(1), 's');
  out('tillSnapshot.load.rate', Math.round(N / snap.seconds), 'records/s');
  out('tillSnapshot.load.ratio', ratio(raw.seconds, snap.seconds), 'x faster than raw (everything included; goal >= 5)');
  out('tillSnapshot.disk', (snap.diskBytes / 1e6).toFixed(0), 'MB');
  out(
    'tillSnapshot.disk.per1M',
    (((snap.diskBytes / N) * 1e6) / 1e6).toFixed(0),
    `MB per 1M customers (raw: ${(((raw.diskBytes / N) * 1e6) / 1e6).toFixed(0)})`,
  );
  out('tillSnapshot.records', snap.records, 'records');
  const during = (from: number, to: number): number[] => snapDuringLoad.ms.filter((_, i) => snapDuringLoad.at[i]! >= from && snapDuringLoad.at[i]! < to);
  for (const [phase, xs] of [
    ['', snapDuringLoad.ms],
    ['.pages', during(0, snap.marks.changes)],
    ['.changes', during(snap.marks.changes, snap.marks.stored)],
    ['.compaction', during(snap.marks.stored, Infinity)],
  ] as const) {
    if (!xs.length) continue;
    out(`tillSnapshot.lookup.duringLoad${phase}.p50`, ms(pct(xs, 0.5)), 'ms');
    out(`tillSnapshot.lookup.duringLoad${phase}.p99`, ms(pct(xs, 0.99)), phase ? 'ms' : 'ms (goal < 100)');
    out(`tillSnapshot.lookup.duringLoad${phase}.max`, ms(Math.max(...xs)), 'ms');
    out(`tillSnapshot.lookup.duringLoad${phase}.count`, xs.length);
  }
  if (process.env.BENCH_DEBUG)
    console.log(snapDuringLoad.ms.map((x, i) => `${Math.round(snapDuringLoad.at[i]! - snap.marks.start)}:${Math.round(x)}`).join(' '), snap.marks);
  out('tillSnapshot.lookup.duringLoad.found', snapDuringLoad.found, '(pages not stored yet miss)');

  // The till's paged cache (today's pull), with lookups from a second tab while it loads.
  if (PAGED) {
    const tab = await p.newTab();
    // A lookup every 250 ms: busier than any cashier, without starving the load of CPU on 2 cores.
    const during = call<Lookups>(tab, 'lookupsDuringLoad', `till-${stamp}`, PAGE, 250);
    const till = await call<LoadResult & { compactSeconds: number; records: number }>(p.page, 'tillLoad', `till-${stamp}`, N, PAGE);
    const duringLoad = await during;
    await tab.close();
    reportLoad('till', N, till);
    out('till.compact.seconds', till.compactSeconds.toFixed(1), 's');
    out('till.load.withCompaction.rate', Math.round(N / (till.seconds + till.compactSeconds)), 'records/s');
    out('till.records', till.records, 'records');
    out('till.load.ratio', ratio(raw.seconds, till.seconds + till.compactSeconds), 'x faster than raw (incl. compaction)');
    out('till.lookup.duringLoad.p50', ms(pct(duringLoad.ms, 0.5)), 'ms');
    out('till.lookup.duringLoad.p99', ms(pct(duringLoad.ms, 0.99)), 'ms');
    out('till.lookup.duringLoad.count', duringLoad.ms.length);
  }

  // Lookups after a reload, 1,000 random customers per key kind: the till's cache and a raw
  // index get on the raw store, alternating so both see the same machine state.
  const samples = { card: sample(LOOKUPS, N, 1), phone: sample(LOOKUPS, N, 2), bank: sample(LOOKUPS, N, 3, (n) => n % 5 === 0) };
  const rawAll: number[] = [];
  for (const [prefix, db] of [...(PAGED ? [['till', `till-${stamp}`]] : []), ['tillSnapshot', `snap-${stamp}`]] as const) {
    for (const kind of ['card', 'phone', 'bank'] as const) {
      await reload(p);
      const r = await call<{ till: number[]; raw: number[]; misses: number }>(p.page, 'compareLookups', db, `raw-${stamp}`, kind, samples[kind]);
      if (r.misses) throw new Error(`${prefix} ${kind}: ${r.misses} lookups did not find the right customer`);
      rawAll.push(...r.raw);
      out(`${prefix}.lookup.${kind}.p50`, ms(pct(r.till, 0.5)), 'ms');
      out(`${prefix}.lookup.${kind}.p99`, ms(pct(r.till, 0.99)), 'ms');
      out(`raw.lookup.${kind}.p50`, ms(pct(r.raw, 0.5)), 'ms');
      out(`raw.lookup.${kind}.p99`, ms(pct(r.raw, 0.99)), 'ms');
      out(`${prefix}.lookup.${kind}.p50.ratio`, ratio(pct(r.till, 0.5), pct(r.raw, 0.5)), 'x raw');
      out(`${prefix}.lookup.${kind}.p99.ratio`, ratio(pct(r.till, 0.99), pct(r.raw, 0.99)), 'x raw');
    }
  }
  out('raw.lookup.p50', ms(pct(rawAll, 0.5)), 'ms');
  out('raw.lookup.p99', ms(pct(rawAll, 0.99)), 'ms');

  // The per-record layout this replaced, at a smaller N unless asked otherwise.
  const per = await call<LoadResult>(p.page, 'perRecordLoad', `per-${stamp}`, PER_RECORD_N, PAGE);
  out('perRecord.customers', PER_RECORD_N);
  reportLoad('perRecord', PER_RECORD_N, per);
  const perCard = await lookups(p, 'perRecordLookups', `per-${stamp}`, 'card', sample(LOOKUPS, PER_RECORD_N, 4));
  out('perRecord.lookup.card.p50', ms(pct(perCard.ms, 0.5)), 'ms');
  out('perRecord.lookup.card.p99', ms(pct(perCard.ms, 0.99)), 'ms');
} finally {
  await p.close();
}
