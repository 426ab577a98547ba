import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealServer, TEST_ADMIN, type RealServer } from '../../../electron/host/testing/realServer';
import { tillsPerTest } from '../../../electron/host/testing/tillHostProcess';
import { FakeSmsGateway } from '../../server/sms/testing/fakeSmsProvider';
import type { TillWorld } from './testing/tillWorld';

/**
 * Issue 16 at the till: an electronic certificate sold to the customer's phone (the code goes by
 * SMS when the sale reaches the server; the till keeps no phone), and a certificate's barcode
 * scanned on the sale screen (sold when unsold; an active one is sent to the payment dialog).
 */
const sms = new FakeSmsGateway();
let server: RealServer;
beforeAll(async () => {
  const unlimited = { burst: 1_000_000, perSecond: 1_000_000 };
  server = await startRealServer(50, { rateLimit: unlimited, sourceThrottle: unlimited, phoneCodes: { fallback: sms } });
});
afterAll(() => server?.close());

const tillAndCredentials = tillsPerTest(() => server);
const till = async (): Promise<TillWorld> => (await tillAndCredentials()).world;

async function scan(w: TillWorld, text: string) {
  await w.run(w.session.scan({ kind: 'text', text }));
  await w.settle();
}

/** Everything the till stored, as text: the phone must be in none of it. */
async function tillStorage(w: TillWorld): Promise<string> {
  const tables = await Promise.all(w.db.tables.map(async (t) => JSON.stringify(await t.toArray())));
  return tables.join('\n');
}

describe('electronic gift certificates at the till', () => {
  it('sold to a phone: a line at its nominal, the code by SMS once the sale is pushed; the till keeps no phone', async () => {
    const w = await till();
    expect(await w.run(w.session.sellElectronicCertificate(1_000, '8 (916) 765-43-21'))).toBe(true);
    expect(w.state.notice?.key).toBe('certificate.added');
    expect(w.state.sale.priced?.totals).toMatchObject({ payable: 100_000, accrued: 0 });
    const code = w.state.sale.items[0]!.product.id.split(':')[1]!;
    expect(sms.sent).toEqual([]);

    await w.run(w.session.openPay());
    expect(await w.run(w.session.payCash(100_000))).toBeTruthy();
    await w.waitFor(async () => sms.sent.length === 1, 'the code by SMS');
    expect(sms.sent[0]).toEqual({ to: '+79167654321', text: expect.stringContaining(code) });
    expect(await tillStorage(w)).not.toMatch(/765-?43-?21|7654321/);
    const [row] = await server.db.query<{ state: string; phone_e164: string | null }>('SELECT state, phone_e164 FROM gift_certificates WHERE code = $1', [
      code,
    ]);
    expect(row).toEqual({ state: 'active', phone_e164: null });
  }, 120_000);

  it('a wrong phone or nominal is refused at the till; offline the sale of one is refused in plain words', async () => {
    const w = await till();
    expect(await w.run(w.session.sellElectronicCertificate(1_000, '+7 000 123'))).toBe(false);
    expect(w.state.notice?.key).toBe('certificate.refused.badPhone');
    expect(await w.run(w.session.sellElectronicCertificate(0, '+7 916 765-43-21'))).toBe(false);
    expect(w.state.notice?.key).toBe('certificate.refused.badNominal');
    w.host.serverDown = true;
    expect(await w.run(w.session.sellElectronicCertificate(1_000, '+7 916 765-43-21'))).toBe(false);
    expect(w.state.notice?.key).toBe('certificate.refused.offline');
    expect(w.state.sale.items).toEqual([]);
  }, 120_000);
});

describe('a certificate barcode scanned on the sale screen', () => {
  it('unsold: sold as a line; active: the cashier is sent to the payment dialog; unknown: an unknown code', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/admin/chains/1/certificates',
      headers: { authorization: `Bearer ${TEST_ADMIN}` },
      payload: { nominalKopecks: 20_000, count: 1, prefix: 'GC' },
    });
    const code = res.json<{ codes: string[] }>().codes[0]!;
    const w = await till();

    await scan(w, code.toLowerCase());
    expect(w.state.notice?.key).toBe('certificate.added');
    expect(w.state.sale.priced?.totals.payable).toBe(20_000);
    await w.run(w.session.openPay());
    expect(await w.run(w.session.payCash(20_000))).toBeTruthy();
    await w.waitFor(async () => (await w.outboxes()).every((o) => o.status !== 'pending'), 'the push');

    await scan(w, code);
    expect(w.state.notice?.key).toBe('certificate.payInDialog');
    expect(w.state.sale.items).toEqual([]);

    await scan(w, 'NOSUCHCODE1');
    expect(w.state.notice?.key).toBe('scan.refused.unknownCode');

    // Offline the till cannot tell a certificate from a mistyped code: it says so, and sells nothing.
    w.host.serverDown = true;
    await scan(w, 'NOSUCHCODE2');
    expect(w.state.notice?.key).toBe('scan.refused.unknownCodeOffline');
    expect(w.state.sale.items).toEqual([]);
  }, 120_000);
});
