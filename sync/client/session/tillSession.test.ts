import { phoneLookupKeys } from '../../../core/lookupKey';
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealServer } from '../../../electron/host/testing/realServer';
import { tillsPerTest, startSessionServer } from '../../../electron/host/testing/tillHostProcess';
import { demoBalance, demoCardNumber, demoPhone, demoProduct } from '../../server/demoSeed';
import { line, sale } from '../../server/testing/events';
import { registerCustomer, type RegistrationForm } from '../registration';
import type { TillWorld } from './testing/tillWorld';

/**
 * The bugs of issue 12 as a cashier meets them, against the real session, the real host
 * services (with a fake payment terminal) and a real in-process server.
 */

let server: RealServer;
beforeAll(async () => {
  server = await startSessionServer();
});
afterAll(() => server?.close());

const till = tillsPerTest(() => server);

/** A seeded customer with bonuses to spend. */
const RICH = 7;
/** What a till may let a customer spend while it cannot ask the server (DEMO_PROGRAMME). */
const OFFLINE_ALLOWANCE = 50_000;

async function scan(w: TillWorld, text: string): Promise<void> {
  await w.run(w.session.scan({ kind: 'text', text }));
  await w.settle();
}

async function serverSale(receiptId: string): Promise<{ payable: number; paid: number } | null> {
  const rows = await server.db.query<{ payable: string; paid: string }>(
    `SELECT till_totals->>'payable' AS payable, payment->>'amountKopecks' AS paid FROM receipts WHERE receipt_id = $1`,
    [receiptId],
  );
  return rows[0] ? { payable: Number(rows[0].payable), paid: Number(rows[0].paid) } : null;
}

