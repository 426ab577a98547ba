import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CachedCustomer } from '../protocol/schemas';
import { compactCache, lookupCustomer } from './customerCache';
import { COARSE } from './pagedIndex';
import { storeCustomerPage } from './pull';
import { customer, page } from './testCustomers';
import { identifierKeys, TillDb, type LocalCustomer } from './tillDb';

let n = 0;
const freshDb = () => new TillDb(`cache-test-${++n}`);
const card = (c: CachedCustomer) => `card:${c.cards[0]}`;
const local = (c: CachedCustomer): LocalCustomer => ({
  id: c.id,
  firstName: c.firstName,
  maskedPhone: c.maskedPhone,
  tier: c.tier,
  balance: c.balance,
  pending: c.pending,
  keys: identifierKeys(c),
  birthday: c.birthday ?? null,
});

describe('paged customer cache', () => {
  it('stores a page of thousands in a few records per coarse bucket and finds every key, before and after compaction', async () => {
    const db = freshDb();
    const items = Array.from({ length: 3000 }, (_, i) => customer(i + 1, { bankKeys: i % 3 === 0 ? [`bank${i}`] : [] }));
    await storeCustomerPage(db, page(items.slice(0, 1500), 1, 1500));
    await storeCustomerPage(db, page(items.slice(1500), 2));
    // The point of the layout: records per batch are bounded by the bucket count, not the customer count.
    expect(await db.keyDeltas.count()).toBeLessThanOrEqual(2 * COARSE);
    expect(await db.idDeltas.count()).toBeLessThanOrEqual(2 * COARSE);
    expect(await db.customers.count()).toBe(3000);
    expect(await db.identifiers.count()).toBe(3000 * 2 + 1000);
    for (const c of [items[0]!, items[1234]!, items[2999]!]) {
      for (const key of identifierKeys(c)) expect(await lookupCustomer(db, key)).toEqual(local(c));
    }
    await compactCache(db, { majorEntries: 1, maxFragments: 0 });
    expect(await db.keyDeltas.count()).toBe(0);
    expect(await db.keyPages.count()).toBeGreaterThan(0);
    for (const c of items.filter((_, i) => i % 97 === 0)) {
      for (const key of identifierKeys(c)) expect(await lookupCustomer(db, key)).toEqual(local(c));
    }
    expect(await lookupCustomer(db, 'card:0000')).toBeUndefined();
  });

  it('applies updates, key moves between customers and deletes, across pages and compactions', async () => {
    const db = freshDb();
    const x = customer(1);
    const y = customer(2);
    await storeCustomerPage(db, page([x, y], 1));
    await compactCache(db, { majorEntries: 1, maxFragments: 0 });

    // x's card moves to y (y's page first: for a moment both claim it, the newer claim wins).
    const y2 = { ...y, cards: [...y.cards, x.cards[0]!], balance: 555 };
    await storeCustomerPage(db, page([y2], 2));
    expect(await lookupCustomer(db, card(x))).toMatchObject({ id: '2', balance: 555 });
    const x2 = { ...x, cards: ['2799999999999'], balance: 777 };
    await storeCustomerPage(db, page([x2], 3));
    expect(await lookupCustomer(db, card(x))).toMatchObject({ id: '2' });
    expect(await lookupCustomer(db, 'card:2799999999999')).toMatchObject({ id: '1', balance: 777 });
    await compactCache(db, { majorEntries: 1000, maxFragments: 0 }); // minor only
    expect(await lookupCustomer(db, card(x))).toMatchObject({ id: '2' });

    // y deleted: none of its keys match any more, x is untouched.
    await storeCustomerPage(db, page([{ ...y2, cards: [], phoneKey: null, deleted: true }], 4));
    for (const key of identifierKeys(y2)) expect(await lookupCustomer(db, key)).toBeUndefined();
    expect(await lookupCustomer(db, `phone:${x.phoneKey}`)).toMatchObject({ id: '1', balance: 777 });
    await compactCache(db, { majorEntries: 1, maxFragments: 0 });
    for (const key of identifierKeys(y2)) expect(await lookupCustomer(db, key)).toBeUndefined();
    expect(await db.customers.count()).toBe(1);
    expect(await db.identifiers.count()).toBe(2);

    // Re-created after deletion, and changed twice within one page: the last version wins.
    await storeCustomerPage(
      db,
      page(
        [
          { ...y, balance: 1 },
          { ...y, cards: ['2700000000777'], balance: 2 },
        ],
        5,
      ),
    );
    expect(await lookupCustomer(db, card(y))).toBeUndefined();
    expect(await lookupCustomer(db, 'card:2700000000777')).toMatchObject({ id: '2', balance: 2 });
    expect(await db.customers.count()).toBe(2);
  });

  it('grows its id filter when the cache outgrows it, still retiring stale keys of customers stored before', async () => {
    const db = freshDb();
    const first = Array.from({ length: 5000 }, (_, i) => customer(i + 1));
    await storeCustomerPage(db, page(first, 1)); // sized for 5,000 only
    const bitsBefore = (await db.cacheFilter.get('ids'))!.bits;
    const second = Array.from({ length: 5000 }, (_, i) => customer(i + 5001));
    await storeCustomerPage(db, page([...second, { ...first[0]!, cards: ['2712345678901'] }], 2));
    expect((await db.cacheFilter.get('ids'))!.bits).toBeGreaterThan(bitsBefore);
    expect(await lookupCustomer(db, card(first[0]!))).toBeUndefined();
    expect(await lookupCustomer(db, 'card:2712345678901')).toMatchObject({ id: '1' });
    expect(await db.customers.count()).toBe(10_000);
  });
});

