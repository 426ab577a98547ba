import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealServer } from '../../../electron/host/testing/realServer';
import { TEST_ADMIN } from '../../../electron/host/testing/realServer';
import { tillsPerTest, startSessionServer } from '../../../electron/host/testing/tillHostProcess';
import { encodeScaleBarcode, ScaleBarcodeSettings } from '../../../core/scaleBarcode';
import { bankCardLookupKey } from '../../../core/lookupKey';
import { demoCardNumber, demoProduct } from '../../server/demoSeed';
import type { TillWorld } from './testing/tillWorld';

/**
 * The cashier's day at the sale screen (issue 15), against the real session, the real host
 * services and a real in-process server: search, quantities, weights, held sales, approvals.
 */

let server: RealServer;
const MANAGER_PIN = '482913';
beforeAll(async () => {
  server = await startSessionServer();
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/admin/stores/1/managers',
    headers: { authorization: `Bearer ${TEST_ADMIN}` },
    payload: { name: 'Ирина Петрова', pin: MANAGER_PIN, card: '99887766554433' },
  });
  expect(res.statusCode).toBeLessThan(300);
});
afterAll(() => server?.close());

const tillAndCredentials = tillsPerTest(() => server);
const till = async (): Promise<TillWorld> => (await tillAndCredentials()).world;

const YOGHURT = demoProduct(1);
const BREAD = demoProduct(2);
/** Demo product 3 is fruit: weighed, priced per kilogram. */
const FRUIT = demoProduct(3);

async function key(w: TillWorld, k: string, typing = false): Promise<boolean> {
  const used = w.session.key(k, { typing });
  await w.settle();
  return used;
}

async function scan(w: TillWorld, text: string): Promise<void> {
  await w.run(w.session.scan({ kind: 'text', text }));
  await w.settle();
}

const quantities = (w: TillWorld) => w.state.sale.items.map((i) => [i.product.name, i.quantityMilli]);

describe('sale desk: products', () => {
  it('Ctrl+F searches the cached catalogue by name offline, Enter adds the highlighted product', async () => {
    const w = await till();
    w.host.serverDown = true;
    expect(await key(w, 'Ctrl+F')).toBe(true);
    expect(w.state.desk.search).not.toBeNull();
    w.session.searchProducts(BREAD.name);
    const found = w.state.desk.search!.results.map((p) => p.name);
    expect(found).toContain(BREAD.name);
    // Arrow down until bread is highlighted, then Enter.
    while (w.state.desk.search!.results[w.state.desk.search!.selected]!.name !== BREAD.name) w.session.searchMove(1);
    await w.run(w.session.pickSearchResult());
    await w.settle();
    expect(w.state.desk.search).toBeNull();
    expect(quantities(w)).toEqual([[BREAD.name, 1_000]]);
  });

  it('a quantity typed before a scan (3*) or a code (2*code) sets the line; + and − change the selected line', async () => {
    const w = await till();
    expect(w.session.quantityPrefix('3*')).toBe(true);
    expect(w.state.desk.quantityPrefix).toBe(3_000);
    await scan(w, YOGHURT.ean);
    expect(quantities(w)).toEqual([[YOGHURT.name, 3_000]]);
    expect(w.state.desk.quantityPrefix).toBeNull();
    await w.run(w.session.addProduct(`2*${BREAD.ean}`));
    await w.settle();
    expect(quantities(w)).toEqual([
      [YOGHURT.name, 3_000],
      [BREAD.name, 2_000],
    ]);
    // Bread is selected (added last): + adds a piece; arrow up selects the yoghurt, − takes one.
    await key(w, '+');
    await key(w, 'ArrowUp');
    await key(w, '-');
    expect(quantities(w)).toEqual([
      [YOGHURT.name, 2_000],
      [BREAD.name, 3_000],
    ]);
    // − stops at one piece: removing a line is Delete.
    await key(w, '-');
    await key(w, '-');
    expect(quantities(w)[0]).toEqual([YOGHURT.name, 1_000]);
    // While the cashier types in a field, + belongs to the field.
    expect(await key(w, '+', true)).toBe(false);
    await key(w, 'Delete');
    expect(quantities(w)).toEqual([[BREAD.name, 3_000]]);
  });

  it('a 4* before a code the till does not know is dropped with the error: the next scan comes in once, not four times', async () => {
    const w = await till();
    expect(w.session.quantityPrefix('4*')).toBe(true);
    await scan(w, '4600050000195');
    expect(w.state.sale.error).toMatchObject({ kind: 'unknownProduct' });
    expect(w.state.desk.quantityPrefix).toBeNull();
    await scan(w, BREAD.ean);
    expect(quantities(w)).toEqual([[BREAD.name, 1_000]]);
  });

  it('a 4* before a scan the till refuses (under the weight dialog) goes with it: the next product comes in once', async () => {
    const w = await till();
    await scan(w, FRUIT.ean);
    expect(w.session.quantityPrefix('4*')).toBe(true);
    await scan(w, BREAD.ean);
    expect(w.state.notice?.key).toBe('scan.refused.weightFirst');
    expect(w.state.desk.quantityPrefix).toBeNull();
    await w.run(w.session.enterWeight('0,5'));
    await scan(w, BREAD.ean);
    expect(quantities(w)).toEqual([
      [FRUIT.name, 500],
      [BREAD.name, 1_000],
    ]);
  });

  it('refuses a fractional count of piece goods and a quantity with letters', async () => {
    const w = await till();
    await w.run(w.session.addProduct(`1,5*${YOGHURT.ean}`));
    await w.settle();
    expect(w.state.sale.items).toEqual([]);
    expect(w.state.notice?.key).toBe('desk.wholePieces');
    expect(w.session.quantityPrefix('x*')).toBe(false);
    expect(w.state.notice?.key).toBe('desk.badQuantity');
  });

  it('a product code typed in the customer field goes to the basket, not to a customer lookup', async () => {
    const w = await till();
    await w.run(w.session.identify(YOGHURT.ean));
    await w.settle();
    expect(quantities(w)).toEqual([[YOGHURT.name, 1_000]]);
    expect(w.state.sale.lookup).toBeNull();
    expect(w.state.focus?.target).toBe('product');
  });

  it('quick keys come from the catalogue; Alt+n adds that product', async () => {
    const w = await till();
    const bread = (await w.db.products.get(BREAD.id))!;
    await w.db.products.put({ ...bread, quickKey: 2 });
    await w.session.desk.catalogueLoaded();
    expect(w.state.desk.quickKeys.map((p) => p.id)).toEqual([BREAD.id]);
    expect(await key(w, 'Alt+2')).toBe(true);
    expect(await key(w, 'Alt+1')).toBe(true);
    expect(quantities(w)).toEqual([[BREAD.name, 1_000]]);
  });
});

