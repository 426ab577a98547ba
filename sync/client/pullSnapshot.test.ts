import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CachedCustomer } from '../protocol/schemas';
import type { SnapshotOffer } from '../protocol/snapshot';
import { snapshotFile, snapshotName } from '../server/snapshot/build';
import type { ApiAnswer, ApiCaller } from './api';
import { compactCache, lookupCustomer } from './customerCache';
import { pullCustomers } from './pull';
import type { SnapshotFetcher } from './pullSnapshot';
import { customer } from './testCustomers';
import { identifierKeys, TillDb } from './tillDb';

let dbs = 0;
const freshDb = () => new TillDb(`snapshot-test-${++dbs}`, { durability: 'relaxed' });

/** A server in memory: a change log of customer rows (the cursor is a position in it) and a snapshot of its first `at` rows. */
function fakeServer(log: CachedCustomer[], snapshotAt: number | null) {
  const latest = new Map<string, CachedCustomer>();
  for (const c of log.slice(0, snapshotAt ?? 0)) latest.set(c.id, c);
  const built = snapshotFile(1, latest.values(), String(snapshotAt ?? 0), 1);
  const file = Buffer.concat(built.parts);
  const name = snapshotName(1, built.hash);
  const ranges: [number, number][] = [];
  const api: ApiCaller = async (_method, path, query): Promise<ApiAnswer> => {
    if (path === '/api/v1/pull/snapshot') {
      const body: SnapshotOffer = {
        snapshot:
          snapshotAt === null
            ? null
            : { name, path: `/api/v1/snapshot/${name}`, bytes: file.length, cursor: String(snapshotAt), customers: built.header.customers, builtAt: 1 },
      };
      return { ok: true, status: 200, body };
    }
    const from = Number(query?.cursor ?? '0');
    const limit = Number(query?.limit ?? '100');
    const items = log.slice(from, from + limit);
    const to = from + items.length;
    return { ok: true, status: 200, body: { collection: 'customers', items, cursor: String(to), hasMore: to < log.length, remaining: log.length - to } };
  };
  /** Serves ranges of the file; `cutAt(i)` gives how many bytes request i delivers before its connection drops (null: all). */
  const fetcher =
    (cutAt: (i: number) => number | null = () => null): SnapshotFetcher =>
    async (_path, start, end) => {
      const i = ranges.push([start, end]) - 1;
      const cut = cutAt(i);
      const stop = cut === null ? end : Math.min(end, start + cut);
      return { ok: true, bytes: new Uint8Array(file.subarray(start, stop)), cut: stop < end };
    };
  return { api, fetcher, ranges, file, built };
}

/** A random change log in which a key belongs to one customer at a time, as on the server. */
const history = fc
  .record({
    customers: fc.integer({ min: 1, max: 40 }),
    ops: fc.array(
      fc.record({
        kind: fc.constantFrom('update', 'moveCard', 'delete', 'create', 'bank', 'phone'),
        a: fc.nat(),
        b: fc.nat(),
        v: fc.nat({ max: 10_000 }),
      }),
      { maxLength: 60 },
    ),
  })
  .map(({ customers, ops }) => {
    const now = new Map<string, CachedCustomer>();
    const log: CachedCustomer[] = [];
    const emit = (c: CachedCustomer) => {
      log.push(c);
      if (c.deleted) now.delete(c.id);
      else now.set(c.id, c);
    };
    let next = 1;
    for (; next <= customers; next++) emit(customer(next, { bankKeys: next % 4 === 0 ? [`bankkey${next}`] : [] }));
    for (const op of ops) {
      const live = [...now.values()];
      const a = live[op.a % Math.max(1, live.length)];
      const b = live[op.b % Math.max(1, live.length)];
      if (op.kind === 'create' || !a) {
        emit(customer(next++));
      } else if (op.kind === 'update') {
        emit({ ...a, balance: op.v, firstName: `Имя ${op.v}`, birthday: op.v % 3 ? { month: 1 + (op.v % 12), day: 1 + (op.v % 28) } : null });
      } else if (op.kind === 'moveCard' && b && a !== b && a.cards.length) {
        // A card handed from one customer to another: the old holder loses it first.
        const [card, ...rest] = a.cards;
        emit({ ...a, cards: rest });
        emit({ ...now.get(b.id)!, cards: [...now.get(b.id)!.cards, card!] });
      } else if (op.kind === 'delete') {
        emit({ ...a, deleted: true });
      } else if (op.kind === 'bank') {
        emit({ ...a, bankKeys: a.bankKeys.length ? [] : [`bankkey${op.v}x${a.id}`] });
      } else if (op.kind === 'phone') {
        emit({ ...a, phoneKey: a.phoneKey ? null : `phonehash${a.id}v${op.v}` });
      }
    }
    return log;
  });

async function lookups(db: TillDb, keys: Iterable<string>) {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = (await lookupCustomer(db, k)) ?? null;
  return out;
}

