import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedCustomer } from '../protocol/schemas';
import { buildApp } from '../server/app';
import type { Database } from '../server/db/database';
import { demoCardNumber, seedDemo } from '../server/demoSeed';
import { line, sale } from '../server/testing/events';
import { testDatabases } from '../server/testing/databases';
import { startFaultProxy } from '../testing/faultProxy';
import { toApiAnswer, type ApiCaller } from './api';
import { commitSale, forgetAckedBefore, outboxStats, pushOutbox, retryDelay, shownBalance } from './outbox';
import { TillDb } from './tillDb';

const ADMIN = 'admin-token-for-tests-0123456789';
let db: Database;
let serverUrl: string;
let close: () => Promise<void>;

beforeAll(async () => {
  db = await testDatabases()[0]!.open();
  await seedDemo(db, 60);
  const app = await buildApp({ db, adminToken: ADMIN, rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } });
  serverUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  close = async () => {
    await app.close();
    await db.close();
  };
});
afterAll(() => close());

async function enrol(): Promise<string> {
  const h = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  const { code } = await (await fetch(`${serverUrl}/api/v1/admin/enrolment-codes`, { method: 'POST', headers: h, body: '{"storeId":1}' })).json();
  const res = await fetch(`${serverUrl}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deviceName: 'outbox test' }),
  });
  return (await res.json()).token as string;
}

/** What the host does for the till: attach the credential, forward over HTTP, report failures as offline. */
function apiVia(base: string, token: string): ApiCaller {
  return async (method, path, query, body) => {
    const qs = query ? `?${new URLSearchParams(query)}` : '';
    try {
      const res = await fetch(`${base}${path}${qs}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
      return toApiAnswer(res.status, await res.json().catch(() => null));
    } catch (err) {
      return toApiAnswer(503, { code: 'server_unreachable', message: (err as Error).message });
    }
  };
}

async function serverView(api: ApiCaller, n: number): Promise<{ available: number; pending: number; id: string }> {
  const res = await api('GET', '/api/v1/lookup', { card: demoCardNumber(n) });
  if (!res.ok) throw new Error(res.message);
  const c = CachedCustomer.parse((res.body as { customer: unknown }).customer);
  return { available: c.balance, pending: c.pending, id: c.id };
}

let dbs = 0;
const freshTill = () => new TillDb(`outbox-test-${++dbs}`);

