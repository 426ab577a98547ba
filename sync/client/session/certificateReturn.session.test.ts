import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN, type RealServer } from '../../../electron/host/testing/realServer';
import { tillsPerTest, startSessionServer } from '../../../electron/host/testing/tillHostProcess';
import { demoProduct } from '../../server/demoSeed';
import type { TillWorld } from './testing/tillWorld';

/**
 * A receipt paid partly by a gift certificate, returned: the money goes back up to what was
 * paid in money, the certificate's part goes back onto the certificate, never out as cash.
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

describe('returning a receipt a gift certificate paid part of', () => {
  it('gives the money back up to the money paid and the rest back onto the certificate, over two returns', async () => {
    const {
      codes: [code],
    } = await admin<{ codes: string[] }>('POST', '/api/v1/admin/chains/1/certificates', { nominalKopecks: 10_000, count: 1 });
    const w = await till();
    expect(await w.run(w.session.sellCertificate(code!))).toBe(true);
    await w.run(w.session.openPay());
    await w.run(w.session.payCash(10_000));
    await w.waitFor(async () => (await balanceOf(code!)) === 10_000, 'the certificate activated by its sale');
    await w.tick(1_000);

    // Two loaves, 247,80 ₽: the certificate pays 100 ₽, cash 147,80 ₽.
    await w.run(w.session.scan({ kind: 'text', text: demoProduct(2).ean }));
    await w.settle();
    await w.run(w.session.scan({ kind: 'text', text: demoProduct(2).ean }));
    await w.settle();
    const payable = w.state.sale.priced!.totals.payable;
    expect(payable).toBe(24_780);
    await w.run(w.session.openPay());
    expect(await w.run(w.session.payWithCertificate(code!))).toBe(true);
    const receipt = await w.run(w.session.payCash(payable - 10_000));
    expect(receipt).toBeTruthy();
    expect(await balanceOf(code!)).toBe(0);
    const lineId = (await w.db.journal.get(receipt!.receiptId))!.event.sale.lines[0]!.lineId;

    // One loaf back (123,90 ₽): all of it in cash, since 147,80 ₽ was paid in cash.
    let record = (await w.db.journal.get(receipt!.receiptId))!;
    const first = await w.run(w.session.commitReturn(record, [{ lineId, quantityMilli: 1_000 }]));
    expect(first).toMatchObject({ ok: true, refund: 12_390 });
    expect(first).not.toHaveProperty('toCertificates');
    expect(await balanceOf(code!)).toBe(0);

    // The other loaf: 23,90 ₽ of cash is left, the other 100 ₽ go back onto the certificate.
    record = (await w.db.journal.get(receipt!.receiptId))!;
    const second = await w.run(w.session.commitReturn(record, [{ lineId, quantityMilli: 1_000 }]));
    expect(second).toMatchObject({ ok: true, refund: 2_390, toCertificates: 10_000 });
    expect(await balanceOf(code!)).toBe(10_000);
    await w.waitFor(async () => (await w.outboxes()).every((o) => o.status !== 'pending'), 'the push');
    expect(await balanceOf(code!)).toBe(10_000);
  }, 120_000);
});

describe('returning a gift certificate that was sold', () => {
  it('takes its whole nominal off at the server before the money goes back; one already spent from is refused and nothing is refunded', async () => {
    const {
      codes: [unused, spent],
    } = await admin<{ codes: string[] }>('POST', '/api/v1/admin/chains/1/certificates', { nominalKopecks: 10_000, count: 2 });
    const w = await till();
    expect(await w.run(w.session.sellCertificate(unused!))).toBe(true);
    expect(await w.run(w.session.sellCertificate(spent!))).toBe(true);
    await w.run(w.session.openPay());
    const receipt = await w.run(w.session.payCash(20_000));
    await w.waitFor(async () => (await balanceOf(unused!)) === 10_000 && (await balanceOf(spent!)) === 10_000, 'both activated');
    await w.tick(1_000);
    // The second one pays for a loaf.
    await w.run(w.session.scan({ kind: 'text', text: demoProduct(2).ean }));
    await w.settle();
    await w.run(w.session.openPay());
    expect(await w.run(w.session.payWithCertificate(spent!))).toBe(true);
    expect(await w.run(w.session.payCash(12_390 - 10_000))).toBeTruthy();

    const record = (await w.db.journal.get(receipt!.receiptId))!;
    const [first, second] = record.event.sale.lines;
    // The unused one comes back: 100 ₽ in cash, and it can no longer pay for anything.
    const back = await w.run(w.session.commitReturn(record, [{ lineId: first!.lineId, quantityMilli: 1_000 }]));
    expect(back).toMatchObject({ ok: true, refund: 10_000 });
    expect(await balanceOf(unused!)).toBe(0);
    // The spent one is refused, and no money is recorded as given.
    const again = (await w.db.journal.get(receipt!.receiptId))!;
    const refused = await w.run(w.session.commitReturn(again, [{ lineId: second!.lineId, quantityMilli: 1_000 }]));
    expect(refused).toMatchObject({ ok: false, message: 'certificateBack:insufficient' });
    const after = (await w.db.journal.get(receipt!.receiptId))!;
    expect(after.returns ?? []).toHaveLength(1);
    expect(after.pendingReturn).toBeUndefined();
  }, 120_000);
});