describe('sale desk: weighed goods', () => {
  it('a weighed product asks for its weight: typed kilograms with 3 decimals make the line', async () => {
    const w = await till();
    await scan(w, FRUIT.ean);
    expect(w.state.desk.weighing?.product.id).toBe(FRUIT.id);
    expect(w.state.sale.items).toEqual([]);
    // F9 cannot open the payment under the weight dialog, nor does another product land behind it.
    expect(await key(w, 'F9')).toBe(false);
    await scan(w, BREAD.ean);
    expect(w.state.notice?.key).toBe('scan.refused.weightFirst');
    expect(w.state.sale.items).toEqual([]);
    expect(w.state.desk.weighing?.product.id).toBe(FRUIT.id);
    await w.run(w.session.enterWeight('0,4567'));
    expect(w.state.desk.weighing?.error).toBe('desk.badWeight');
    await w.run(w.session.enterWeight('0,456'));
    await w.settle();
    expect(quantities(w)).toEqual([[FRUIT.name, 456]]);
    expect(w.state.sale.priced!.lines[0]!.net).toBe(Math.round((FRUIT.price * 456) / 1000) - w.state.sale.priced!.lines[0]!.discount);
  });

  it('Ctrl+G reads the serial scale through the host; a scale that is away or empty is said so', async () => {
    const w = await till();
    await scan(w, FRUIT.ean);
    await key(w, 'Ctrl+G');
    expect(w.state.desk.weighing?.error).toBe('desk.scale.offline');
    w.host.scale = { code: 'unstable' };
    await key(w, 'Ctrl+G');
    expect(w.state.desk.weighing?.error).toBe('desk.scale.unstable');
    w.host.scale = { grams: 0 };
    await key(w, 'Ctrl+G');
    expect(w.state.desk.weighing?.error).toBe('desk.scale.empty');
    w.host.scale = { grams: 1_234 };
    await key(w, 'Ctrl+G');
    expect(w.state.desk.weighing).toBeNull();
    expect(quantities(w)).toEqual([[FRUIT.name, 1_234]]);
  });

  it('a scale label (per chain settings) becomes a weighed line of the grams it carries', async () => {
    const t = await tillAndCredentials();
    const w = t.world;
    const settings = ScaleBarcodeSettings.parse({ prefixes: { '22': { kind: 'weight', itemDigits: 5, valueDigits: 5 } } });
    const stored = (await t.credentials.load())!;
    await t.credentials.save({ ...stored, terminal: { ...stored.terminal, scaleBarcodes: settings } });
    w.openPage();
    await w.settle();
    await scan(w, encodeScaleBarcode(settings, '22', FRUIT.id.slice(1), 876));
    expect(quantities(w)).toEqual([[FRUIT.name, 876]]);
    expect(w.state.desk.weighing).toBeNull();
    // A label for goods sold by the piece is refused with a message, never sold by weight.
    await scan(w, encodeScaleBarcode(settings, '22', YOGHURT.id.slice(1), 500));
    expect(w.state.notice?.key).toBe('desk.labelNotWeighed');
    expect(quantities(w)).toHaveLength(1);
  });

  it('a weight typed before the code (1,250*) skips the dialog', async () => {
    const w = await till();
    await w.run(w.session.addProduct(`1,250*${FRUIT.ean}`));
    await w.settle();
    expect(w.state.desk.weighing).toBeNull();
    expect(quantities(w)).toEqual([[FRUIT.name, 1_250]]);
  });
});