// ---- property: any sequence of pages and compactions answers like a plain Map ----

const ID_POOL = 8;
const KEY_POOL = 10;
const arbCustomer = fc.record({
  id: fc.integer({ min: 1, max: ID_POOL }),
  cards: fc.uniqueArray(fc.integer({ min: 0, max: KEY_POOL }), { maxLength: 3 }),
  phone: fc.option(fc.integer({ min: 0, max: KEY_POOL }), { nil: null }),
  bank: fc.uniqueArray(fc.integer({ min: 0, max: KEY_POOL }), { maxLength: 2 }),
  balance: fc.integer({ min: 0, max: 1_000_000 }),
  deleted: fc.boolean(),
});
const arbStep = fc.oneof(
  { weight: 4, arbitrary: fc.array(arbCustomer, { minLength: 1, maxLength: 6 }).map((items) => ({ kind: 'page' as const, items })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ majorEntries: fc.integer({ min: 1, max: 6 }), maxFragments: fc.integer({ min: 0, max: 3 }) })
      .map((p) => ({ kind: 'compact' as const, p })),
  },
);

type ArbCustomer = typeof arbCustomer extends fc.Arbitrary<infer T> ? T : never;

function toCached(c: ArbCustomer): CachedCustomer {
  return customer(c.id, {
    cards: c.cards.map((k) => `27000000000${String(k).padStart(2, '0')}`),
    phoneKey: c.phone === null ? null : `ph${c.phone}`,
    bankKeys: c.bank.map((k) => `bk${k}`),
    balance: c.balance,
    maskedPhone: c.phone === null ? null : `+7 *** ***-00-${c.phone}`,
    deleted: c.deleted,
  });
}

describe('paged customer cache, property', () => {
  it('lookups by every key equal those of a Map model, whatever the pages and compactions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbStep, { minLength: 1, maxLength: 12 }), async (steps) => {
        const db = freshDb();
        // Model: live customers with the time of their last write; a key shared for a moment goes to the latest writer.
        const model = new Map<string, { c: CachedCustomer; at: number }>();
        const everyKey = new Set<string>();
        let clock = 0;
        let cursor = 0;
        for (const step of steps) {
          if (step.kind === 'compact') {
            await compactCache(db, step.p);
            continue;
          }
          const items = step.items.map(toCached);
          await storeCustomerPage(db, page(items, ++cursor));
          for (const c of items) {
            identifierKeys(c).forEach((k) => everyKey.add(k));
            if (c.deleted) model.delete(c.id);
            else model.set(c.id, { c, at: ++clock });
          }
        }
        for (const key of everyKey) {
          const owners = [...model.values()].filter((m) => identifierKeys(m.c).includes(key)).sort((a, b) => b.at - a.at);
          const expected = owners[0] ? local(owners[0].c) : undefined;
          expect(await lookupCustomer(db, key)).toEqual(expected);
        }
        expect(await db.customers.count()).toBe(model.size);
        expect(await db.identifiers.count()).toBe([...model.values()].reduce((s, m) => s + identifierKeys(m.c).length, 0));
        db.close();
      }),
      { numRuns: 60 },
    );
  });
});

describe('paged customer cache, readers and re-slicing', () => {
  it('a reader that cached a bucket slicing still finds everything after compaction re-slices it, larger or smaller', async () => {
    const name = `cache-test-${++n}`;
    const writer = new TillDb(name);
    const reader = new TillDb(name);
    const few = Array.from({ length: 100 }, (_, i) => customer(i + 1));
    await storeCustomerPage(writer, page(few, 1));
    await compactCache(writer, { majorEntries: 1, maxFragments: 0 });
    expect(await lookupCustomer(reader, card(few[7]!))).toMatchObject({ id: '8' }); // reader learns 1 slice per bucket

    const many = Array.from({ length: 3_000 }, (_, i) => customer(i + 101));
    await storeCustomerPage(writer, page(many, 2));
    await compactCache(writer, { majorEntries: 1, maxFragments: 0 });
    expect(Math.max(...(await writer.keyPages.toArray()).map((p) => p.bits))).toBeGreaterThan(7);
    expect(await lookupCustomer(reader, card(few[7]!))).toMatchObject({ id: '8' });
    expect(await lookupCustomer(reader, `phone:${many[2500]!.phoneKey}`)).toMatchObject({ id: '2601' });

    await storeCustomerPage(
      writer,
      page(
        many.map((c) => ({ ...c, cards: [], phoneKey: null, deleted: true })),
        3,
      ),
    );
    await compactCache(writer, { majorEntries: 1, maxFragments: 0 });
    expect(Math.max(...(await writer.keyPages.toArray()).map((p) => p.bits))).toBe(7);
    expect(await lookupCustomer(reader, `phone:${many[2500]!.phoneKey}`)).toBeUndefined();
    expect(await lookupCustomer(reader, card(few[99]!))).toMatchObject({ id: '100' });
    expect(await reader.customers.count()).toBe(100);
  });
});
