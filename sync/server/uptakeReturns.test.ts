import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceReturn, type PricedReceipt, type ReturnLineRequest, type ReturnResult } from '../../core/engine';
import type { UptakeRow } from '../protocol/headOffice';
import { testDatabases } from './testing/databases';
import { line, sale, saleReturn } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';
import { offerReturns, type OfferEffect } from './uptakeReturns';

/** Moscow is UTC+3 all year. */
const moscow = (date: string, time: string) => new Date(`${date}T${time}:00+03:00`);
const dayOf = (msAgo: number) => new Date(Date.now() + 3 * 3_600_000 - msAgo).toISOString().slice(0, 10);

const offerTotals = (explanations: readonly OfferEffect[]) => {
  const out = new Map<string, { discount: number; bonusCost: number }>();
  for (const e of explanations) {
    if (!e.offerId) continue;
    const row = out.get(e.offerId) ?? { discount: 0, bonusCost: 0 };
    if (e.code === 'offerDiscount' || e.code === 'offerFreeItems') row.discount += e.amount;
    else if (e.code === 'offerAccrual' || e.code === 'offerFixedBonus') row.bonusCost += e.amount;
    out.set(e.offerId, row);
  }
  return out;
};

describe.each(testDatabases())('offer uptake net of returns on $name', ({ open }) => {
  let s: TestServer;
  const d1 = dayOf(5 * 86_400_000);
  const d2 = dayOf(4 * 86_400_000);
  // Two yoghurt lines (3-for-2 gives one free) and a dairy line; milk-x2 doubles accrual on all three.
  const basket = () => [line(1, 2), line(9, 2), line(8, 2)];
  let first: ReturnType<typeof sale>;
  let second: ReturnType<typeof sale>;
  let partial: ReturnResult;
  let rest: ReturnResult;
  let other: ReturnResult;

  const uptake = async (from: string, to: string): Promise<UptakeRow[]> => {
    const res = await s.inject({ method: 'GET', url: `/api/v1/admin/chains/1/offer-uptake?from=${from}&to=${to}`, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { rows: UptakeRow[] }).rows;
  };
  const row = (rows: UptakeRow[], offerId: string) => rows.find((r) => r.offerId === offerId && r.storeId === 1);

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 20 });
    const till = await s.enrol(1);
    first = sale({ customerId: '7', lines: basket(), at: moscow(d1, '10:00') });
    second = sale({ customerId: '8', lines: basket(), at: moscow(d1, '11:00') });
    for (const x of [first, second]) expect((await s.push(till.token, [x.event]))[0]?.status).toBe('applied');
    // The first sale: one yoghurt of l9 comes back, then everything left; the second: one yoghurt of l9.
    const a = saleReturn(first, [{ lineId: 'l9', quantityMilli: 1000 }]);
    const b = saleReturn(
      first,
      [
        { lineId: 'l1', quantityMilli: 2000 },
        { lineId: 'l9', quantityMilli: 1000 },
        { lineId: 'l8', quantityMilli: 2000 },
      ],
      [a.priced],
    );
    const c = saleReturn(second, [{ lineId: 'l9', quantityMilli: 1000 }]);
    a.event.occurredAt = moscow(d2, '10:00').toISOString();
    b.event.occurredAt = moscow(d2, '11:00').toISOString();
    c.event.occurredAt = moscow(d2, '12:00').toISOString();
    for (const x of [a, b, c]) expect((await s.push(till.token, [x.event]))[0]?.status).toBe('applied');
    [partial, rest, other] = [a.priced, b.priced, c.priced];
  });
  afterAll(async () => {
    await s?.close();
  });

  it('takes back exactly each offer’s share: the fully returned sale nets to zero, the partial return to its share', async () => {
    const before = offerTotals(first.priced.explanations);
    expect(before.get('yoghurt-3for2')?.discount).toBeGreaterThan(0);
    expect(before.get('milk-x2')?.bonusCost).toBeGreaterThan(0);
    // The partial return of l9: its discount all came from 3-for-2, so the offer gets exactly
    // the line's returned discount; milk-x2 gets its share of the line's reversed accrual.
    const l9 = first.priced.lines.find((l) => l.lineId === 'l9')!;
    const yoghurtBack = partial.lines[0]!.discount;
    expect(yoghurtBack).toBe(Math.floor(l9.discount / 2));
    const [x] = offerReturns(first.priced, [partial]);
    expect(x?.get('yoghurt-3for2')).toEqual({ discount: yoghurtBack, bonusCost: 0 });
    const milkOnL9 = Math.floor(first.priced.explanations.find((e) => e.offerId === 'milk-x2')!.amount * (l9.accrued / first.priced.totals.accrued));
    expect(Math.abs((x?.get('milk-x2')?.bonusCost ?? 0) - Math.floor(milkOnL9 / 2))).toBeLessThanOrEqual(1);

    const rows = await uptake(d1, d2);
    const yog = row(rows, 'yoghurt-3for2')!;
    const milk = row(rows, 'milk-x2')!;
    const gross = { discount: 2 * before.get('yoghurt-3for2')!.discount, bonusCost: 2 * before.get('milk-x2')!.bonusCost };
    // Both sales were priced alike, so the second sale's partial return took back what the first's did.
    const [y] = offerReturns(second.priced, [other]);
    expect(y).toEqual(x);
    expect(yog).toMatchObject({ receipts: 2, returnedReceipts: 2, discount: gross.discount, bonusCost: 0 });
    expect(yog.discountReturned).toBe(before.get('yoghurt-3for2')!.discount + yoghurtBack);
    expect(yog.discountNet).toBe(yog.discount - yog.discountReturned);
    expect(yog.discountNet).toBe(before.get('yoghurt-3for2')!.discount - yoghurtBack);
    expect(milk).toMatchObject({ receipts: 2, returnedReceipts: 2, discount: 0, bonusCost: gross.bonusCost });
    expect(milk.bonusCostReturned).toBe(before.get('milk-x2')!.bonusCost + (x?.get('milk-x2')?.bonusCost ?? 0));
    expect(milk.bonusCostNet).toBe(milk.bonusCost - milk.bonusCostReturned);
    // The returns' discount adds up with the offer's: all of the receipt's discount is 3-for-2's.
    expect(yog.discountReturned).toBe(partial.totals.discount + rest.totals.discount + other.totals.discount);
  });

  it('counts a return on its own day: the sale day shows no returns, the return day only returns', async () => {
    const saleDay = row(await uptake(d1, d1), 'yoghurt-3for2')!;
    expect(saleDay).toMatchObject({ receipts: 2, returnedReceipts: 0, discountReturned: 0 });
    expect(saleDay.discountNet).toBe(saleDay.discount);
    const returnDay = row(await uptake(d2, d2), 'yoghurt-3for2')!;
    expect(returnDay).toMatchObject({ receipts: 0, discount: 0, returnedReceipts: 2 });
    expect(returnDay.discountNet).toBe(-returnDay.discountReturned);
  });
});