describe('sale desk: held sales', () => {
  it('after Ctrl+H and after resuming a held sale the cursor is in the product field, ready for a typed code', async () => {
    const w = await till();
    await scan(w, YOGHURT.ean);
    const seq = w.state.focus?.seq ?? 0;
    await key(w, 'Ctrl+H');
    expect(w.state.focus).toMatchObject({ target: 'product', seq: seq + 1 });
    await key(w, 'Ctrl+O');
    await w.run(w.session.resumeHeld(w.state.desk.held[0]!.id));
    await w.settle();
    expect(w.state.desk.heldOpen).toBe(false);
    expect(w.state.focus).toMatchObject({ target: 'product', seq: seq + 2 });
    // "Held receipts: 1" beside the list's own (0) would contradict it.
    expect(w.state.notice?.key).not.toBe('desk.held');
  });

  it('Ctrl+H puts the sale aside, the next customer is served, Ctrl+O resumes it; held sales survive a reload', async () => {
    const w = await till();
    await scan(w, YOGHURT.ean);
    await scan(w, BREAD.ean);
    await key(w, 'Ctrl+H');
    expect(w.state.sale.items).toEqual([]);
    expect(w.state.desk.held).toHaveLength(1);
    expect(w.state.desk.held[0]!.lines).toBe(2);
    // The next customer buys bread and pays cash.
    await scan(w, BREAD.ean);
    await key(w, 'Ctrl+O');
    await w.run(w.session.resumeHeld(w.state.desk.held[0]!.id));
    await w.settle();
    expect(w.state.notice?.key).toBe('desk.resumeNotEmpty');
    await key(w, 'Escape'); // closes the list
    expect(w.state.desk.heldOpen).toBe(false);
    await key(w, 'F9');
    await w.run(w.session.payCash(w.state.sale.priced!.totals.payable));
    await w.settle();
    expect(w.state.receipt).not.toBeNull();

    w.openPage();
    await w.settle();
    expect(w.state.desk.held).toHaveLength(1);
    await w.run(w.session.resumeHeld(w.state.desk.held[0]!.id));
    await w.settle();
    expect(quantities(w)).toEqual([
      [YOGHURT.name, 1_000],
      [BREAD.name, 1_000],
    ]);
    expect(w.state.desk.held).toHaveLength(0);
    // Resumed, it is the open sale again: durable in the draft like any other.
    expect((await w.db.draft.get('current'))?.items).toHaveLength(2);
  });

  it('F6 mid-sale asks first; at shift close the held sales left are asked about and deleted only on Enter', async () => {
    const w = await till();
    await scan(w, YOGHURT.ean);
    await key(w, 'F6');
    expect(w.state.desk.confirm).toEqual({ kind: 'changeCashierMidSale' });
    await key(w, 'Escape');
    expect(w.state.desk.confirm).toBeNull();
    expect(w.state.sale.items).toHaveLength(1);
    await key(w, 'F6');
    await key(w, 'Enter');
    // Held, then the shift-close question about what is held.
    expect(w.state.sale.items).toEqual([]);
    expect(w.state.desk.confirm).toEqual({ kind: 'heldAtShiftClose', count: 1 });
    await key(w, 'Escape');
    expect(await w.db.held.count()).toBe(1);
    await key(w, 'F6');
    expect(w.state.desk.confirm).toEqual({ kind: 'heldAtShiftClose', count: 1 });
    await key(w, 'Enter');
    expect(await w.db.held.count()).toBe(0);
    expect(w.state.notice?.key).toBe('desk.heldDiscarded');
  });
});

