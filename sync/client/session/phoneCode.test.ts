import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealServer, type RealServer } from '../../../electron/host/testing/realServer';
import { tillsPerTest } from '../../../electron/host/testing/tillHostProcess';
import { demoCardNumber, demoPhone, demoProduct } from '../../server/demoSeed';
import { FakeSmsGateway } from '../../server/sms/testing/fakeSmsProvider';
import { DEFAULT_PHONE_SPEND_ALLOWANCE_KOPECKS } from '../../protocol/phoneCodes';
import type { RegistrationForm } from '../registration';
import type { TillWorld } from './testing/tillWorld';

/**
 * Issue 13, High 2 at the till: a typed phone alone does not spend bonuses or take over an
 * account. Real session, real host services, a real in-process server with a fake SMS gateway.
 */
const sms = new FakeSmsGateway();
let server: RealServer;
beforeAll(async () => {
  const unlimited = { burst: 1_000_000, perSecond: 1_000_000 };
  server = await startRealServer(50, { rateLimit: unlimited, sourceThrottle: unlimited, phoneCodes: { fallback: sms, settings: { resendAfterSeconds: 0 } } });
});
afterAll(() => server?.close());

const tillAndCredentials = tillsPerTest(() => server);
const till = async (): Promise<TillWorld> => (await tillAndCredentials()).world;

async function scan(w: TillWorld, text: string): Promise<void> {
  await w.run(w.session.scan({ kind: 'text', text }));
  await w.settle();
}

