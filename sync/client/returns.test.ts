import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedCustomer } from '../protocol/schemas';
import { demoCardNumber, demoProduct } from '../server/demoSeed';
import { testDatabases } from '../server/testing/databases';
import { startTestServer, type TestServer } from '../server/testing/fixtures';
import { toApiAnswer, type ApiCaller } from './api';
import { pullCatalogue } from './catalogue';
import { recordNextOrderCoupons } from './coupons';
import { commitSale, pushOutbox, shownBalance } from './outbox';
import { beginReturn, commitReturn, findReceipt, receiptsSince, receiptsWithPendingReturn, returnable } from './returns';
import { findStoreReceipt } from './returnsRemote';
import { addProduct, priceDraft, saleContext, saleEvent, type BasketItem } from './saleDraft';
import { TillDb } from './tillDb';

let server: TestServer;
let api: ApiCaller;
let till: TillDb;
let terminal: { storeId: number; regionId?: string; storeTimeZone: string };
beforeAll(async () => {
  server = await startTestServer(testDatabases()[0]!.open, { customers: 20 });
  const t = await server.enrol(1);
  terminal = t;
  api = async (method, path, query, body) => {
    const qs = query ? `?${new URLSearchParams(query)}` : '';
    const res = await server.inject({
      method,
      url: `${path}${qs}`,
      headers: { authorization: `Bearer ${t.token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return toApiAnswer(res.statusCode, res.json());
  };
  till = new TillDb('returns-test');
  await pullCatalogue(till, api);
});
afterAll(() => server.close());

async function customer(n: number) {
  const res = await api('GET', '/api/v1/lookup', { card: demoCardNumber(n) });
  if (!res.ok) throw new Error(res.message);
  return CachedCustomer.parse((res.body as { customer: unknown }).customer);
}

describe('returns at the till', () => {
  it('returns part, then the rest, of a receipt: bonuses come back and accrual goes, exactly as the server counts', async () => {
    const c = await customer(9);
    const programme = (await till.programme.get('current'))!.programme;
    const offers = (await till.offers.toArray()).map((o) => o.offer);
    const ctx = saleContext(terminal, programme, offers, true);
    let items: BasketItem[] = [];
    for (const n of [1, 2, 2, 4]) items = addProduct(items, (await till.products.where('ean').equals(demoProduct(n).ean).first())!);
    const now = new Date();
    const { input, priced } = priceDraft(ctx, items, { id: c.id, tier: c.tier, available: c.balance }, 'max', 'T-000001', now);
    expect(priced.totals.redeemed).toBeGreaterThan(0);
    await commitSale(till, { event: saleEvent(input, priced, { method: 'cash', amountKopecks: priced.totals.payable }, now), priced });
    expect(await pushOutbox(till, api)).toMatchObject({ applied: 1 });

    const receipt = (await findReceipt(till, 'R-T-000001'))!;
    expect(receipt).toBeDefined();
    const bread = items.find((i) => i.product.ean === demoProduct(2).ean)!;
    const first = await commitReturn(till, receipt, [{ lineId: bread.lineId, quantityMilli: 1_000 }]);
    expect(first.result.totals.restoredBonus).toBeGreaterThan(0);
    expect(returnable((await findReceipt(till, 'T-000001'))!).get(bread.lineId)).toBe(1_000);

    const again = (await findReceipt(till, 'T-000001'))!;
    const rest = [...returnable(again)].map(([lineId, quantityMilli]) => ({ lineId, quantityMilli }));
    const second = await commitReturn(till, again, rest);
    expect(second.result.receiptFullyReturned).toBe(true);
    expect(first.result.totals.restoredBonus + second.result.totals.restoredBonus).toBe(priced.totals.redeemed);
    expect(first.result.totals.reversedAccrual + second.result.totals.reversedAccrual).toBe(priced.totals.accrued);

    expect(await pushOutbox(till, api)).toMatchObject({ ok: true, applied: 2 });
    const after = await customer(9);
    expect(after.balance).toBe(c.balance);
    expect(await shownBalance(till, c.id, { available: c.balance, pending: c.pending })).toEqual({ available: after.balance, pending: after.pending });
    expect((await receiptsSince(till, now.getTime() - 1)).map((r) => r.receiptId)).toEqual(['T-000001']);
  });

  it('refuses to return more than was sold', async () => {
    const receipt = (await findReceipt(till, 'T-000001'))!;
    const line = receipt.event.sale.lines[0]!;
    await expect(commitReturn(till, receipt, [{ lineId: line.lineId, quantityMilli: 1_000 }])).rejects.toThrow();
  });

  it('returns at another till a sale found at the server, once, under the id its pending return was given before a crash', async () => {
    const c = await customer(11);
    const programme = (await till.programme.get('current'))!.programme;
    const ctx = saleContext(
      terminal,
      programme,
      (await till.offers.toArray()).map((o) => o.offer),
      true,
    );
    const items = addProduct([], (await till.products.where('ean').equals(demoProduct(2).ean).first())!);
    const now = new Date();
    const { input, priced } = priceDraft(ctx, items, { id: c.id, tier: c.tier, available: c.balance }, 'max', 'T-000002', now);
    await commitSale(till, { event: saleEvent(input, priced, { method: 'cash', amountKopecks: priced.totals.payable }, now), priced });
    expect(await pushOutbox(till, api)).toMatchObject({ applied: 1 });

    // Another till of the store: not in its journal, found at the server, kept out of its shift history.
    const other = new TillDb('returns-other-till');
    await pullCatalogue(other, api);
    expect(await findStoreReceipt(other, api, 'R-NOPE-1')).toEqual({ ok: false, reason: 'notFound' });
    const found = await findStoreReceipt(other, api, 'R-T-000002');
    if (!found.ok) throw new Error(found.reason);
    expect(found.receipt.foreign).toBe(true);
    expect(await receiptsSince(other, 0)).toEqual([]);

    const lines = [{ lineId: items[0]!.lineId, quantityMilli: 1_000 }];
    const begun = await beginReturn(other, 'T-000002', lines, {}, Date.now());
    // A crash: the till starts again and finds the return under way, with the same id.
    other.close();
    const reopened = new TillDb('returns-other-till');
    const pending = await receiptsWithPendingReturn(reopened);
    expect(pending.map((r) => r.pendingReturn?.returnId)).toEqual([begun.pending.returnId]);
    const again = await beginReturn(reopened, 'T-000002', lines, {}, Date.now());
    expect(again).toMatchObject({ resumed: true, pending: { returnId: begun.pending.returnId } });
    const { event } = await commitReturn(reopened, again.receipt, again.pending.lines, new Date(), { returnId: again.pending.returnId });
    expect(event.returnId).toBe(begun.pending.returnId);
    expect(await receiptsWithPendingReturn(reopened)).toEqual([]);
    expect(await pushOutbox(reopened, api)).toMatchObject({ ok: true, applied: 1 });
    // The server's ledger gave the bonuses back, as for a return at the selling till.
    expect((await customer(11)).balance).toBe(c.balance);
  });
});

describe('next-order coupons and returns', () => {
  it("a return takes back the sale's next-order coupon at this till at once (issue 16)", async () => {
    const programme = (await till.programme.get('current'))!.programme;
    const ctx = saleContext(terminal, programme, [], true);
    const items = addProduct([], (await till.products.where('ean').equals(demoProduct(2).ean).first())!);
    const now = new Date();
    const { input, priced } = priceDraft(ctx, items, null, 0, 'T-000077', now);
    const sold = saleEvent(input, priced, { method: 'cash', amountKopecks: priced.totals.payable }, now);
    const event = { ...sold, nextOrderCoupons: [{ code: 'N23456789ABC', offerId: 'next', couponOfferId: 'coupon' }] };
    await commitSale(till, { event, priced });
    await recordNextOrderCoupons(till, event);
    expect((await till.coupons.get('N23456789ABC'))?.redeemed).toBe(false);
    await commitReturn(till, (await findReceipt(till, 'T-000077'))!, [{ lineId: items[0]!.lineId, quantityMilli: 1_000 }]);
    expect((await till.coupons.get('N23456789ABC'))?.redeemed).toBe(true);
  });
});