describe('bank card before payment (issue 15)', () => {
  it('a bank card swiped on a keyboard-wedge reader identifies its holder before the charge, so bonuses can be spent', async () => {
    const w = await till();
    const PAN = '4111111111111111';
    const secret = w.state.status!.terminal!.lookupSecret;
    const tokenHash = await bankCardLookupKey(secret, PAN);
    // The customer's bank card gets linked the ordinary way: a card sale, then the link offer.
    w.host.terminal.card = { tokenHash, last4: '1111' };
    await scan(w, demoCardNumber(7));
    await scan(w, YOGHURT.ean);
    await key(w, 'F10');
    await w.settle();
    expect(w.state.receipt?.linkOffer).not.toBeNull();
    await w.run(w.session.linkCard());
    await w.settle();
    await key(w, 'Enter');
    expect(w.state.sale.customer).toBeNull();

    await scan(w, BREAD.ean);
    await w.run(w.session.wedge(`;${PAN}=29121010000?`));
    await w.settle();
    expect(w.state.sale.customer?.customer.id).toBe('7');
    expect(w.state.sale.customer?.via).toBe('bank');
    expect(w.state.sale.priced!.maxRedeemable).toBeGreaterThan(0);
    // The card's number is nowhere in what the till keeps.
    expect(JSON.stringify(await w.db.draft.toArray())).not.toContain(PAN);
  });

  it('Ctrl+B reads the bank card on the payment terminal before the charge and identifies its holder; a refusal is said', async () => {
    const w = await till();
    const tokenHash = await bankCardLookupKey(w.state.status!.terminal!.lookupSecret, '5555555555554444');
    w.host.terminal.card = { tokenHash, last4: '4444' };
    // Linked the ordinary way first: a card sale, then the link offer.
    await scan(w, demoCardNumber(9));
    await scan(w, YOGHURT.ean);
    await key(w, 'F10');
    await w.settle();
    await w.run(w.session.linkCard());
    await w.settle();
    await key(w, 'Enter');
    const charges = w.host.terminal.charges.length;

    await scan(w, BREAD.ean);
    w.host.terminal.cardReadRefusal = 'cancelled';
    expect(await key(w, 'Ctrl+B')).toBe(true);
    await w.settle();
    expect(w.state.notice).toMatchObject({ key: 'desk.cardRead.failed', params: { reason: 'cancelled' } });
    expect(w.state.sale.customer).toBeNull();
    w.host.terminal.cardReadRefusal = null;
    await key(w, 'Ctrl+B');
    await w.settle();
    expect(w.state.sale.customer?.customer.id).toBe('9');
    expect(w.state.sale.customer?.via).toBe('bank');
    expect(w.state.sale.priced!.maxRedeemable).toBeGreaterThan(0);
    // Nothing was charged by reading the card.
    expect(w.host.terminal.charges).toHaveLength(charges);
  });
});

