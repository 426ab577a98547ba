import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneLookupKey } from '../../../core/lookupKey';
import type { EnrolResponse } from '../../protocol/schemas';
import { demoBalance, demoCardNumber } from '../demoSeed';
import { verifyLedger } from '../ledger';
import { testDatabases } from '../testing/databases';
import { cardLink, consentChange, daysAgo, line, registration, sale, saleReturn } from '../testing/events';
import { admin, startTestServer, type TestServer } from '../testing/fixtures';
import { confirmationFor } from '../testing/phoneConfirmations';

describe.each(testDatabases())('push on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  let other: EnrolResponse;

  beforeAll(async () => {
    s = await startTestServer(open);
    till = await s.enrol(1);
    other = await s.enrol(1);
  });
  afterAll(async () => {
    // Whatever the tests did, the caches must equal a recomputation from the ledger.
    expect(await verifyLedger(s.db)).toEqual([]);
    await s?.close();
  });

  async function balanceOf(id: number) {
    const [row] = await s.db.query<{ balance: number; pending: number; debt: number }>('SELECT balance, pending, debt FROM balances WHERE customer_id = $1', [
      id,
    ]);
    return { balance: Number(row?.balance), pending: Number(row?.pending), debt: Number(row?.debt) };
  }
  async function exceptions(kind: string) {
    const res = await s.inject({ method: 'GET', url: `/api/v1/admin/exceptions?kind=${kind}&limit=1000`, headers: admin });
    expect(res.statusCode).toBe(200);
    return res.json().items as { eventId: string; customerId: string | null; details: Record<string, unknown> }[];
  }

  it('applies a sale once: spends from the balance, accrues pending, and answers a resend with the first answer', async () => {
    const before = await balanceOf(7);
    const sold = sale({
      customerId: '7',
      available: demoBalance(7),
      lines: [line(1, 2), line(3)],
      redeem: 5_000,
      identity: { via: 'card', card: demoCardNumber(7) },
    });
    expect(sold.priced.totals.redeemed).toBe(5_000);
    const [r] = await s.push(till.token, [sold.event]);
    expect(r).toMatchObject({ status: 'applied', result: { type: 'sale', customerId: '7', flags: [] } });
    if (r?.status !== 'applied') throw new Error('not applied');
    expect(r.result.posted).toEqual({ redeemed: 5_000, accrued: sold.priced.totals.accrued });
    expect(r.result.balance).toEqual({ available: before.balance - 5_000, pending: before.pending + sold.priced.totals.accrued });

    const [again] = await s.push(till.token, [sold.event]);
    expect(again).toEqual({ eventId: sold.event.eventId, status: 'duplicate', original: { status: 'applied', result: r.result } });
    // Another till of the same store resending it (a re-enrolled till) is a duplicate too.
    const [fromOther] = await s.push(other.token, [sold.event]);
    expect(fromOther?.status).toBe('duplicate');
    expect(await balanceOf(7)).toMatchObject({ balance: before.balance - 5_000 });
    const [receipt] = await s.db.query<{ difference: unknown }>('SELECT difference FROM receipts WHERE event_id = $1', [sold.event.eventId]);
    expect(receipt).toEqual({ difference: null });

    // The pull shows the new balance and pending.
    const pulled = await s.inject({ method: 'GET', url: `/api/v1/lookup?card=${demoCardNumber(7)}`, headers: { authorization: `Bearer ${till.token}` } });
    expect(pulled.json().customer).toMatchObject({ id: '7', balance: before.balance - 5_000, pending: before.pending + sold.priced.totals.accrued });
  });

  it('records a rejection so that a resend gets the same answer', async () => {
    const wrong = sale({ storeId: 2, customerId: '8', lines: [line(2)] });
    const [r] = await s.push(till.token, [wrong.event]);
    expect(r).toMatchObject({ status: 'rejected', code: 'wrong_store', retryable: false });
    const [again] = await s.push(till.token, [wrong.event]);
    expect(again).toMatchObject({ status: 'duplicate', original: { status: 'rejected', code: 'wrong_store' } });
    expect((await exceptions('rejected_event')).some((e) => e.eventId === wrong.event.eventId)).toBe(true);
  });

  it('posts the till figures, flags differences, and caps accrual at the server figure plus the allowance', async () => {
    const lines = [line(10), line(11)];
    const honest = sale({ customerId: '19', available: demoBalance(19), lines });
    const extra = 123;
    const differs = sale({ customerId: '19', available: demoBalance(19), lines, totals: { accrued: honest.priced.totals.accrued + extra } });
    const forged = sale({ customerId: '19', available: demoBalance(19), lines, totals: { accrued: 10_000_000 } });
    const [a, b] = await s.push(till.token, [differs.event, forged.event]);
    expect(a).toMatchObject({ status: 'applied', result: { posted: { accrued: honest.priced.totals.accrued + extra }, flags: ['price_difference'] } });
    expect(b).toMatchObject({
      status: 'applied',
      result: { posted: { accrued: honest.priced.totals.accrued + 50_000 }, flags: ['price_difference', 'accrual_clamped'] },
    });
    const [row] = await s.db.query<{ difference: Record<string, unknown> }>('SELECT difference FROM receipts WHERE event_id = $1', [differs.event.eventId]);
    expect(row?.difference).toEqual({ accrued: { till: honest.priced.totals.accrued + extra, server: honest.priced.totals.accrued } });
  });

  it('rejects till totals that do not add up to the basket', async () => {
    const bad = sale({ customerId: '10', lines: [line(4)], totals: { payable: 1 } });
    const noCard = sale({ customerId: null, lines: [line(4)], totals: { accrued: 500, payable: 0 } });
    const results = await s.push(till.token, [bad.event, noCard.event]);
    expect(results.map((r) => r.status === 'rejected' && r.code)).toEqual(['totals_inconsistent', 'totals_inconsistent']);
  });

  it('accepts offline overspend within the allowance as a negative balance on the exceptions report, and rejects beyond it', async () => {
    const id = 31;
    const bal = (await balanceOf(id)).balance;
    // Two offline tills each believed the whole balance was there.
    const lines = [line(20, 20), line(21, 20), line(22, 20)];
    const identity = { via: 'card', card: demoCardNumber(id) } as const;
    const first = sale({ customerId: String(id), available: bal, online: false, lines, redeem: 40_000, identity });
    const second = sale({ customerId: String(id), available: bal, online: false, lines, redeem: 40_000, identity });
    const spent = first.priced.totals.redeemed;
    expect(spent).toBe(40_000);
    const [a] = await s.push(till.token, [first.event]);
    const [b] = await s.push(other.token, [second.event]);
    expect(a).toMatchObject({ status: 'applied', result: { flags: [] } });
    // The server, knowing the first sale, would have granted less: a price difference as well.
    expect(b).toMatchObject({ status: 'applied', result: { flags: ['price_difference', 'overdraft'], balance: { available: bal - 2 * spent } } });
    const after = await balanceOf(id);
    expect(after.balance).toBe(bal - 2 * spent);
    expect(after.debt).toBe(2 * spent - bal);
    expect((await exceptions('overdraft')).map((e) => e.eventId)).toContain(second.event.eventId);

    // A till that spent more than the allowance over what the server has is refused.
    const big = sale({ customerId: String(id), available: 60_000, online: false, lines: [line(23, 50), line(24, 50), line(25, 50)], redeem: 'max' });
    const r = big.priced.totals.redeemed;
    const forced = { ...big.event, totals: { ...big.event.totals, redeemed: 50_001, payable: big.event.totals.payable + r - 50_001 } };
    const [c] = await s.push(till.token, [forced]);
    expect(c).toMatchObject({ status: 'rejected', code: 'redemption_exceeds_allowance' });
  });

  it('registers a customer, pays the welcome bonus once, and merges a second registration of the same phone confirmed by its SMS code', async () => {
    const phone = '+79990001122';
    const first = registration({ phone, card: demoCardNumber(90_001), welcome: 20_000 });
    const [a] = await s.push(till.token, [first]);
    expect(a).toMatchObject({ status: 'applied', result: { type: 'registration', posted: { welcome: 20_000 }, balance: { available: 20_000, pending: 0 } } });
    const customerId = a?.status === 'applied' ? a.result.customerId : null;
    expect(customerId).toMatch(/^\d+$/);
    const phoneConfirmation = await confirmationFor(s.db, { terminalId: other.terminalId, customerId: customerId!, purpose: 'register' });
    const second = { ...registration({ phone, welcome: 20_000, firstName: 'Вероника' }), phoneConfirmation };

    const [b] = await s.push(other.token, [second]);
    expect(b).toMatchObject({ status: 'applied', result: { customerId, mergedInto: customerId, posted: { welcome: 0 } } });
    expect(b?.status === 'applied' && b.result.flags).toEqual(['registration_merged', 'welcome_not_granted']);

    // Later events naming either till-made id reach the one customer.
    const bySecondId = sale({ customerId: second.customerId, available: 20_000, lines: [line(30, 3)], redeem: 1_000 });
    const [c] = await s.push(other.token, [bySecondId.event, consentChange(second.customerId, 'push', true)]);
    expect(c).toMatchObject({ status: 'applied', result: { customerId, posted: { redeemed: 1_000 } } });
    const people = await s.db.query('SELECT id FROM customers WHERE phone_e164 = $1', [phone]);
    expect(people).toHaveLength(1);
    const consents = await s.db.query<{ purpose: string; channel: string | null }>('SELECT purpose, channel FROM consents WHERE customer_id = $1 ORDER BY id', [
      customerId,
    ]);
    expect(consents.map((c) => `${c.purpose}/${c.channel ?? '-'}`)).toEqual([
      'personal_data/-',
      'marketing/sms',
      'marketing/email',
      'personal_data/-',
      'marketing/sms',
      'marketing/email',
      'marketing/push',
    ]);

    // The till finds the new customer by phone key and card, and sees no full phone.
    const key = await phoneLookupKey(till.phoneSecrets![0]!, phone);
    const found = await s.inject({ method: 'GET', url: `/api/v1/lookup?phoneKey=${key}`, headers: { authorization: `Bearer ${till.token}` } });
    expect(found.json().customer).toMatchObject({ id: customerId, firstName: 'Вера', maskedPhone: '+7 *** ***-**-22', cards: [demoCardNumber(90_001)] });
    expect(found.body).not.toContain('99900011');
  });

  it('answers an event for a customer not registered yet as retryable, without recording it', async () => {
    const reg = registration({ phone: '+79990003344' });
    const early = sale({ customerId: reg.customerId, lines: [line(40)] });
    const [r] = await s.push(till.token, [early.event]);
    expect(r).toMatchObject({ status: 'rejected', code: 'customer_unknown', retryable: true });
    const results = await s.push(till.token, [reg, early.event]);
    expect(results.map((x) => x.status)).toEqual(['applied', 'applied']);
  });

  it('prices returns against the posted sale: returning everything in steps gives back exactly what the sale moved', async () => {
    const id = 12;
    const bal = await balanceOf(id);
    const sold = sale({ customerId: String(id), available: bal.balance, lines: [line(50, 3), line(51, 2), line(52)], redeem: 3_000, at: daysAgo(1) });
    const first = saleReturn(sold, [{ lineId: 'l50', quantityMilli: 1000 }]);
    // A return arriving before its sale waits.
    const [early] = await s.push(till.token, [first.event]);
    expect(early).toMatchObject({ status: 'rejected', code: 'receipt_unknown', retryable: true });
    await s.push(till.token, [sold.event]);
    const [r1] = await s.push(till.token, [first.event]);
    expect(r1).toMatchObject({
      status: 'applied',
      result: { flags: [], posted: { restoredBonus: first.priced.totals.restoredBonus, reversedAccrual: first.priced.totals.reversedAccrual } },
    });
    const qty = (id: string) => sold.event.sale.lines.find((l) => l.lineId === id)!.quantityMilli;
    const rest = saleReturn(
      sold,
      [
        { lineId: 'l50', quantityMilli: 2000 },
        { lineId: 'l51', quantityMilli: qty('l51') },
        { lineId: 'l52', quantityMilli: qty('l52') },
      ],
      [first.priced],
    );
    const [r2] = await s.push(till.token, [rest.event]);
    expect(r2?.status).toBe('applied');
    expect(first.priced.totals.restoredBonus + rest.priced.totals.restoredBonus).toBe(sold.priced.totals.redeemed);
    expect(sold.priced.totals.redeemed).toBeGreaterThan(0);
    expect(await balanceOf(id)).toEqual(bal);

    const tooMany = { event: { ...first.event, eventId: crypto.randomUUID(), lines: [{ lineId: 'l52', quantityMilli: 1000 }] } };
    const [r3] = await s.push(till.token, [tooMany.event]);
    expect(r3).toMatchObject({ status: 'rejected', code: 'return_invalid' });
    const mismatch = { ...tooMany.event, eventId: crypto.randomUUID(), original: { ...tooMany.event.original, receiptId: 'other' } };
    const [r4] = await s.push(till.token, [mismatch]);
    expect(r4).toMatchObject({ status: 'rejected', code: 'receipt_mismatch' });
  });

  it('takes back accrual a customer already spent as debt when goods come back after the window', async () => {
    const id = 13;
    const sold = sale({ customerId: String(id), lines: [line(60, 10), line(61, 10)], at: daysAgo(20) });
    await s.push(till.token, [sold.event]);
    const accrued = sold.priced.totals.accrued;
    expect(accrued).toBeGreaterThan(0);
    // The accrual was earned 20 days ago: already spendable. Spend everything there is.
    const all = (await balanceOf(id)).balance;
    const adj = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/adjustments',
      headers: admin,
      payload: { requestId: crypto.randomUUID(), customerId: String(id), amountKopecks: -all, reason: 'test: spend all' },
    });
    expect(adj.statusCode).toBe(200);
    const back = saleReturn(sold, [
      { lineId: 'l60', quantityMilli: 10_000 },
      { lineId: 'l61', quantityMilli: 10_000 },
    ]);
    const [r] = await s.push(till.token, [back.event]);
    expect(r).toMatchObject({ status: 'applied', result: { flags: ['return_shortfall'], balance: { available: -accrued } } });
  });

  it('links cards and bank cards, and refuses a card that belongs to someone else', async () => {
    const bankKey = 'bank-key-for-customer-14x';
    const results = await s.push(till.token, [
      cardLink('14', 'card', demoCardNumber(91_014)),
      cardLink('14', 'bank', bankKey),
      cardLink('14', 'card', demoCardNumber(91_014)),
      cardLink('15', 'card', demoCardNumber(91_014)),
      cardLink('16', 'card', 'abc'),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['applied', 'applied', 'applied', 'identifier_taken', 'invalid_event']);
    const byBank = await s.inject({ method: 'GET', url: `/api/v1/lookup?bankKey=${bankKey}`, headers: { authorization: `Bearer ${till.token}` } });
    expect(byBank.json().customer).toMatchObject({ id: '14', bankKeys: [bankKey] });
  });

  it('rejects a bad event alone and applies the rest of the batch', async () => {
    const good = sale({ customerId: null, lines: [line(70)] });
    const results = await s.push(till.token, [
      { eventId: crypto.randomUUID(), type: 'sale', sale: { nonsense: true } },
      { eventId: crypto.randomUUID(), type: 'teleport' },
      {
        ...consentChange('17', 'sms', false),
        consent: { purpose: 'marketing', channel: null, granted: true, textVersion: 'x', givenAt: new Date().toISOString() },
      },
      { ...registration({ phone: '+79990005566' }), consents: [] },
      consentChange('999999', 'sms', true),
      good.event,
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual([
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'customer_unknown',
      'applied',
    ]);
    expect(results[4]).toMatchObject({ retryable: false });
  });
});
