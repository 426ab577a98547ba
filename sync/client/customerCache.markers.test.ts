import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import type { CachedCustomer } from '../protocol/schemas';
import { compactCache, lookupCustomer } from './customerCache';
import { isPage } from './pagedIndex';
import { storeCustomerPage } from './pull';
import { customer, page } from './testCustomers';
import { TillDb } from './tillDb';

// Level-0 markers: a lookup reads level 0 only when its page is marked (or the bucket has no pages).
// A reader and a writer on separate connections stand for two tabs, or the renderer and the pull worker.

let n = 0;
const card = (c: CachedCustomer) => `card:${c.cards[0]}`;
const major = { majorEntries: 1, maxFragments: 0 };
const markers = async (db: TillDb) => (await db.keyPages.toArray()).filter((r) => !isPage(r)).length;

describe('lookups when level 0 is empty, then not', () => {
  it('a reader that saw level 0 empty finds customers updated, added, moved and deleted later by another connection', async () => {
    const name = `markers-test-${++n}`;
    const writer = new TillDb(name);
    const reader = new TillDb(name);
    const all = Array.from({ length: 400 }, (_, i) => customer(i + 1));
    await storeCustomerPage(writer, page(all, 1));
    await compactCache(writer, major);
    expect(await writer.keyDeltas.count()).toBe(0);
    expect(await markers(writer)).toBe(0);
    // The reader learns every bucket's slicing and that level 0 is empty.
    for (const c of all) expect(await lookupCustomer(reader, card(c))).toMatchObject({ id: c.id, balance: c.balance });

    // Another connection changes some customers: level 0 is not empty any more, their pages get marked.
    const c5 = { ...all[4]!, balance: 999, cards: [...all[4]!.cards, '2799999999999'] };
    const c6 = { ...all[5]!, cards: [], phoneKey: null, deleted: true };
    const c7 = { ...all[6]!, cards: [all[7]!.cards[0]!] }; // takes customer 8's card
    const added = customer(401);
    await storeCustomerPage(writer, page([c5, c6, c7, added], 2));
    expect(await writer.keyDeltas.count()).toBeGreaterThan(0);
    expect(await markers(writer)).toBeGreaterThan(0);
    expect(await lookupCustomer(reader, card(c5))).toMatchObject({ id: '5', balance: 999 });
    expect(await lookupCustomer(reader, 'card:2799999999999')).toMatchObject({ id: '5', balance: 999 });
    expect(await lookupCustomer(reader, card(all[5]!))).toBeUndefined();
    expect(await lookupCustomer(reader, `phone:${all[5]!.phoneKey}`)).toBeUndefined();
    expect(await lookupCustomer(reader, card(all[7]!))).toMatchObject({ id: '7' });
    expect(await lookupCustomer(reader, card(all[6]!))).toBeUndefined();
    expect(await lookupCustomer(reader, `phone:${added.phoneKey}`)).toMatchObject({ id: '401' });
    // Untouched customers, in marked pages or not, are still found.
    for (const c of all.slice(8)) expect(await lookupCustomer(reader, card(c))).toMatchObject({ id: c.id });

    // A minor compaction keeps level 0 (and the markers); a major one empties both.
    await compactCache(writer, { majorEntries: 1_000, maxFragments: 0 });
    expect(await markers(writer)).toBeGreaterThan(0);
    expect(await lookupCustomer(reader, card(c5))).toMatchObject({ id: '5', balance: 999 });
    await compactCache(writer, major);
    expect(await writer.keyDeltas.count()).toBe(0);
    expect(await markers(writer)).toBe(0);
    expect(await lookupCustomer(reader, card(c5))).toMatchObject({ id: '5', balance: 999 });
    expect(await lookupCustomer(reader, card(all[7]!))).toMatchObject({ id: '7' });

    // Updated again after that compaction: the reader, which just saw level 0 empty, sees the change.
    await storeCustomerPage(writer, page([{ ...c5, balance: 1234 }], 3));
    expect(await lookupCustomer(reader, card(c5))).toMatchObject({ id: '5', balance: 1234 });
    expect(await lookupCustomer(reader, 'card:2799999999999')).toMatchObject({ id: '5', balance: 1234 });
    expect(await reader.customers.count()).toBe(400);
    writer.close();
    reader.close();
  });

  it('a bucket being loaded (no pages yet) and then compacted answers the same through one reader', async () => {
    const name = `markers-test-${++n}`;
    const writer = new TillDb(name);
    const reader = new TillDb(name);
    const all = Array.from({ length: 300 }, (_, i) => customer(i + 1));
    await storeCustomerPage(writer, page(all.slice(0, 150), 1, 150));
    for (const c of all.slice(0, 150)) expect(await lookupCustomer(reader, card(c))).toMatchObject({ id: c.id });
    await storeCustomerPage(writer, page(all.slice(150), 2));
    await compactCache(writer, major);
    for (const c of all) expect(await lookupCustomer(reader, `phone:${c.phoneKey}`)).toMatchObject({ id: c.id });
    writer.close();
    reader.close();
  });
});

describe('schema upgrade to v5', () => {
  it('marks level-0 changes stored by v3 over compacted pages, so lookups still see them', async () => {
    // Build the v3 layout with today's code, then copy it without markers into a database declared as v3.
    const source = new TillDb(`markers-source-${++n}`);
    const all = Array.from({ length: 200 }, (_, i) => customer(i + 1));
    await storeCustomerPage(source, page(all, 1));
    await compactCache(source, major);
    await storeCustomerPage(source, page([{ ...all[9]!, balance: 4242 }, customer(201)], 2));
    const tables = ['keyDeltas', 'keyPages', 'idDeltas', 'idPages', 'cacheMeta', 'cacheFilter', 'syncState'] as const;
    const rows = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await source.table(t).toArray()] as const)));
    rows.keyPages = rows.keyPages!.filter((r: { lo: number }) => Number.isInteger(r.lo));
    source.close();

    const name = `markers-upgrade-${++n}`;
    const v3 = new Dexie(name);
    v3.version(1).stores({ customers: 'id', identifiers: 'key, customerId', syncState: 'collection' });
    v3.version(2).stores({
      customers: null,
      identifiers: null,
      keyDeltas: 'id',
      keyPages: 'lo',
      idDeltas: 'id',
      idPages: 'lo',
      cacheMeta: 'name',
      cacheFilter: 'name',
      syncState: 'collection',
      journal: 'receiptId, createdAt',
      outbox: '++seq, &eventId, status',
      balanceDeltas: 'eventId, customerId',
      ackedBalances: 'eventId, customerId, at',
    });
    v3.version(3).stores({ products: 'id, ean', offers: 'id', programme: 'key' });
    for (const t of tables) await v3.table(t).bulkPut(rows[t]!);
    expect(v3.verno).toBe(3);
    v3.close();

    const db = new TillDb(name);
    await db.open();
    expect(db.verno).toBe(new TillDb(`${name}-latest`).verno);
    expect(await markers(db)).toBeGreaterThan(0);
    expect(await lookupCustomer(db, card(all[9]!))).toMatchObject({ id: '10', balance: 4242 });
    expect(await lookupCustomer(db, `phone:${customer(201).phoneKey}`)).toMatchObject({ id: '201' });
    expect(await lookupCustomer(db, card(all[10]!))).toMatchObject({ id: '11', balance: all[10]!.balance });
    expect(await db.customers.count()).toBe(201);
    db.close();
  });
});
