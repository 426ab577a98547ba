import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RangeFigures } from '../protocol/headOffice';
import { emptyFigures, rollUp, SUMMED, withNet, type Cell, type Figures } from './figuresRange';
import { testDatabases } from './testing/databases';
import { line, sale, saleReturn } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

const amount = fc.integer({ min: 0, max: 10_000_000 });
const cellArb = fc
  .record({
    storeId: fc.integer({ min: 1, max: 3 }),
    terminalId: fc.constantFrom('a', 'b', 'c', 'd'),
    cashierId: fc.constantFrom(null, '1', '2'),
    day: fc.constantFrom('2026-01-01', '2026-01-02', '2026-01-03'),
    receipts: fc.integer({ min: 0, max: 500 }),
    identifiedReceipts: fc.integer({ min: 0, max: 500 }),
    returns: fc.integer({ min: 0, max: 50 }),
    revenueGross: amount,
    revenueReturns: amount,
    discount: amount,
    accruedGross: amount,
    accruedReturns: amount,
    redeemedGross: amount,
    redeemedReturns: amount,
    registrations: fc.integer({ min: 0, max: 50 }),
    welcome: amount,
  })
  .map((c): Cell => ({ ...c, ...withNet(c) }));

const sum = (rows: readonly Figures[]): Figures => {
  const out = emptyFigures();
  for (const r of rows) for (const k of SUMMED) out[k] += r[k];
  return out;
};
const names = { store: (id: number) => `S${id}`, terminal: (id: string) => `T${id}`, cashier: (id: string | null) => id ?? '' };