/** Customer n by typed phone, with a basket to spend on. */
async function typedPhoneSale(w: TillWorld, n: number): Promise<void> {
  await w.run(w.session.identify(demoPhone(n)));
  await w.settle();
  expect(w.state.sale.customer).toMatchObject({ via: 'phone', customer: { id: String(n) } });
  // Goods that go straight on the receipt: a weighed or marked one waits for its weight or code.
  for (const p of [12, 13, 14, 16, 17, 18]) await scan(w, demoProduct(p).ean);
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

const form = (phone: string): RegistrationForm => ({ firstName: 'Ольга', phone, personalDataConsent: true, marketing: { sms: true } });

async function serverFlags(receiptId: string): Promise<string[]> {
  const rows = await server.db.query<{ kind: string }>(`SELECT e.kind FROM exceptions e JOIN receipts r ON r.event_id = e.event_id WHERE r.receipt_id = $1`, [
    receiptId,
  ]);
  return rows.map((r) => r.kind);
}

describe('till session: SMS code for a typed phone', () => {
  it('online, a spend waits for the code; a wrong code says so, the right one spends, and the server takes the sale as confirmed', async () => {
    const w = await till();
    await typedPhoneSale(w, 21);
    const want = 20_000;
    expect(w.state.sale.priced!.maxRedeemable).toBeGreaterThan(want);
    const got = await w.run(w.session.setRedeem(want));
    expect(got).toBe(0);
    expect(w.state.phoneCode).toMatchObject({ purpose: 'spend', stage: 'entering', maskedPhone: expect.stringMatching(/21$/) });
    // Keys belong to the dialog while it is open: F9 pays nothing.
    expect(w.session.key('F9')).toBe(false);
    const code = sms.lastCode(demoPhone(21))!;
    await w.run(w.session.phoneCode.submit(wrong(code)));
    expect(w.state.phoneCode).toMatchObject({ error: 'phoneCode.errors.phone_code_wrong', attemptsLeft: 4 });
    expect(w.state.sale.redeem).toBe(0);
    await w.run(w.session.phoneCode.submit('12ab'));
    expect(w.state.phoneCode?.error).toBe('phoneCode.errors.sixDigits');
    // Enter twice: one check.
    await w.run(Promise.all([w.session.phoneCode.submit(code), w.session.phoneCode.submit(code)]));
    await w.settle();
    expect(w.state.phoneCode).toBeNull();
    expect(w.state.sale.redeem).toBe(want);
    expect(w.state.sale.customer?.confirmation).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await w.run(w.session.openPay());
    const receipt = await w.run(w.session.payCash(w.state.sale.priced!.totals.payable));
    expect(receipt?.redeemed).toBe(want);
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the sale sent');
    expect(await w.session.rejected()).toEqual([]);
    expect(await serverFlags(receipt!.receiptId)).not.toContain('phone_spend_unconfirmed');
  });

  it('Esc spends nothing and says why; a card scan instead needs no code', async () => {
    const w = await till();
    await typedPhoneSale(w, 22);
    await w.run(w.session.setRedeem(20_000));
    expect(w.state.phoneCode?.purpose).toBe('spend');
    w.session.phoneCode.cancel();
    expect(w.state.phoneCode).toBeNull();
    expect(w.state.sale.redeem).toBe(0);
    expect(w.state.notice?.key).toBe('phoneCode.spendCancelled');
    await scan(w, demoCardNumber(22));
    expect(w.state.sale.customer?.via).toBe('card');
    expect(await w.run(w.session.setRedeem(20_000))).toBe(20_000);
    expect(w.state.phoneCode).toBeNull();
  });

  it('offline, a typed-phone customer earns but spends only the allowance; the server takes it, flagged', async () => {
    const w = await till();
    await typedPhoneSale(w, 23);
    w.host.serverDown = true;
    await w.tick(31_000);
    expect(w.state.sync.link).toBe('serverDown');
    expect(await w.run(w.session.setRedeem(20_000))).toBe(DEFAULT_PHONE_SPEND_ALLOWANCE_KOPECKS);
    expect(w.state.phoneCode).toBeNull();
    expect(w.state.notice?.key).toBe('phoneCode.allowanceOnly');
    await w.run(w.session.openPay());
    const receipt = await w.run(w.session.payCash(w.state.sale.priced!.totals.payable));
    expect(receipt?.redeemed).toBe(DEFAULT_PHONE_SPEND_ALLOWANCE_KOPECKS);
    expect(receipt?.accrued).toBeGreaterThan(0);
    w.host.serverDown = false;
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the sale sent');
    expect(await w.session.rejected()).toEqual([]);
    expect(await serverFlags(receipt!.receiptId)).toContain('phone_spend_unconfirmed');
  });
});

describe('till session: SMS provider failing', () => {
  it('an SMS the server cannot send does not make the till think the server is gone', async () => {
    const w = await till();
    await typedPhoneSale(w, 26);
    expect(w.state.sync.link).toBe('online');
    sms.failWith = new Error('provider down');
    try {
      await w.run(w.session.setRedeem(w.state.sale.priced!.maxRedeemable));
      await w.settle();
    } finally {
      sms.failWith = null;
    }
    // The server answered (it could not send the SMS): the status bar must not say "no connection",
    // and the sale is not priced as offline because of it.
    expect(w.state.sync.link).toBe('online');
  });
});

describe('till session: registration with a phone another customer has', () => {
  it('online, it needs the code: Esc refuses it with a message, the right code registers and the server merges', async () => {
    const w = await till();
    await w.run(w.session.startRegistration({}));
    const first = await w.run(w.session.register(form(demoPhone(24))));
    expect(first).toEqual({ ok: false, problems: {} });
    expect(w.state.phoneCode).toMatchObject({ purpose: 'register' });
    w.session.phoneCode.cancel();
    expect(w.state.notice?.key).toBe('phoneCode.registerRefused');
    expect(w.state.mode).toBe('registering');
    expect((await w.db.outbox.toArray()).filter((r) => r.type === 'registration')).toEqual([]);

    await w.run(w.session.register(form(demoPhone(24))));
    expect(w.state.phoneCode?.purpose).toBe('register');
    await w.run(w.session.phoneCode.submit(sms.lastCode(demoPhone(24))!));
    await w.settle();
    expect(w.state.mode).toBe('selling');
    const mine = w.state.sale.customer!.customer.id;
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the registration sent');
    const alias = await server.db.query<{ customer_id: number }>('SELECT customer_id FROM customer_aliases WHERE alias = $1', [mine]);
    expect(Number(alias[0]?.customer_id)).toBe(24);
  });

  it('offline, it becomes a customer of its own that the phone does not find, and head office sees it', async () => {
    const w = await till();
    w.host.serverDown = true;
    await w.tick(31_000);
    await w.run(w.session.startRegistration({}));
    expect(await w.run(w.session.register(form(demoPhone(25))))).toEqual({ ok: true });
    expect(w.state.notice?.key).toBe('phoneCode.registerOffline');
    const mine = w.state.sale.customer!.customer.id;
    await w.run(w.session.clearCustomer());
    await w.run(w.session.identify(demoPhone(25)));
    await w.settle();
    expect(w.state.sale.customer?.customer.id).toBe('25');
    w.host.serverDown = false;
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the registration sent');
    const rows = await server.db.query<{ duplicate_of: number; phone_e164: string | null }>(
      'SELECT c.duplicate_of, c.phone_e164 FROM customer_aliases a JOIN customers c ON c.id = a.customer_id WHERE a.alias = $1',
      [mine],
    );
    expect(rows.map((r) => ({ duplicateOf: Number(r.duplicate_of), phone: r.phone_e164 }))).toEqual([{ duplicateOf: 25, phone: null }]);
  });
});