describe('sale desk: supervisor approval', () => {
  it('an approval waiting when head office revokes the till goes with it: nothing approved, nothing journaled, no dialog under the setup screen', async () => {
    const w = await till();
    await scan(w, YOGHURT.ean);
    await scan(w, BREAD.ean);
    await key(w, 'F9');
    await key(w, 'Escape');
    await key(w, 'Delete');
    expect(w.state.desk.approval?.action).toBe('voidLine');
    await server.revoke(w.state.status!.terminal!.terminalId);
    // The manager's PIN goes to the server, which no longer knows the till.
    await w.run(w.session.approve({ pin: MANAGER_PIN }));
    await w.settle();
    expect({ phase: w.state.phase, mode: w.state.mode }).toEqual({ phase: 'notEnrolled', mode: 'setup' });
    expect(w.state.desk.approval).toBeNull();
    expect(quantities(w)).toHaveLength(2);
    expect(await w.db.approvals.count()).toBe(0);
  });

  it('voiding a line after the total was shown needs the manager PIN and is journaled with who approved', async () => {
    const w = await till();
    await scan(w, YOGHURT.ean);
    await scan(w, BREAD.ean);
    // Before the total: a line goes without asking.
    await key(w, 'Delete');
    expect(quantities(w)).toEqual([[YOGHURT.name, 1_000]]);
    await scan(w, BREAD.ean);
    await key(w, 'F9');
    await key(w, 'Escape');
    await key(w, 'Delete');
    expect(w.state.desk.approval?.action).toBe('voidLine');
    expect(quantities(w)).toHaveLength(2);
    await w.run(w.session.approve({ pin: '000000' }));
    expect(w.state.desk.approval?.error).toBe('desk.approval.refused');
    expect(quantities(w)).toHaveLength(2);
    await w.run(w.session.approve({ pin: MANAGER_PIN }));
    await w.settle();
    expect(w.state.desk.approval).toBeNull();
    expect(quantities(w)).toEqual([[YOGHURT.name, 1_000]]);
    const journal = await w.db.approvals.toArray();
    expect(journal).toEqual([expect.objectContaining({ action: 'voidLine', managerName: 'Ирина Петрова', productId: BREAD.id, after: 0 })]);
  });

  it('a price by hand and a discount by hand wait for the supervisor (a manager card works too)', async () => {
    const w = await till();
    await scan(w, YOGHURT.ean);
    await key(w, 'Ctrl+P');
    expect(w.state.desk.priceEdit?.kind).toBe('price');
    await w.run(w.session.submitPriceEdit('10,50'));
    expect(w.state.desk.approval).toMatchObject({ action: 'priceChange', priceKopecks: 1_050 });
    expect(w.state.sale.items[0]!.manualPriceKopecks).toBeUndefined();
    await scan(w, '99887766554433');
    await w.settle();
    expect(w.state.desk.approval).toBeNull();
    expect(w.state.sale.items[0]!.manualPriceKopecks).toBe(1_050);
    expect(w.state.sale.priced!.totals.subtotal).toBe(1_050);

    await key(w, 'Ctrl+D');
    await w.run(w.session.submitPriceEdit('abc'));
    expect(w.state.notice?.key).toBe('desk.badPercent');
    await key(w, 'Ctrl+D');
    await w.run(w.session.submitPriceEdit('10'));
    await w.run(w.session.approve({ pin: MANAGER_PIN }));
    await w.settle();
    expect(w.state.sale.items[0]!.manualPriceKopecks).toBe(Math.round((YOGHURT.price * 90) / 100));
    expect((await w.db.approvals.toArray()).map((a) => a.action).sort()).toEqual(['manualDiscount', 'priceChange']);
  });

  it('with the server away nobody can be checked: nothing changes', async () => {
    const w = await till();
    await scan(w, YOGHURT.ean);
    await key(w, 'Ctrl+P');
    await w.run(w.session.submitPriceEdit('1'));
    w.host.serverDown = true;
    await w.run(w.session.approve({ pin: MANAGER_PIN }));
    expect(w.state.desk.approval?.error).toBe('desk.approval.offline');
    expect(w.state.sale.items[0]!.manualPriceKopecks).toBeUndefined();
  });
});