describe('checkout and outbox', () => {
  it('commits journal, outbox and balance delta together, or nothing', async () => {
    const till = freshTill();
    const { event } = sale({ customerId: '3', lines: [line(1, 2)] });
    await commitSale(till, { event });
    expect(await till.journal.count()).toBe(1);
    expect(await till.outbox.count()).toBe(1);
    expect(await till.balanceDeltas.get(event.eventId)).toMatchObject({ customerId: '3', available: 0, pending: event.totals.accrued });
    // Same receipt again (a double press): refused as a whole, nothing half-written.
    const again = { ...event, eventId: randomUUID() };
    await expect(commitSale(till, { event: again })).rejects.toThrow();
    expect(await till.outbox.count()).toBe(1);
    expect(await till.balanceDeltas.count()).toBe(1);
  });

  it('shows the last server balance plus unacknowledged deltas, and rebases on acknowledgement', async () => {
    const api = apiVia(serverUrl, await enrol());
    const till = freshTill();
    const before = await serverView(api, 5);
    const cached = { available: before.available, pending: before.pending };
    const { event } = sale({ customerId: before.id, available: before.available, lines: [line(2, 3), line(3, 1)], redeem: 'max' });
    expect(event.totals.redeemed).toBeGreaterThan(0);
    await commitSale(till, { event });
    const shown = await shownBalance(till, before.id, cached);
    expect(shown).toEqual({ available: before.available - event.totals.redeemed, pending: before.pending + event.totals.accrued });
    expect(await pushOutbox(till, api)).toMatchObject({ ok: true, applied: 1 });
    expect(await outboxStats(till)).toEqual({ waiting: 0, rejected: 0 });
    const after = await serverView(api, 5);
    expect(await shownBalance(till, before.id, cached)).toEqual({ available: after.available, pending: after.pending });
    await forgetAckedBefore(till, Date.now() + 1);
    expect(await shownBalance(till, before.id, { available: after.available, pending: after.pending })).toEqual({
      available: after.available,
      pending: after.pending,
    });
    expect((await till.journal.get(event.sale.receiptId))?.synced).toBe(true);
  });

  it('keeps a rejected event and shows it, instead of dropping or resending it', async () => {
    const api = apiVia(serverUrl, await enrol());
    const till = freshTill();
    const { event } = sale({ customerId: '7', storeId: 2, lines: [line(1, 1, 2)] });
    await commitSale(till, { event });
    expect(await pushOutbox(till, api)).toMatchObject({ ok: true, rejected: 1 });
    expect(await outboxStats(till)).toEqual({ waiting: 0, rejected: 1 });
    expect((await till.outbox.toArray())[0]).toMatchObject({ status: 'rejected', rejection: { code: expect.any(String) } });
    expect(await pushOutbox(till, api)).toMatchObject({ ok: true, sent: 0 });
  });

  it('spreads retries: backoff grows, is capped, and is jittered', () => {
    expect(retryDelay(0, () => 0.999)).toBeLessThan(1_000);
    expect(retryDelay(3, () => 0.999)).toBeGreaterThan(7_000);
    expect(retryDelay(30, () => 0.999)).toBeLessThanOrEqual(60_000);
    expect(retryDelay(3, () => 0)).toBe(0);
  });

  it('after 1,000 checkouts through a faulty network the server holds each exactly once and balances agree', async () => {
    const token = await enrol();
    const direct = apiVia(serverUrl, token);
    const proxy = await startFaultProxy(serverUrl, { dropAfterCommit: 0.1, duplicate: 0.1, delay: 0.1, error500: 0.1 }, 42);
    const flaky = apiVia(proxy.url, token);
    const till = freshTill();
    const customers = Array.from({ length: 20 }, (_, i) => 20 + i);
    const start = new Map<number, { available: number; pending: number; id: string }>();
    for (const n of customers) start.set(n, await serverView(direct, n));
    const cachedOf = (n: number) => ({ available: start.get(n)!.available, pending: start.get(n)!.pending });

    const eventIds: string[] = [];
    let pushes = 0;
    for (let i = 0; i < 1_000; i++) {
      const n = customers[i % customers.length]!;
      const anonymous = i % 7 === 0;
      const available = (await shownBalance(till, start.get(n)!.id, cachedOf(n))).available;
      const { event } = sale({
        customerId: anonymous ? null : start.get(n)!.id,
        available: Math.max(0, available),
        lines: [line(1 + (i % 40), 1 + (i % 3)), line(41 + (i % 30), 1)],
        redeem: i % 5 === 0 ? 'max' : 0,
        receiptId: `R-${i}`,
      });
      await commitSale(till, { event });
      eventIds.push(event.eventId);
      // The till pushes now and then, as its loop would; failures just wait for the next round.
      if (i % 25 === 24) {
        await pushOutbox(till, flaky, 50);
        pushes++;
      }
    }
    for (let round = 0; round < 400 && (await outboxStats(till)).waiting > 0; round++) {
      await pushOutbox(till, flaky, 100);
      pushes++;
    }
    await proxy.close();

    expect(await outboxStats(till)).toEqual({ waiting: 0, rejected: 0 });
    expect(proxy.stats.dropAfterCommit + proxy.stats.duplicate + proxy.stats.error500).toBeGreaterThan(10);
    const applied = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events WHERE event_id = ANY($1::uuid[])', [eventIds]);
    expect(applied[0]!.n).toBe(1_000);
    const ledger = await db.query<{ n: number }>(`SELECT count(DISTINCT event_id)::int AS n FROM ledger WHERE event_id = ANY($1::uuid[])`, [eventIds]);
    const receipts = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM receipts WHERE event_id = ANY($1::uuid[])', [eventIds]);
    expect(receipts[0]!.n).toBe(1_000);
    expect(ledger[0]!.n).toBeGreaterThan(0);
    for (const n of customers) {
      const server = await serverView(direct, n);
      expect(await shownBalance(till, server.id, cachedOf(n)), `customer ${n}`).toEqual({ available: server.available, pending: server.pending });
    }
    expect(pushes).toBeGreaterThanOrEqual(40);
  });
});