/** Another till of the store sells to customer n, spending all their bonuses. */
async function otherTillSpendsAll(n: number): Promise<void> {
  const code = await server.enrolmentCode();
  const enrolled = await fetch(`${server.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deviceName: 'other till' }),
  });
  const token = ((await enrolled.json()) as { token: string }).token;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const found = await fetch(`${server.url}/api/v1/lookup?card=${demoCardNumber(n)}`, { headers: { authorization: headers.authorization } });
  const balance = ((await found.json()) as { customer: { balance: number } }).customer.balance;
  const { event } = sale({ customerId: String(n), available: balance, lines: [line(20, 50)], redeem: 'max' });
  expect(event.totals.redeemed).toBe(balance);
  expect((await fetch(`${server.url}/api/v1/push`, { method: 'POST', headers, body: JSON.stringify({ events: [event] }) })).status).toBe(200);
}

const form = (over: Partial<RegistrationForm> = {}): RegistrationForm => ({
  firstName: 'Тест',
  phone: `+7916${String(3_000_000 + Math.floor(Math.random() * 6_000_000))}`,
  personalDataConsent: true,
  marketing: {},
  ...over,
});

describe('till session: payments', () => {
  it('refuses a product scanned while the card terminal waits for the PIN; the card is charged what the receipt says', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(1).ean);
    await scan(w, demoProduct(2).ean);
    const payable = w.state.sale.priced!.totals.payable;
    w.host.terminal.plan = 'hang';
    w.session.key('F10');
    await w.settle();
    expect(w.state.mode).toBe('payingCard');

    // The scanner, a typed code and a customer's card: each refused at once, with the reason shown.
    w.host.emit({ kind: 'scan', deviceId: 'scanner-1', source: 'serial', symbology: 'EAN13', text: demoProduct(3).ean, at: w.clock.now() });
    expect(w.state.notice?.key).toBe('scan.refused.paymentInProgress');
    const seq = w.state.notice!.seq;
    await w.session.scan({ kind: 'text', text: demoCardNumber(RICH) });
    expect(w.state.notice).toMatchObject({ key: 'scan.refused.paymentInProgress', seq: seq + 1 });
    expect(await w.session.addProduct(demoProduct(4).ean)).toBe(false);
    expect(w.state.sale.items.map((i) => i.product.id)).toEqual(['p00001', 'p00002']);
    expect(w.state.sale.priced!.totals.payable).toBe(payable);

    w.host.terminal.answer(true);
    await w.settle();
    const receipt = w.state.receipt!;
    expect(receipt).toMatchObject({ method: 'card', paid: payable });
    expect(w.host.terminal.charges).toEqual([{ receiptId: receipt.receiptId, amountKopecks: payable, approved: true }]);
    const journal = await w.db.journal.get(receipt.receiptId);
    expect(journal?.event.sale.lines.map((l) => l.productId)).toEqual(['p00001', 'p00002']);
    expect(journal?.event.totals.payable).toBe(payable);
    // Nothing was queued for later: the next sale starts empty, the receipt stays on screen.
    expect(w.state.sale.items).toEqual([]);
    expect(await serverSale(receipt.receiptId)).toEqual({ payable, paid: payable });
  });

  it('Esc on the payment dialog, and after a declined card, keeps the customer, the redemption and the total', async () => {
    const { world: w } = await till();
    await scan(w, demoCardNumber(RICH));
    await scan(w, demoProduct(10).ean);
    await scan(w, demoProduct(12).ean);
    const max = w.state.sale.priced!.maxRedeemable;
    expect(max).toBeGreaterThan(0);
    expect(await w.run(w.session.setRedeem(max))).toBe(max);
    const payable = w.state.sale.priced!.totals.payable;
    const shown = () => ({ customer: w.state.sale.customer?.customer.id, redeem: w.state.sale.redeem, payable: w.state.sale.priced?.totals.payable });

    w.session.key('F9');
    await w.settle();
    expect(w.state.mode).toBe('payingCash');
    w.session.key('Escape');
    await w.settle();
    expect(w.state.mode).toBe('selling');
    expect(shown()).toEqual({ customer: String(RICH), redeem: max, payable });

    w.host.terminal.plan = 'decline';
    w.session.key('F10');
    await w.settle();
    expect(w.state.mode).toBe('payingCash');
    expect(w.state.sale.cardDecline).toBe('declined by issuer');
    w.session.key('Escape');
    await w.settle();
    expect(w.state.mode).toBe('selling');
    expect(shown()).toEqual({ customer: String(RICH), redeem: max, payable });
  });

  it('Esc out of the payment takes its "payment in progress" refusal away and puts the cursor back in the product field', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(5).ean);
    w.session.key('F9');
    await w.settle();
    await scan(w, demoProduct(6).ean);
    expect(w.state.notice?.key).toBe('scan.refused.paymentInProgress');
    const focusBefore = w.state.focus?.seq ?? 0;
    w.session.key('Escape');
    await w.settle();
    expect(w.state.mode).toBe('selling');
    // The payment is over: a notice saying it still runs would tell the cashier to press Esc again.
    expect(w.state.notice).toBeNull();
    expect(w.state.focus).toMatchObject({ target: 'product' });
    expect(w.state.focus!.seq).toBeGreaterThan(focusBefore);
    // The same after Esc on the weight entry of a weighed product.
    await scan(w, demoProduct(3).ean);
    expect(w.state.desk.weighing).toBeTruthy();
    const focusAtWeight = w.state.focus!.seq;
    w.session.key('Escape');
    await w.settle();
    expect(w.state.desk.weighing).toBeNull();
    expect(w.state.focus).toMatchObject({ target: 'product', seq: focusAtWeight + 1 });
  });

  it('a customer found again after Esc cleared them no longer shows "customer removed"', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(5).ean);
    await scan(w, demoCardNumber(RICH));
    w.session.key('Escape');
    await w.settle();
    expect(w.state.notice?.key).toBe('identify.cleared');
    await scan(w, demoCardNumber(RICH));
    expect(w.state.sale.customer?.customer.id).toBe(String(RICH));
    expect(w.state.notice).toBeNull();
  });

  it('Enter twice on the cash dialog pays once', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(5).ean);
    await w.run(w.session.openPay());
    const payable = w.state.sale.priced!.totals.payable;
    const [a, b] = await Promise.all([w.session.payCash(payable + 1_000), w.session.payCash(payable + 1_000)]);
    expect([a, b].filter((r) => r !== null)).toHaveLength(1);
    expect((a ?? b)!.change).toBe(1_000);
    await w.settle();
    expect(await w.db.journal.count()).toBe(1);
  });

  it('after a reload in the middle of a card payment, the approval comes from the host: one charge, one sale', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(20).ean);
    const payable = w.state.sale.priced!.totals.payable;
    w.host.terminal.plan = 'hang';
    w.session.key('F10');
    await w.settle();
    w.openPage();
    await w.settle();
    // The new page waits for the terminal; it does not ask it again.
    expect(w.state.mode).toBe('payingCard');
    expect(w.state.sale.items.map((i) => i.product.id)).toEqual(['p00020']);
    w.host.terminal.answer(true);
    await w.settle();
    expect(w.host.terminal.charges).toHaveLength(1);
    expect(w.host.terminal.askedTwice).toEqual([]);
    const [sale] = await w.db.journal.toArray();
    expect(sale?.receiptId).toBe(w.host.terminal.charges[0]!.receiptId);
    expect(sale?.event.totals.payable).toBe(payable);
    expect(w.state.mode).toBe('selling');
    expect(w.state.sale.items).toEqual([]);
  });

  it('a card sale is priced and committed with the customer context it had when the payment opened, though another arrives meanwhile', async () => {
    const { world: w } = await till();
    await scan(w, demoCardNumber(RICH));
    await scan(w, demoProduct(20).ean);
    const id = w.state.sale.customer!.customer.id;
    w.host.terminal.plan = 'hang';
    w.session.key('F10');
    await w.settle();
    expect(w.state.mode).toBe('payingCard');
    const atStart = w.state.sale.priced!.totals;
    // Meanwhile a pull brings the server's new context for this customer (a higher tier earns more),
    // and the page reloads while the customer types the PIN.
    const tier = w.state.sale.customer!.customer.tier === 'gold' ? 'base' : 'gold';
    await w.db.customerContexts.put({
      customerId: id,
      tier,
      segments: [],
      purchaseCount: 40,
      spendKopecks: 0,
      asOfMs: w.clock.now(),
      uses: [],
      recentEventIds: [],
    });
    w.openPage();
    await w.settle();
    expect(w.state.mode).toBe('payingCard');
    expect(w.state.sale.priced!.totals, 'the total and bonuses shown while the terminal charges').toEqual(atStart);
    w.host.terminal.answer(true);
    await w.settle();
    const [sale] = await w.db.journal.toArray();
    expect(sale?.event.totals).toMatchObject({ payable: atStart.payable, accrued: atStart.accrued, redeemed: atStart.redeemed });
  });

  it('a card sale resumed after a reload is committed as charged, though the balance changed at another till meanwhile', async () => {
    const { world: w } = await till();
    const n = 29;
    // A first sale for the customer waits in the outbox; its acknowledgement will carry the new balance.
    w.host.serverDown = true;
    await scan(w, demoCardNumber(n));
    await scan(w, demoProduct(10).ean);
    await w.run(w.session.openPay());
    await w.run(w.session.payCash(w.state.sale.priced!.totals.payable));
    await w.tick(1_000);
    await scan(w, demoCardNumber(n));
    for (const p of [12, 13, 14]) await scan(w, demoProduct(p).ean);
    const max = w.state.sale.priced!.maxRedeemable;
    expect(max).toBeGreaterThan(0);
    await w.run(w.session.setRedeem(max));
    const payable = w.state.sale.priced!.totals.payable;
    w.host.terminal.plan = 'hang';
    w.session.key('F10');
    await w.settle();
    // The customer spends everything at another till of the store.
    await otherTillSpendsAll(n);
    w.host.serverDown = false;
    await w.tick(10_000);
    w.openPage();
    await w.settle();
    // The dialog still shows what the terminal is charging.
    expect(w.state.sale.priced?.totals.payable).toBe(payable);
    w.host.terminal.answer(true);
    await w.tick(1_000);
    const charge = w.host.terminal.charges.find((c) => c.approved)!;
    expect(charge.amountKopecks).toBe(payable);
    const sale = await w.db.journal.get(charge.receiptId);
    expect({ payable: sale?.event.totals.payable, redeemed: sale?.event.totals.redeemed, paid: sale?.event.payment.amountKopecks }).toEqual({
      payable,
      redeemed: max,
      paid: payable,
    });
  });

  it('offline, at most the offline allowance of bonuses is spent, so the server accepts the sale whatever was spent elsewhere', async () => {
    const { world: w } = await till();
    const n = 33;
    await otherTillSpendsAll(n);
    // The till's cache still has the old balance; the server is away, and the till has noticed (its pull failed).
    w.host.serverDown = true;
    await w.tick(31_000);
    expect(w.state.sync.link).toBe('serverDown');
    await scan(w, demoCardNumber(n));
    // Goods that go straight on the receipt: a weighed or marked one waits for its weight or code.
    for (const p of [12, 13, 14, 16, 17, 18]) await scan(w, demoProduct(p).ean);
    expect(w.state.sale.available).toBeGreaterThan(OFFLINE_ALLOWANCE);
    await w.run(w.session.setRedeem(1_000_000));
    expect(w.state.sale.redeem).toBe(OFFLINE_ALLOWANCE);
    expect(w.state.sale.priced?.redemptionLimit).toBe('offlineAllowance');
    await w.run(w.session.openPay());
    const receipt = await w.run(w.session.payCash(w.state.sale.priced!.totals.payable));
    expect(receipt?.redeemed).toBe(OFFLINE_ALLOWANCE);
    w.host.serverDown = false;
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the sale sent');
    expect(await w.session.rejected()).toEqual([]);
    expect(await serverSale(receipt!.receiptId)).toEqual({ payable: receipt!.paid, paid: receipt!.paid });
  });

  it('when the host died mid-payment, the cashier reads the slip: charged gives one sale, not charged lets the customer pay again', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(21).ean);
    const payable = w.state.sale.priced!.totals.payable;
    w.host.terminal.plan = 'crashNotCharged';
    w.session.key('F10');
    await w.settle();
    expect(w.state.sale.unresolvedPayment).toBe(true);
    w.host.up();
    await w.run(w.session.resolveUnknownPayment(false));
    expect(w.state.mode).toBe('payingCash');
    expect(await w.db.journal.count()).toBe(0);

    w.host.terminal.plan = 'crashCharged';
    await w.run(w.session.payCard());
    await w.settle();
    expect(w.state.sale.unresolvedPayment).toBe(true);
    // A reload meanwhile changes nothing: the new host process does not know the payment either.
    w.host.up();
    w.openPage();
    await w.settle();
    expect(w.state.sale.unresolvedPayment).toBe(true);
    await w.run(w.session.resolveUnknownPayment(true));
    await w.settle();
    const charged = w.host.terminal.charges.filter((c) => c.approved);
    expect(charged).toHaveLength(1);
    const sales = await w.db.journal.toArray();
    expect(sales.map((s) => [s.receiptId, s.event.totals.payable])).toEqual([[charged[0]!.receiptId, payable]]);
  });

  it('a slip answered before a re-enrolled till has its catalogue is kept, and the sale is made when the catalogue arrives', async () => {
    const { world: w, credentials } = await till();
    await scan(w, demoProduct(22).ean);
    const payable = w.state.sale.priced!.totals.payable;
    w.host.terminal.plan = 'crashCharged';
    w.session.key('F10');
    await w.settle();
    // The credential is lost with the host restart: IT enrols the till again (a new database).
    credentials.lose();
    w.host.up();
    w.openPage();
    await w.settle();
    expect(w.state.phase).toBe('notEnrolled');
    const code = await server.enrolmentCode();
    await w.run(w.session.enrol(server.url, code, 'again'));
    expect(w.state.sale.unresolvedPayment).toBe(true);
    await w.run(w.session.resolveUnknownPayment(true));
    await w.waitFor(async () => (await w.db.journal.count()) === 1, 'the sale after the catalogue arrived');
    const [sale] = await w.db.journal.toArray();
    expect([sale!.receiptId, sale!.event.totals.payable]).toEqual([w.host.terminal.charges[0]!.receiptId, payable]);
    expect(w.state.mode).toBe('selling');
  });
});

describe('till session: bank cards', () => {
  it('offers to link the card just paid with to the customer, but not a card another customer holds', async () => {
    const { world: w } = await till();
    const card = { tokenHash: `bank-token-hash-${Date.now().toString(36)}-link`, last4: '7777' };
    const payByCardFor = async (customer: number, product: number) => {
      await w.tick(1_000);
      await scan(w, demoCardNumber(customer));
      await scan(w, demoProduct(product).ean);
      w.host.terminal.plan = 'approve';
      w.host.terminal.card = card;
      w.session.key('F10');
      await w.settle();
      return w.state.receipt!;
    };
    const first = await payByCardFor(14, 80);
    expect(first.linkOffer).toMatchObject({ customerId: '14', last4: '7777' });
    await w.run(w.session.linkCard());
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the link sent');
    w.session.key('Enter');
    // Another customer pays with the same card: nothing to offer; nothing refused later.
    const second = await payByCardFor(15, 81);
    expect(second.method).toBe('card');
    expect(second.linkOffer).toBeNull();
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the sale sent');
    expect(await w.session.rejected()).toEqual([]);
  });

  it('a bank card linked to nobody, swiped on a keyboard-wedge reader or read by the serial reader, says so and keeps the customer', async () => {
    const { world: w } = await till();
    await scan(w, demoCardNumber(45));
    expect(w.state.sale.customer?.customer.id).toBe('45');
    const pan = '4111111111111111';
    const seq = w.state.notice?.seq ?? 0;
    await w.run(w.session.wedge(`%B${pan}^IVANOV/IVAN^29121010000000000000?;${pan}=29121010000000000000?`));
    await w.settle();
    expect(w.state.notice).toMatchObject({ key: 'card.bankNotLoyalty' });
    expect(w.state.notice!.seq).toBeGreaterThan(seq);
    expect(w.state.sale.customer?.customer.id).toBe('45');
    expect(w.state.sale.lookupBusy).toBe(false);
    expect(JSON.stringify(w.state)).not.toContain(pan);
    // The same card from the serial reader (its driver hands over the keyed hash only).
    const again = w.state.notice!.seq;
    w.host.emit({ kind: 'card', cardKind: 'bank', deviceId: 'msr-1', tokenHash: 'bank-token-hash-nobody-0001', last4: '0001', at: w.clock.now() });
    await w.settle();
    expect(w.state.notice).toMatchObject({ key: 'card.bankNotLoyalty' });
    expect(w.state.notice!.seq).toBeGreaterThan(again);
    expect(w.state.sale.customer?.customer.id).toBe('45');
  });
});

describe('till session: customer and screens', () => {
  it('after F11 or F12 and back, the customer is still on the sale and on the panel', async () => {
    const { world: w } = await till();
    await scan(w, demoCardNumber(RICH));
    await scan(w, demoProduct(30).ean);
    for (const [open, close] of [
      ['F11', 'Escape'],
      ['F12', 'F12'],
      ['F12', 'Escape'],
    ] as const) {
      w.session.key(open);
      await w.settle();
      expect(w.state.mode).toBe(open === 'F11' ? 'manager' : 'diagnostics');
      w.session.key(close);
      await w.settle();
      expect(w.state.mode).toBe('selling');
      expect(w.state.sale.customer?.customer.id).toBe(String(RICH));
      expect(w.state.sale.panel?.customerId).toBe(String(RICH));
    }
  });

  it('Esc pressed twice on the return screen closes it and keeps the customer', async () => {
    const { world: w } = await till();
    await scan(w, demoPhone(RICH));
    w.session.key('F3');
    await w.settle();
    expect(w.state.mode).toBe('returning');
    w.session.key('Escape');
    w.session.key('Escape');
    await w.settle();
    expect(w.state.mode).toBe('selling');
    expect(w.state.sale.customer?.customer.id).toBe(String(RICH));
  });

  it('a revocation learnt while a card sale is finishing leaves the till on the setup screen: scans there join no sale', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(32).ean);
    await server.revoke(w.state.status!.terminal!.terminalId);
    // The card's owner is looked up at the server after the approval: the server refuses the till.
    w.host.terminal.plan = 'approve';
    w.host.terminal.card = { tokenHash: 'bank-token-hash-unknown-0001', last4: '0001' };
    w.session.key('F10');
    await w.settle();
    expect(await w.db.journal.count()).toBe(1);
    expect({ phase: w.state.phase, mode: w.state.mode, revoked: w.state.revoked }).toEqual({ phase: 'notEnrolled', mode: 'setup', revoked: true });
    await scan(w, demoProduct(33).ean);
    expect(w.state.notice?.key).toBe('scan.refused.notEnrolled');
    expect(w.session.key('F9')).toBe(false);
    expect(await w.db.draft.get('current')).toBeUndefined();
  });

  it('a till started while its host was down opens by itself when the host is back', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(31).ean);
    w.host.down(false);
    w.openPage();
    await w.settle();
    expect(w.state.phase).toBe('hostError');
    w.host.up();
    await w.tick(6_000);
    expect(w.state.phase).toBe('ready');
    expect(w.state.sale.items.map((i) => i.product.id)).toEqual(['p00031']);
  });

  it('a reload in the middle of a sale brings the basket, the customer and the redemption back', async () => {
    const { world: w } = await till();
    await scan(w, demoCardNumber(RICH));
    await scan(w, demoProduct(40).ean);
    await scan(w, demoProduct(40).ean);
    await scan(w, demoProduct(41).ean);
    await w.run(w.session.setRedeem(100));
    const before = { items: w.state.sale.items, customer: w.state.sale.customer?.customer.id, redeem: w.state.sale.redeem };
    w.openPage();
    await w.settle();
    expect({ items: w.state.sale.items, customer: w.state.sale.customer?.customer.id, redeem: w.state.sale.redeem }).toEqual(before);
    expect(w.state.notice).toMatchObject({ key: 'sale.restored', params: { count: 2 } });
    expect(w.state.sale.available).toBe(demoBalance(RICH));
  });
});

describe('till session: notices of a screen left', () => {
  it('a scan refused on the manager screen or the return screen is not still reported on the sale screen after Esc', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(5).ean);
    w.session.key('F11');
    await w.settle();
    await scan(w, demoProduct(6).ean);
    expect(w.state.notice?.key).toBe('scan.refused.notInManager');
    w.session.key('Escape');
    await w.settle();
    expect(w.state.mode).toBe('selling');
    expect(w.state.notice).toBeNull();

    w.session.key('F3');
    await w.settle();
    await scan(w, demoProduct(6).ean);
    expect(w.state.notice?.key).toBe('scan.refused.finishReturnFirst');
    w.session.key('F1');
    await w.settle();
    expect(w.state.notice).toBeNull();
    // Nothing the refused scans carried reached the sale.
    expect(w.state.sale.items.map((i) => i.product.id)).toEqual([demoProduct(5).id]);
  });
});

describe('till session: status bar', () => {
  it('a reload with the server away still shows when the till last synced, not "never"', async () => {
    const { world: w } = await till();
    await w.settle();
    expect(w.state.sync.lastSyncAt).not.toBeNull();
    w.host.serverDown = true;
    w.openPage();
    await w.settle();
    // (Stored by the pull's own clock, which the test world does not move.)
    expect(w.state.sync.lastSyncAt).not.toBeNull();
  });
});

describe('till session: registration', () => {
  it('refuses a card that already has an owner when it is scanned into the form; a new card fills the field', async () => {
    const { world: w } = await till();
    await w.run(w.session.startRegistration({}));
    await scan(w, demoCardNumber(12));
    expect(w.state.notice?.key).toBe('register.cardTaken');
    expect(w.state.registration?.card).toBeUndefined();
    expect(w.state.sale.customer).toBeNull();
    const fresh = demoCardNumber(700_001);
    await scan(w, fresh);
    expect(w.state.registration?.card).toBe(fresh);
    // Typed into the form instead: refused on the field.
    expect(await w.run(w.session.register(form({ cardNumber: demoCardNumber(12) })))).toEqual({ ok: false, problems: { cardNumber: 'register.cardTaken' } });
  });

  it('refuses an invalid e-mail, a birthday in year 0 and a lone surrogate at the till, on their fields, and stores nothing', async () => {
    const { world: w } = await till();
    await w.run(w.session.startRegistration({}));
    expect(await w.run(w.session.register(form({ email: 'ivan@@example' })))).toMatchObject({
      ok: false,
      problems: { email: expect.stringMatching(/^register\./) },
    });
    expect(await w.run(w.session.register(form({ birthday: '0000-01-01' })))).toMatchObject({ ok: false, problems: { birthday: 'register.badBirthday' } });
    expect(await w.run(w.session.register(form({ firstName: 'Анна\uD800' })))).toMatchObject({
      ok: false,
      problems: { firstName: 'register.invalid.firstName' },
    });
    expect(await w.db.outbox.count()).toBe(0);
    expect(w.state.mode).toBe('registering');
    // An emoji is a whole pair: accepted.
    expect(await w.run(w.session.register(form({ firstName: 'Ёжик 🦔', email: 'ezhik@example.ru', birthday: '1990-02-28' })))).toEqual({ ok: true });
    expect(w.state.sale.customer?.customer.firstName).toBe('Ёжик 🦔');
  });

  it('a registration the server refuses parks its sale; fixing the e-mail sends both', async () => {
    const { world: w } = await till();
    // As an older till would have stored it: an e-mail the server's schema refuses.
    const terminal = w.state.status!.terminal!;
    const catalogue = w.state.catalogue!;
    const phone = `+7916${String(3_000_000 + Math.floor(Math.random() * 6_000_000))}`;
    const { event: reg } = await registerCustomer(
      w.db,
      {
        storeId: terminal.storeId,
        regionId: terminal.regionId ?? 'none',
        timeZone: terminal.storeTimeZone,
        phoneKeyOf: async (e164: string) => (await phoneLookupKeys(terminal.phoneSecrets ?? [], e164))[0] ?? null,
        ...catalogue,
      },
      { ...form({ phone }), email: 'olga@example' },
      new Date(w.clock.now()),
    );
    expect(reg.email).toBe('olga@example');
    await scan(w, phone);
    expect(w.state.sale.customer?.customer.id).toBe(reg.customerId);
    await scan(w, demoProduct(50).ean);
    await w.run(w.session.openPay());
    const receipt = await w.run(w.session.payCash(w.state.sale.priced!.totals.payable));
    await w.tick(1_000);
    await w.waitFor(async () => (await w.db.outbox.where('status').equals('pending').count()) === 0, 'the push');
    const list = await w.session.rejected();
    expect(list.map((r) => [r.type, r.code, r.fix])).toEqual([
      ['registration', 'invalid_event', 'email'],
      ['sale', 'registration_rejected', null],
    ]);
    expect(w.state.sync.rejected).toBe(2);
    expect(await serverSale(receipt!.receiptId)).toBeNull();

    expect(await w.run(w.session.fixRejected(list[0]!.eventId, { email: 'olga@example.ru' }))).toEqual({ ok: true });
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'both sent');
    expect(await w.session.rejected()).toEqual([]);
    expect(await serverSale(receipt!.receiptId)).toEqual({ payable: receipt!.paid, paid: receipt!.paid });
    const [customer] = await server.db.query<{ email: string }>(
      'SELECT c.email FROM customers c JOIN customer_aliases a ON a.customer_id = c.id WHERE a.alias = $1',
      [reg.customerId],
    );
    expect(customer?.email).toBe('olga@example.ru');
  });
});

describe('till session: re-enrolment and returns', () => {
  it('carries unsent sales and the open basket over to the new enrolment, which sends them', async () => {
    const { world: w, credentials } = await till();
    w.host.serverDown = true;
    const receipts: string[] = [];
    for (const n of [60, 61]) {
      await w.tick(1_000);
      await scan(w, demoProduct(n).ean);
      await w.run(w.session.openPay());
      receipts.push((await w.run(w.session.payCash(w.state.sale.priced!.totals.payable)))!.receiptId);
    }
    await scan(w, demoProduct(62).ean);
    expect(await w.db.outbox.count()).toBe(2);
    const oldTerminal = w.state.status!.terminal!.terminalId;

    credentials.lose();
    w.host.serverDown = false;
    w.host.down(false);
    w.host.up();
    w.openPage();
    await w.settle();
    expect(w.state.phase).toBe('notEnrolled');
    await w.run(w.session.enrol(server.url, await server.enrolmentCode(), 'again'));
    expect(w.state.status!.terminal!.terminalId).not.toBe(oldTerminal);
    expect(w.state.carriedOver).toBe(2);
    expect(w.state.notice).toMatchObject({ key: 'reenrol.carried', params: { count: 2 } });
    expect(w.state.sale.items.map((i) => i.product.id)).toEqual(['p00062']);
    // The shift's receipts came too: a return can be made of them.
    expect((await w.db.journal.toArray()).map((j) => j.receiptId).sort()).toEqual([...receipts].sort());
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the carried events sent');
    for (const r of receipts) expect(await serverSale(r)).not.toBeNull();
  });

  it('a double click on "return" commits the return once and reports its refund', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(70).ean);
    await scan(w, demoProduct(70).ean);
    await w.run(w.session.openPay());
    const paid = await w.run(w.session.payCash(w.state.sale.priced!.totals.payable));
    const receipt = (await w.db.journal.get(paid!.receiptId))!;
    const lines = [{ lineId: receipt.event.sale.lines[0]!.lineId, quantityMilli: 1_000 }];
    const [a, b] = await Promise.all([w.session.commitReturn(receipt, lines), w.session.commitReturn(receipt, lines)]);
    const done = [a, b].filter((r) => r !== null);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ ok: true, refund: demoProduct(70).price });
    await w.settle();
    expect((await w.db.journal.get(paid!.receiptId))?.returns).toHaveLength(1);
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the return sent');
    const [row] = await server.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM receipt_returns r JOIN receipts s ON s.event_id = r.sale_event_id WHERE s.receipt_id = $1',
      [paid!.receiptId],
    );
    expect(row?.n).toBe(1);
  });
});

describe('till session: found by the model test', () => {
  it('a product scanned while a line void waits for the supervisor goes on the sale, with the host down too; it is no manager card', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(1).ean);
    w.host.down(false);
    // The customer saw the total (F9), then the cashier went back and removed the line: a supervisor is asked.
    w.session.key('F9');
    await w.settle();
    w.session.key('Escape');
    await w.settle();
    await w.run(w.session.changeQuantity(w.state.sale.items[0]!.lineId, 0));
    await w.settle();
    expect(w.state.desk.approval).toMatchObject({ action: 'voidLine' });
    await scan(w, demoProduct(289).ean);
    expect(w.state.sale.items.map((i) => i.product.id)).toEqual([demoProduct(1).id, demoProduct(289).id]);
    // The approval still waits for a manager's card or PIN, and no manager card was tried.
    expect(w.state.desk.approval).toMatchObject({ action: 'voidLine', error: null });
  });

  it('a weight typed into the weight entry left open under the cash payment is refused; the sale being paid keeps its lines', async () => {
    const { world: w } = await till();
    await scan(w, demoProduct(1).ean);
    // A weighed product scanned: its weight entry opens, and the cashier opens the payment instead.
    await scan(w, demoProduct(3).ean);
    expect(w.state.desk.weighing?.product.id).toBe(demoProduct(3).id);
    await w.run(w.session.openPay());
    expect(w.state.mode).toBe('payingCash');
    const lines = w.state.sale.items.map((i) => i.lineId);
    await w.run(w.session.enterWeight('0,5'));
    await w.run(w.session.weigh());
    await w.settle();
    expect(w.state.sale.items.map((i) => i.lineId)).toEqual(lines);
    expect(w.state.notice?.key).toBe('scan.refused.paymentInProgress');
  });
});