describe('range figures add up', () => {
  it('every grouping sums to the totals, and net = gross − returns in every row and the totals', () => {
    fc.assert(
      fc.property(fc.array(cellArb, { maxLength: 60 }), (cells) => {
        const r = rollUp(cells, names);
        expect(r.totals).toEqual(sum(cells));
        for (const group of [r.stores, r.terminals, r.cashiers, r.days]) expect(sum(group)).toEqual(r.totals);
        for (const row of [r.totals, ...r.stores, ...r.terminals, ...r.cashiers, ...r.days]) {
          expect(row.revenueNet).toBe(row.revenueGross - row.revenueReturns);
          expect(row.accruedNet).toBe(row.accruedGross - row.accruedReturns);
          expect(row.redeemedNet).toBe(row.redeemedGross - row.redeemedReturns);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Moscow is UTC+3 all year. */
const moscow = (date: string, time: string) => new Date(`${date}T${time}:00+03:00`);
const dayOf = (msAgo: number) => new Date(Date.now() + 3 * 3_600_000 - msAgo).toISOString().slice(0, 10);

describe.each(testDatabases())('head-office figures on $name', ({ open }) => {
  let s: TestServer;
  const d1 = dayOf(5 * 86_400_000);
  const d2 = dayOf(4 * 86_400_000);
  let sold: ReturnType<typeof sale>[] = [];
  let refund = 0;
  let reversed = 0;
  let restored = 0;

  const figures = async (query: string): Promise<RangeFigures> => {
    const res = await s.inject({ method: 'GET', url: `/api/v1/admin/chains/1/figures?${query}`, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as RangeFigures;
  };

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 20 });
    const a = await s.enrol(1);
    const kazan = await s.enrol(2);
    sold = [
      sale({ customerId: '7', available: 50_000, lines: [line(3, 2), line(9)], redeem: 5_000, at: moscow(d1, '10:00') }),
      sale({ customerId: null, lines: [line(1)], at: moscow(d1, '11:00') }),
      sale({ customerId: '8', lines: [line(2)], at: moscow(d2, '09:00') }),
    ];
    for (const x of sold) expect((await s.push(a.token, [x.event]))[0]?.status).toBe('applied');
    const k = sale({ storeId: 2, customerId: '9', lines: [line(1, 1, 2)], at: moscow(d2, '12:00') });
    expect((await s.push(kazan.token, [k.event]))[0]?.status).toBe('applied');
    sold.push(k);
    // The first sale's l9 comes back on the next day, at the same till.
    const back = saleReturn(sold[0]!, [{ lineId: 'l9', quantityMilli: 1000 }]);
    back.event.occurredAt = moscow(d2, '15:00').toISOString();
    const r = (await s.push(a.token, [back.event]))[0];
    expect(r?.status).toBe('applied');
    const posted = r?.status === 'applied' ? r.result.posted : {};
    refund = back.priced.totals.refund;
    reversed = posted.reversedAccrual ?? 0;
    restored = posted.restoredBonus ?? 0;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('shows revenue, accrued and redeemed net of returns, per store, till, cashier and day, adding up', async () => {
    const f = await figures(`from=${d1}&to=${d2}`);
    const gross = sold.reduce((n, x) => n + x.event.totals.payable, 0);
    expect(f.totals.receipts).toBe(4);
    expect(f.totals.returns).toBe(1);
    expect(f.totals.revenueGross).toBe(gross);
    expect(f.totals.revenueReturns).toBe(refund);
    expect(f.totals.revenueNet).toBe(gross - refund);
    expect(refund).toBeGreaterThan(0);
    expect(f.totals.accruedReturns).toBe(reversed);
    expect(f.totals.redeemedReturns).toBe(restored);
    for (const group of [f.stores, f.terminals, f.cashiers, f.days]) expect(sum(group)).toEqual(f.totals);
    // The return lowers the day it was made on, not the day of the sale.
    const [first, second] = f.days;
    expect(first?.key).toBe(d1);
    expect(first?.returns).toBe(0);
    expect(second?.revenueReturns).toBe(refund);
    expect(f.stores.map((r) => r.key)).toEqual(['1', '2']);
  });

  it('narrows to one store and to one day', async () => {
    const one = await figures(`from=${d1}&to=${d2}&storeId=2`);
    expect(one.totals.receipts).toBe(1);
    expect(one.stores.map((r) => r.key)).toEqual(['2']);
    const day = await figures(`from=${d1}&to=${d1}`);
    expect(day.totals.receipts).toBe(2);
    expect(day.totals.returns).toBe(0);
  });

  it('refuses a period that ends before it starts, in the usual error shape', async () => {
    const res = await s.inject({ method: 'GET', url: `/api/v1/admin/chains/1/figures?from=${d2}&to=${d1}`, headers: admin });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_request' });
  });

  it('counts per-offer uptake per store from the receipts the ledger posted', async () => {
    const res = await s.inject({ method: 'GET', url: `/api/v1/admin/chains/1/offer-uptake?from=${d1}&to=${d2}`, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    const rows = (res.json() as { rows: { offerId: string; storeId: number; receipts: number; discount: number; bonusCost: number }[] }).rows;
    // What the engine said each posted receipt's offers gave, summed the same way in plain code.
    const posted = await s.db.query<{ store_id: number; posted: { explanations: { code: string; offerId?: string; amount: number }[] } }>(
      'SELECT store_id, posted FROM receipts',
    );
    const expected = new Map<string, { receipts: number; discount: number; bonusCost: number }>();
    for (const x of posted) {
      const seen = new Set<string>();
      for (const e of x.posted.explanations) {
        if (!e.offerId || !['offerDiscount', 'offerFreeItems', 'offerAccrual', 'offerFixedBonus'].includes(e.code)) continue;
        const key = `${e.offerId}|${x.store_id}`;
        const row = expected.get(key) ?? { receipts: 0, discount: 0, bonusCost: 0 };
        if (!seen.has(key)) row.receipts += 1;
        seen.add(key);
        if (e.code === 'offerDiscount' || e.code === 'offerFreeItems') row.discount += e.amount;
        else row.bonusCost += e.amount;
        expected.set(key, row);
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    expect(new Map(rows.map((r) => [`${r.offerId}|${r.storeId}`, { receipts: r.receipts, discount: r.discount, bonusCost: r.bonusCost }]))).toEqual(expected);
  });
});
