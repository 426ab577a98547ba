import 'fake-indexeddb/auto';
import Dexie, { type DBCore } from 'dexie';
import { describe, expect, it } from 'vitest';
import type { ApiCaller } from './api';
import { lookupCustomer } from './customerCache';
import { pullCustomers } from './pull';
import { customer } from './testCustomers';
import type { OutboxRecord } from './outbox';
import { TillDb } from './tillDb';

/** The server's pull endpoint over an in-memory list, cursor = position. */
function fakeServer(total: number): { api: ApiCaller; calls: () => number } {
  const all = Array.from({ length: total }, (_, i) => customer(i + 1));
  let calls = 0;
  const api: ApiCaller = async (_method, _path, query) => {
    calls++;
    const from = Number(query?.cursor ?? '0');
    const items = all.slice(from, from + Number(query?.limit ?? '100'));
    const cursor = from + items.length;
    return { ok: true, status: 200, body: { collection: 'customers', items, cursor: String(cursor), hasMore: cursor < total, remaining: total - cursor } };
  };
  return { api, calls: () => calls };
}

/** Make writes to the key index fail as a full disk does, while `full()` says so (on the connection the cache writes through). */
function diskFullWhen(db: TillDb, full: () => boolean): void {
  db.use({
    stack: 'dbcore',
    name: 'disk-full',
    create: (down: DBCore): DBCore => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (req) => (name === 'keyDeltas' && full() ? Promise.reject(new DOMException('Quota exceeded', 'QuotaExceededError')) : table.mutate(req)),
        };
      },
    }),
  });
}

let n = 0;

describe('initial load: failures and resume', () => {
  it('reports a full disk as storage_full, keeps what was stored, and resumes from the last stored page', async () => {
    const db = new TillDb(`resume-test-${++n}`);
    const server = fakeServer(1000);
    let stored = 0;
    diskFullWhen(db.cacheWriter(), () => stored >= 3);
    const first = await pullCustomers(db, server.api, () => stored++, 100);
    expect(first).toMatchObject({ ok: false, code: 'storage_full', offline: false, progress: { loaded: 300 } });
    expect(first.ok ? '' : first.message).toMatch(/disk space/);
    expect(await db.syncState.get('customers')).toMatchObject({ cursor: '300', loaded: 300, complete: false });
    expect(await db.customers.count()).toBe(300);

    stored = -1_000; // disk freed
    const seen: number[] = [];
    const second = await pullCustomers(db, server.api, (p) => seen.push(p.loaded), 100);
    expect(second).toMatchObject({ ok: true, progress: { loaded: 1000, complete: true } });
    expect(seen[0]).toBe(400); // resumed, not restarted
    expect(await db.customers.count()).toBe(1000);
    expect(await lookupCustomer(db, `card:${customer(1000).cards[0]}`)).toMatchObject({ id: '1000' });
  });

  it('answers lookups during a load and after a reopen mid-way (a crash between pages)', async () => {
    const name = `resume-test-${++n}`;
    const server = fakeServer(600);
    let db = new TillDb(name);
    let pages = 0;
    const stopAfterTwo: ApiCaller = async (...args) =>
      ++pages > 2 ? { ok: false, offline: true, status: 0, code: 'server_unreachable', message: 'gone' } : server.api(...args);
    expect(await pullCustomers(db, stopAfterTwo, undefined, 100)).toMatchObject({ ok: false, code: 'offline', progress: { loaded: 200 } });
    expect(await lookupCustomer(db, `card:${customer(150).cards[0]}`)).toMatchObject({ id: '150' });
    db.close();
    db = new TillDb(name);
    expect(await pullCustomers(db, server.api, undefined, 100)).toMatchObject({ ok: true, progress: { loaded: 600 } });
    expect(await lookupCustomer(db, `phone:${customer(600).phoneKey}`)).toMatchObject({ id: '600' });
  });
});

describe('schema upgrade', () => {
  it('upgrades a v1 till: drops the per-record tables, resets the cursor, declares the checkout tables', async () => {
    const name = `upgrade-test-${++n}`;
    const v1 = new Dexie(name);
    v1.version(1).stores({ customers: 'id', identifiers: 'key, customerId', syncState: 'collection' });
    await v1.table('customers').put({ id: '1', firstName: 'A', maskedPhone: null, tier: 'base', balance: 1, pending: 0, keys: ['card:1'] });
    await v1.table('identifiers').put({ key: 'card:1', customerId: '1' });
    await v1.table('syncState').put({ collection: 'customers', cursor: '42', remaining: 0, loaded: 1, updatedAt: 0, complete: true });
    v1.close();

    const db = new TillDb(name);
    await db.open();
    expect(db.verno).toBe(new TillDb(`${name}-latest`).verno);
    // Every table of the current schema is there (others may come with later versions).
    expect(db.tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'ackedBalances',
        'balanceDeltas',
        'cacheFilter',
        'cacheMeta',
        'idDeltas',
        'idPages',
        'journal',
        'keyDeltas',
        'keyPages',
        'offers',
        'outbox',
        'products',
        'programme',
        'syncState',
        'cashiers',
        'shift',
        'tally',
        'draft',
        'snapshot',
        'snapPages',
      ]),
    );
    expect(db.tables.map((t) => t.name)).not.toContain('customers');
    expect(await db.syncState.get('customers')).toBeUndefined();
    expect(await db.customers.count()).toBe(0);
    // The outbox refuses a second entry with the same event id: an event is queued once.
    const entry = {
      eventId: 'e1',
      status: 'pending',
      type: 'consent',
      event: {},
      createdAt: 0,
      attempts: 0,
      lastError: null,
      rejection: null,
    } as unknown as OutboxRecord;
    await db.outbox.add(entry);
    await expect(db.outbox.add({ ...entry })).rejects.toThrow();
    const server = fakeServer(5);
    expect(await pullCustomers(db, server.api)).toMatchObject({ ok: true, progress: { loaded: 5 } });
  });
});
