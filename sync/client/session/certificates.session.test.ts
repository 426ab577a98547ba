import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN, type RealServer } from '../../../electron/host/testing/realServer';
import { tillsPerTest, startSessionServer } from '../../../electron/host/testing/tillHostProcess';
import { DEMO_OFFERS, demoCardNumber, demoProduct } from '../../server/demoSeed';
import type { SaleEvent } from '../../protocol/events';
import type { TillWorld } from './testing/tillWorld';

/**
 * Issue 16 at the till: a gift certificate sold (a line at its nominal, activated by its sale's
 * push) and taken as payment (held at the server, kept in the draft across a reload, given back
 * when the payment is cancelled); coupons typed for a sale kept across a reload and a hold.
 */
let server: RealServer;
beforeAll(async () => {
  server = await startSessionServer();
});
afterAll(() => server?.close());

const tillAndCredentials = tillsPerTest(() => server);
const till = async (): Promise<TillWorld> => (await tillAndCredentials()).world;

async function admin<T>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<T> {
  const res = await server.app.inject({ method, url, headers: { authorization: `Bearer ${TEST_ADMIN}` }, ...(payload ? { payload: payload as object } : {}) });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json<T>();
}

const balanceOf = async (code: string) =>
  Number((await server.db.query<{ balance: string }>('SELECT balance::text AS balance FROM gift_certificates WHERE code = $1', [code]))[0]!.balance);

async function scan(w: TillWorld, text: string) {
  await w.run(w.session.scan({ kind: 'text', text }));
  await w.settle();
}

describe('gift certificates at the till', () => {
  it('sold as a line, activated by its push, then pays part of a receipt; a reload keeps the part, Esc gives it back', async () => {
    const {
      codes: [code],
    } = await admin<{ codes: string[] }>('POST', '/api/v1/admin/chains/1/certificates', { nominalKopecks: 10_000, count: 1 });
    const w = await till();

    expect(await w.run(w.session.sellCertificate(code!))).toBe(true);
    expect(w.state.sale.priced?.totals).toMatchObject({ payable: 10_000, accrued: 0 });
    expect(await w.run(w.session.sellCertificate(code!))).toBe(false);
    expect(w.state.notice?.key).toBe('certificate.refused.inSale');
    await w.run(w.session.openPay());
    // A certificate cannot pay for a certificate.
    expect(await w.run(w.session.payWithCertificate(code!))).toBe(false);
    expect(w.state.notice?.key).toBe('certificate.refused.nothingDue');
    await w.run(w.session.payCash(10_000));
    await w.waitFor(async () => (await balanceOf(code!)) === 10_000, 'the certificate activated by its sale');
    await w.tick(1_000); // the next receipt's number is made of the clock

    // Two loaves: 247,80 ₽. The certificate pays its 100 ₽, the rest is money.
    await scan(w, demoProduct(2).ean);
    await scan(w, demoProduct(2).ean);
    const payable = w.state.sale.priced!.totals.payable;
    await w.run(w.session.openPay());
    expect(await w.run(w.session.payWithCertificate(code!.toLowerCase()))).toBe(true);
    expect(w.state.sale.certificates?.parts).toEqual([expect.objectContaining({ code, amountKopecks: 10_000, balanceAfterKopecks: 0 })]);
    expect(await balanceOf(code!)).toBe(0);

    // A reload: the part is still on the sale, in the payment dialog.
    w.openPage();
    await w.settle();
    expect(w.state.mode).toBe('payingCash');
    expect(w.state.sale.certificates?.parts).toHaveLength(1);

    // Esc: the part goes back to the certificate.
    w.session.key('Escape');
    await w.settle();
    expect(w.state.mode).toBe('selling');
    expect(w.state.sale.certificates).toBeUndefined();
    expect(await balanceOf(code!)).toBe(10_000);

    // Taken again and paid: the event carries the part, the money is the rest; the server agrees.
    await w.run(w.session.openPay());
    expect(await w.run(w.session.payWithCertificate(code!))).toBe(true);
    const receipt = await w.run(w.session.payCash(payable - 10_000));
    expect(receipt, JSON.stringify(w.state.sale.error)).toBeTruthy();
    const sale = [...(await w.journals()).values()].find((r) => r.receiptId === receipt!.receiptId)!;
    const ev = sale.event as SaleEvent;
    expect(ev.payment.amountKopecks).toBe(payable - 10_000);
    expect(ev.payment.certificates).toEqual([expect.objectContaining({ code, amountKopecks: 10_000 })]);
    await w.waitFor(async () => (await w.outboxes()).every((o) => o.status !== 'pending'), 'the push');
    expect(await balanceOf(code!)).toBe(0);
    const conflicts = await server.db.query(`SELECT 1 FROM exceptions WHERE kind IN ('certificate_conflict', 'payment_mismatch')`);
    expect(conflicts).toEqual([]);
  }, 120_000);
});

describe('coupons on the sale draft', () => {
  it('a coupon typed for a sale survives a reload and a hold and resume', async () => {
    await admin('PUT', '/api/v1/admin/chains/1/offers', {
      offers: [
        ...DEMO_OFFERS,
        { id: 'coupon-5', name: { ru: 'Купон', en: 'Coupon' }, audience: { coupon: true }, effect: { type: 'percentDiscount', basisPoints: 500 } },
      ],
    });
    const {
      codes: [code],
    } = await admin<{ codes: string[] }>('POST', '/api/v1/admin/chains/1/coupons', { offerId: 'coupon-5', count: 1 });
    const w = await till();
    await w.waitFor(async () => (await w.db.coupons.get(code!)) !== undefined, 'the coupon list');
    await scan(w, demoProduct(1).ean);
    await scan(w, demoCardNumber(3));
    expect(await w.run(w.session.applyCoupon(code!))).toBe(true);

    w.openPage();
    await w.settle();
    expect(w.state.sale.coupons).toEqual([expect.objectContaining({ code })]);

    await w.run(w.session.holdSale());
    expect(w.state.sale.coupons ?? []).toEqual([]);
    const [held] = await w.db.held.toArray();
    await w.run(w.session.resumeHeld(held!.id));
    expect(w.state.sale.coupons).toEqual([expect.objectContaining({ code })]);
  }, 120_000);
});
