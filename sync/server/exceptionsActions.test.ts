import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCardNumber } from './demoSeed';
import { verifyLedger } from './ledger';
import { testDatabases } from './testing/databases';
import { registration } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('exceptions report actions on $name', ({ open }) => {
  let s: TestServer;
  let token: string;
  const post = (url: string, payload: unknown) => s.inject({ method: 'POST', url, headers: admin, payload: payload as Record<string, unknown> });
  const customer = async (id: string) =>
    (await s.inject({ method: 'GET', url: `/api/v1/admin/customers/${id}`, headers: admin })).json() as { balance: number; cards: string[] };
  const report = async (kind: string) =>
    (
      (await s.inject({ method: 'GET', url: `/api/v1/admin/exceptions?kinds=${kind}&chainId=1`, headers: admin })).json() as {
        items: { id: number; customerId: string | null; details: Record<string, unknown> }[];
      }
    ).items;

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 30 });
    token = (await s.enrol(1)).token;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('gives a taken card back to its holder once, and settles the report row', async () => {
    const card = demoCardNumber(5);
    const reg = registration({ phone: '+79990003344', card });
    const [r] = await s.push(token, [reg]);
    expect(r).toMatchObject({ status: 'applied', result: { flags: ['card_taken'] } });
    const newcomer = r?.status === 'applied' ? r.result.customerId! : '';
    const [row] = (await report('card_taken')).filter((x) => x.customerId === newcomer);
    expect(row).toBeDefined();
    const body = { requestId: randomUUID(), card, toCustomerId: newcomer, reason: 'Карта выдана на кассе', exceptionId: row!.id };
    expect((await post('/api/v1/admin/cards/return', body)).json()).toMatchObject({ status: 'applied' });
    // The same request again: the answer it got, nothing applied twice.
    expect((await post('/api/v1/admin/cards/return', body)).json()).toMatchObject({ status: 'duplicate' });
    const found = await s.inject({ method: 'GET', url: `/api/v1/admin/customers?card=${card}`, headers: admin });
    expect(found.json()).toMatchObject({ id: newcomer });
    const [settled] = (await report('card_taken')).filter((x) => x.id === row!.id);
    expect(settled?.details.resolution).toMatchObject({ action: 'cardReturn', cardEnding: card.slice(-4), to: newcomer });
    const open = await s.inject({ method: 'GET', url: '/api/v1/admin/exceptions?kinds=card_taken&open=true', headers: admin });
    expect((open.json() as { items: { id: number }[] }).items.map((x) => x.id)).not.toContain(row!.id);
  });

  it('refuses to give back a card nobody holds (a mistyped number), leaving the report row open', async () => {
    const [r] = await s.push(token, [registration({ phone: '+79990007788', card: demoCardNumber(6) })]);
    const newcomer = r?.status === 'applied' ? r.result.customerId! : '';
    const [row] = (await report('card_taken')).filter((x) => x.customerId === newcomer);
    expect(row).toBeDefined();
    const typo = '1111111111116';
    const res = await post('/api/v1/admin/cards/return', {
      requestId: randomUUID(),
      card: typo,
      toCustomerId: newcomer,
      reason: 'Карта выдана на кассе',
      exceptionId: row!.id,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'card_not_found' });
    expect((await customer(newcomer)).cards).toEqual([]);
    const [still] = (await report('card_taken')).filter((x) => x.id === row!.id);
    expect(still?.details.resolution).toBeUndefined();
  });

  it('merges a duplicate through the ledger: its bonuses move with the reason, once; its cards follow', async () => {
    const from = '11';
    const into = '12';
    const a = await customer(from);
    const b = await customer(into);
    expect(a.balance).toBeGreaterThan(0);
    const body = { requestId: randomUUID(), fromCustomerId: from, intoCustomerId: into, reason: 'Одна и та же покупательница' };
    const res = await post('/api/v1/admin/customers/merge', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'applied', result: { posted: { adjusted: a.balance }, balance: { available: b.balance + a.balance } } });
    expect((await post('/api/v1/admin/customers/merge', body)).json()).toMatchObject({ status: 'duplicate' });
    expect((await customer(from)).balance).toBe(0);
    expect((await customer(into)).balance).toBe(b.balance + a.balance);
    expect((await customer(into)).cards).toHaveLength(b.cards.length + a.cards.length);
    const postings = await s.db.query<{ customer_id: string; amount: string; reason: string }>(
      `SELECT customer_id::text, amount, reason FROM ledger WHERE event_id = $1 ORDER BY id`,
      [body.requestId],
    );
    expect(postings.reduce((n, p) => n + Number(p.amount), 0)).toBe(0);
    expect(postings.every((p) => p.reason.startsWith('Одна и та же покупательница'))).toBe(true);
    expect(await verifyLedger(s.db)).toEqual([]);
    expect(await report('customers_merged')).toHaveLength(1);
  });

  it('adjusts a balance from a report row with its reason in the ledger, once, and settles the row; a reason too short is refused', async () => {
    // A repeat registration (a phone another customer holds, no SMS code) is the row head office settles by hand.
    const [r] = await s.push(token, [registration({ phone: '+79990005566' })]);
    expect(r?.status).toBe('applied');
    const [again] = await s.push(token, [registration({ phone: '+79990005566' })]);
    expect(again?.status).toBe('applied');
    const duplicate = again?.status === 'applied' ? again.result.customerId! : '';
    const [row] = (await report('registration_unconfirmed_phone')).filter((x) => x.customerId === duplicate);
    expect(row).toBeDefined();
    const before = (await customer(duplicate)).balance;
    const short = await post('/api/v1/admin/adjustments', { requestId: randomUUID(), customerId: duplicate, amountKopecks: 5_000, reason: 'ок' });
    expect(short.statusCode).toBe(400);
    const body = { requestId: randomUUID(), customerId: duplicate, amountKopecks: 5_000, reason: 'Бонусы за жалобу покупателя', exceptionId: row!.id };
    const res = await post('/api/v1/admin/adjustments', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'applied', result: { posted: { adjusted: 5_000 }, balance: { available: before + 5_000 } } });
    // A double click or a retry: the first answer, the balance moved once.
    expect((await post('/api/v1/admin/adjustments', body)).json()).toMatchObject({ status: 'duplicate' });
    expect((await customer(duplicate)).balance).toBe(before + 5_000);
    const postings = await s.db.query<{ amount: string; reason: string }>('SELECT amount, reason FROM ledger WHERE event_id = $1', [body.requestId]);
    expect(postings.map((p) => [Number(p.amount), p.reason])).toEqual([[5_000, 'Бонусы за жалобу покупателя']]);
    const [settled] = (await report('registration_unconfirmed_phone')).filter((x) => x.id === row!.id);
    expect(settled?.details.resolution).toMatchObject({ action: 'adjust', amount: 5_000, reason: 'Бонусы за жалобу покупателя' });
    expect(await verifyLedger(s.db)).toEqual([]);
  });

  it('refuses to merge a customer into itself, or an unknown one, in the usual error shape', async () => {
    const same = await post('/api/v1/admin/customers/merge', { requestId: randomUUID(), fromCustomerId: '3', intoCustomerId: '3', reason: 'ошибка' });
    expect(same.statusCode).toBe(400);
    const unknown = await post('/api/v1/admin/customers/merge', { requestId: randomUUID(), fromCustomerId: '999999', intoCustomerId: '3', reason: 'ошибка' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'customer_not_found' });
  });
});