describe('till bootstrap from a snapshot', () => {
  it('ends with the same cache as the paged pull of the whole history, whatever the customers, the changes after the snapshot and the cuts', async () => {
    await fc.assert(
      fc.asyncProperty(
        history,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.option(fc.nat({ max: 3000 }), { nil: null }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 50 }),
        async (log, at, cuts, pageSize) => {
          const snapshotAt = Math.floor(at * log.length);
          const server = fakeServer(log, snapshotAt);
          const viaSnapshot = freshDb();
          const paged = freshDb();
          // Every cut is followed by a request from where it stopped: the download goes on by Range.
          // A run of cuts may outlast one pull: it fails as offline and the next pull resumes.
          const fetcher = server.fetcher((i) => cuts[i] ?? null);
          let first = await pullCustomers(viaSnapshot, server.api, undefined, { pageSize, snapshot: fetcher });
          for (let again = 0; !first.ok && again < cuts.length; again++) {
            expect(first).toMatchObject({ ok: false, offline: true });
            first = await pullCustomers(viaSnapshot, server.api, undefined, { pageSize, snapshot: fetcher });
          }
          expect(first.ok).toBe(true);
          expect(await pullCustomers(paged, server.api, undefined, { pageSize })).toMatchObject({ ok: true });
          const keys = new Set(log.flatMap((c) => identifierKeys({ ...c, deleted: false })));
          expect(await lookups(viaSnapshot, keys)).toEqual(await lookups(paged, keys));
          expect(await viaSnapshot.customers.count()).toBe(await paged.customers.count());
          expect(await viaSnapshot.identifiers.count()).toBe(await paged.identifiers.count());
          // Changes pulled later, compacted hard: the snapshot below still answers only what they leave open.
          await compactCache(viaSnapshot.cacheWriter(), { majorEntries: 1, maxFragments: 0 });
          expect(await lookups(viaSnapshot, keys)).toEqual(await lookups(paged, keys));
          viaSnapshot.close();
          paged.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('resumes a cut download at the page it stopped in, by Range, also after the till restarts', async () => {
    const log = Array.from({ length: 3000 }, (_, i) => customer(i + 1));
    const server = fakeServer(log, 2900);
    const db = freshDb();
    const pagesTotal = server.built.header.keyLayer.first.length + server.built.header.idLayer.first.length;
    expect(pagesTotal).toBeGreaterThan(10);
    // The link drops after 40 KB of the first data request, then the server is unreachable: the till gives up for now, pages kept.
    let failing = true;
    const serve = server.fetcher((i) => (i === 1 ? 40_000 : null));
    const flaky: SnapshotFetcher = async (path, start, end) => {
      const answer = await serve(path, start, end);
      return failing && server.ranges.length > 2 ? { ok: false, offline: true, status: 0, message: 'unreachable' } : answer;
    };
    const first = await pullCustomers(db, server.api, undefined, { snapshot: flaky });
    expect(first).toMatchObject({ ok: false, code: 'offline' });
    const stored = (await db.snapshot.get('base'))!;
    expect(stored.nextPage).toBeGreaterThan(0);
    expect(stored.complete).toBe(false);
    // The second request asked from the page the 40 KB cut stopped in, not from the start.
    expect(server.ranges[2]![0]).toBeGreaterThan(server.ranges[1]![0]);
    expect(server.ranges[2]![0]).toBeLessThanOrEqual(server.ranges[1]![0] + 40_000);
    // A customer from the stored pages is found already while the load is incomplete.
    expect((await lookupCustomer(db, identifierKeys(log[0]!)[0]!))?.id).toBe('1');
    db.close();

    failing = false;
    const again = new TillDb(db.name, { durability: 'relaxed' });
    const before = server.ranges.length;
    const second = await pullCustomers(again, server.api, undefined, { snapshot: flaky });
    expect(second.ok).toBe(true);
    // No header again, no page again: straight on from the first page not stored.
    expect(server.ranges[before]![0]).toBe(stored.dataStart + stored.offsets[stored.nextPage]!);
    expect(server.ranges[before]![0]).toBe(server.ranges[2]![0]);
    for (const c of [log[0]!, log[1500]!, log[2950]!]) expect((await lookupCustomer(again, `card:${c.cards[0]}`))?.id).toBe(c.id);
    expect(await again.customers.count()).toBe(3000);
    again.close();
  });

  it('a header cut again and again is a bad line, not a bad file: the pull fails as offline and the next one loads it', async () => {
    const log = Array.from({ length: 50 }, (_, i) => customer(i + 1));
    const server = fakeServer(log, 50);
    const db = freshDb();
    const fetcher = server.fetcher((i) => (i < 6 ? 3 : null));
    expect(await pullCustomers(db, server.api, undefined, { snapshot: fetcher })).toMatchObject({ ok: false, offline: true, code: 'offline' });
    expect((await pullCustomers(db, server.api, undefined, { snapshot: fetcher })).ok).toBe(true);
    expect((await lookupCustomer(db, `card:${log[7]!.cards[0]}`))?.id).toBe('8');
    db.close();
  });

  it('a file that is not a snapshot is refused as one the till cannot read', async () => {
    const server = fakeServer([customer(1)], 1);
    const db = freshDb();
    const junk: SnapshotFetcher = async () => ({ ok: true, bytes: new TextEncoder().encode('<html>proxy login</html>'.padEnd(200, ' ')), cut: false });
    expect(await pullCustomers(db, server.api, undefined, { snapshot: junk })).toMatchObject({ ok: false, offline: false, code: 'bad_page' });
    db.close();
  });

  it('falls back to the paged pull when the server offers no snapshot', async () => {
    const log = Array.from({ length: 50 }, (_, i) => customer(i + 1));
    const server = fakeServer(log, null);
    const db = freshDb();
    expect((await pullCustomers(db, server.api, undefined, { snapshot: server.fetcher() })).ok).toBe(true);
    expect(server.ranges).toEqual([]);
    expect(await db.snapshot.count()).toBe(0);
    expect((await lookupCustomer(db, `card:${log[7]!.cards[0]}`))?.id).toBe('8');
    db.close();
  });
});