// ---------------------------------------------------------------------------------------------
// Random receipts and return sequences.

interface Plan {
  receipt: PricedReceipt;
  explanations: OfferEffect[];
  steps: ReturnLineRequest[][];
  disjoint: boolean;
}

const planArb: fc.Arbitrary<Plan> = fc
  .record({
    lines: fc.array(
      fc.record({
        pieces: fc.integer({ min: 1, max: 6 }),
        weighed: fc.boolean(),
        grams: fc.integer({ min: 1, max: 5_000 }),
        price: fc.integer({ min: 1, max: 500_000 }),
        tier: fc.integer({ min: 0, max: 5_000 }),
        redeemed: fc.integer({ min: 0, max: 1_000 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    offers: fc.array(
      fc.record({
        kind: fc.constantFrom('offerDiscount', 'offerFreeItems', 'offerAccrual', 'offerFixedBonus'),
        picks: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 20_000 })), { minLength: 1, maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    disjoint: fc.boolean(),
    cuts: fc.array(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 6_000 })), { maxLength: 4 }), { maxLength: 5 }),
    finish: fc.boolean(),
  })
  .map(({ lines, offers, disjoint, cuts, finish }) => {
    const n = lines.length;
    const discount = new Array<number>(n).fill(0);
    const accrued = lines.map((l) => l.tier);
    const taken = new Set<string>();
    const explanations: OfferEffect[] = [];
    offers.forEach((o, k) => {
      const kind = o.kind === 'offerDiscount' || o.kind === 'offerFreeItems' ? 'discount' : 'bonus';
      const per = new Map<number, number>();
      for (const [i, amount] of o.picks) {
        const at = i % n;
        // Disjoint: one offer per kind on a line, so the line's figure is that offer's alone.
        if (disjoint && taken.has(`${kind}|${at}`) && !per.has(at)) continue;
        taken.add(`${kind}|${at}`);
        per.set(at, (per.get(at) ?? 0) + amount);
      }
      if (per.size === 0) return;
      for (const [at, amount] of per) {
        if (kind === 'discount') discount[at] = (discount[at] ?? 0) + amount;
        else accrued[at] = (accrued[at] ?? 0) + amount;
      }
      const amount = [...per.values()].reduce((a, b) => a + b, 0);
      explanations.push({ code: o.kind, offerId: `o${k}`, amount, lineIds: [...per.keys()].map((i) => `l${i}`) });
    });
    const priced = lines.map((l, i) => {
      const quantityMilli = l.weighed ? l.grams : l.pieces * 1000;
      const d = discount[i] ?? 0;
      const amount = l.price + d;
      const net = amount - d;
      const redeemed = Math.min(l.redeemed, net);
      return {
        lineId: `l${i}`,
        productId: `p${i}`,
        categories: [],
        weighed: l.weighed,
        unitPriceKopecks: Math.round((amount * 1000) / quantityMilli),
        quantityMilli,
        amount,
        discount: d,
        net,
        redeemed,
        payable: net - redeemed,
        accrued: accrued[i] ?? 0,
        excluded: false,
        offerIds: [],
      };
    });
    const sum = (f: (l: (typeof priced)[number]) => number) => priced.reduce((a, l) => a + f(l), 0);
    const receipt: PricedReceipt = {
      receiptId: 'r1',
      customerId: 'c1',
      programmeId: 'p',
      programmeVersion: 1,
      bonusUnitKopecks: 100,
      tierId: null,
      lines: priced,
      totals: {
        subtotal: sum((l) => l.amount),
        discount: sum((l) => l.discount),
        net: sum((l) => l.net),
        redeemed: sum((l) => l.redeemed),
        payable: sum((l) => l.payable),
        accrued: sum((l) => l.accrued),
        eligibleNet: sum((l) => l.net),
      },
      maxRedeemable: 0,
      redemptionLimit: 'balance',
      redeemRequested: 0,
      appliedOffers: [],
      explanations: [],
    };
    // Return steps within what is left of each line; optionally everything left at the end.
    const left = new Map(priced.map((l) => [l.lineId, l.quantityMilli]));
    const steps: ReturnLineRequest[][] = [];
    for (const cut of cuts) {
      const step = new Map<string, number>();
      for (const [i, q] of cut) {
        const l = priced[i % n]!;
        const room = (left.get(l.lineId) ?? 0) - (step.get(l.lineId) ?? 0);
        const want = l.weighed ? Math.min(q, room) : Math.min(Math.ceil(q / 1000) * 1000, room);
        if (want > 0) step.set(l.lineId, (step.get(l.lineId) ?? 0) + want);
      }
      if (step.size === 0) continue;
      for (const [id, q] of step) left.set(id, (left.get(id) ?? 0) - q);
      steps.push([...step].map(([lineId, quantityMilli]) => ({ lineId, quantityMilli })));
    }
    if (finish) {
      const all = [...left].filter(([, q]) => q > 0).map(([lineId, quantityMilli]) => ({ lineId, quantityMilli }));
      if (all.length > 0) steps.push(all);
    }
    return { receipt, explanations, steps, disjoint };
  });

describe('returns attributed to offers', () => {
  it('never give back more than an offer gave, give back all of it when everything returns, and add up with the returns', () => {
    fc.assert(
      fc.property(planArb, ({ receipt, explanations, steps, disjoint }) => {
        const results: ReturnResult[] = [];
        for (const step of steps) results.push(priceReturn(receipt, step, results));
        const taken = offerReturns({ lines: receipt.lines, explanations }, results);
        const gross = offerTotals(explanations);
        const back = new Map<string, { discount: number; bonusCost: number }>();
        taken.forEach((perOffer, k) => {
          let discount = 0;
          let bonus = 0;
          for (const [offerId, x] of perOffer) {
            expect(x.discount).toBeGreaterThanOrEqual(0);
            expect(x.bonusCost).toBeGreaterThanOrEqual(0);
            const sofar = back.get(offerId) ?? { discount: 0, bonusCost: 0 };
            sofar.discount += x.discount;
            sofar.bonusCost += x.bonusCost;
            back.set(offerId, sofar);
            // Never more than the offer gave, at every step.
            expect(sofar.discount).toBeLessThanOrEqual(gross.get(offerId)?.discount ?? 0);
            expect(sofar.bonusCost).toBeLessThanOrEqual(gross.get(offerId)?.bonusCost ?? 0);
            discount += x.discount;
            bonus += x.bonusCost;
          }
          // One offer per line and kind: the offers' parts stay within what the return took back.
          if (disjoint) {
            expect(discount).toBeLessThanOrEqual(results[k]!.totals.discount);
            expect(bonus).toBeLessThanOrEqual(results[k]!.totals.reversedAccrual);
          }
        });
        const everything = results.at(-1)?.receiptFullyReturned === true;
        let netDiscount = 0;
        let netBonus = 0;
        for (const [offerId, g] of gross) {
          const b = back.get(offerId) ?? { discount: 0, bonusCost: 0 };
          if (everything) expect(b).toEqual(g);
          netDiscount += g.discount - b.discount;
          netBonus += g.bonusCost - b.bonusCost;
        }
        // Per-offer nets add up with the receipt: all its discount is the offers'.
        const returnedDiscount = results.reduce((a, r) => a + r.totals.discount, 0);
        if (disjoint) expect(netDiscount).toBe(receipt.totals.discount - returnedDiscount);
        if (everything) {
          expect(netDiscount).toBe(0);
          expect(netBonus).toBe(0);
          expect(returnedDiscount).toBe(receipt.totals.discount);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('splits an offer over its lines by their discount and follows each line’s returned discount', () => {
    const lines = [
      { lineId: 'a', quantityMilli: 3000, discount: 100, accrued: 0 },
      { lineId: 'b', quantityMilli: 1000, discount: 200, accrued: 0 },
    ];
    const explanations = [{ code: 'offerDiscount', offerId: 'x', amount: 300, lineIds: ['a', 'b'] }];
    const steps = [
      [{ lineId: 'a', quantityMilli: 1000, discount: 33, reversedAccrual: 0 }],
      [{ lineId: 'a', quantityMilli: 1000, discount: 33, reversedAccrual: 0 }],
      [
        { lineId: 'a', quantityMilli: 1000, discount: 34, reversedAccrual: 0 },
        { lineId: 'b', quantityMilli: 1000, discount: 200, reversedAccrual: 0 },
      ],
    ];
    const taken = offerReturns(
      { lines, explanations },
      steps.map((l) => ({ lines: l })),
    );
    expect(taken.map((m) => m.get('x')?.discount)).toEqual([33, 33, 234]);
  });
});