describe('sale desk: approvals reach head office; a return without a receipt', () => {
  const serverApprovals = async (eventId?: string) =>
    server.db.query<{ action: string; manager_name: string; manager_id: string | null; after_kopecks: string | number; lines: unknown }>(
      'SELECT action, manager_name, manager_id::text, after_kopecks, lines FROM approvals WHERE $1::uuid IS NULL OR event_id = $1::uuid',
      [eventId ?? null],
    );

  it('an approval is journaled and queued in one go, and the server records it once with who approved', async () => {
    const w = await till();
    await scan(w, YOGHURT.ean);
    await key(w, 'Ctrl+P');
    await w.run(w.session.submitPriceEdit('10,50'));
    await w.run(w.session.approve({ pin: MANAGER_PIN }));
    await w.settle();
    const [journaled] = await w.db.approvals.toArray();
    expect(journaled).toMatchObject({ action: 'priceChange', managerName: 'Ирина Петрова', after: 1_050 });
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the approval sent');
    expect(await serverApprovals(journaled!.id)).toEqual([
      expect.objectContaining({ action: 'priceChange', manager_name: 'Ирина Петрова', manager_id: journaled!.managerId }),
    ]);
  });

  it('needs a manager: Esc or a wrong PIN records nothing; the PIN makes the cash refund, recorded with who approved', async () => {
    const w = await till();
    const bread = (await w.db.products.get(BREAD.id))!;
    const fruit = (await w.db.products.get(FRUIT.id))!;
    await key(w, 'F3');
    expect(w.state.mode).toBe('returning');
    const lines = [
      { product: bread, quantityMilli: 2_000 },
      { product: fruit, quantityMilli: 1_250 },
    ];
    const refund = bread.priceKopecks * 2 + Math.round((fruit.priceKopecks * 1_250) / 1000);

    // Esc closes the approval only (the return screen stays); nothing is recorded.
    const cancelled = w.session.returnWithoutReceipt(lines);
    await w.settle();
    expect(w.state.desk.approval).toMatchObject({ action: 'returnNoReceipt', refundKopecks: refund });
    expect(await key(w, 'F9')).toBe(false);
    await key(w, 'Escape');
    expect(await cancelled).toBeNull();
    expect(w.state.mode).toBe('returning');
    expect(w.state.desk.approval).toBeNull();

    const outcome = w.session.returnWithoutReceipt(lines);
    await w.settle();
    await w.run(w.session.approve({ pin: '000000' }));
    expect(w.state.desk.approval?.error).toBe('desk.approval.refused');
    expect(await w.db.approvals.count()).toBe(0);
    // The manager's card works as their PIN does.
    await scan(w, '99887766554433');
    expect(await outcome).toEqual({ ok: true, refund, managerName: 'Ирина Петрова' });
    expect(w.state.desk.approval).toBeNull();
    const [made] = await w.db.approvals.toArray();
    expect(made).toMatchObject({ action: 'returnNoReceipt', before: 0, after: refund, managerName: 'Ирина Петрова' });
    expect((await w.db.tally.get(made!.id))?.figures).toEqual({ returns: 1, refundKopecks: refund });
    await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the return sent');
    const [row] = await serverApprovals(made!.id);
    expect(row).toMatchObject({ action: 'returnNoReceipt', manager_name: 'Ирина Петрова', manager_id: made!.managerId });
    expect(Number(row!.after_kopecks)).toBe(refund);
    expect(typeof row!.lines === 'string' ? JSON.parse(row!.lines) : row!.lines).toEqual([
      { productId: BREAD.id, quantityMilli: 2_000, priceKopecks: bread.priceKopecks },
      { productId: FRUIT.id, quantityMilli: 1_250, priceKopecks: fruit.priceKopecks },
    ]);
  });

  it('quick keys and scale labels set by head office reach an open till with its next pull, no restart', async () => {
    const w = await till();
    const put = (payload: object) =>
      server.app.inject({ method: 'PUT', url: '/api/v1/admin/chains/1/desk-settings', headers: { authorization: `Bearer ${TEST_ADMIN}` }, payload });
    const scale = { prefixes: { '24': { kind: 'weight', itemDigits: 5, valueDigits: 5 } } };
    try {
      const res = await put({ quickKeys: [{ key: 4, productId: BREAD.id }], scaleBarcodes: scale });
      expect(res.statusCode, res.body).toBe(200);
      await w.waitFor(() => w.state.desk.quickKeys.some((p) => p.quickKey === 4), 'the desk settings pulled');
      expect(w.state.desk.quickKeys.map((p) => [p.id, p.quickKey])).toEqual([[BREAD.id, 4]]);
      expect(await w.db.desk.get('current')).toMatchObject({ settings: { quickKeys: [{ key: 4, productId: BREAD.id }] } });
      expect(await key(w, 'Alt+4')).toBe(true);
      await scan(w, encodeScaleBarcode(ScaleBarcodeSettings.parse(scale), '24', FRUIT.id.slice(1), 640));
      expect(quantities(w)).toEqual([
        [BREAD.name, 1_000],
        [FRUIT.name, 640],
      ]);
    } finally {
      expect((await put({})).statusCode).toBe(200);
    }
    // Settings left empty: the catalogue's own quick keys again.
    await w.waitFor(() => !w.state.desk.quickKeys.some((p) => p.quickKey === 4), 'the desk settings cleared');
  });
});
