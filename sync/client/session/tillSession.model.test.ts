import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '../../../core/luhn';
import { TEST_ADMIN, type RealServer } from '../../../electron/host/testing/realServer';
import { MemoryCredentials, startSessionServer, tillHostProcess } from '../../../electron/host/testing/tillHostProcess';
import { demoCardNumber, demoPhone, demoProduct } from '../../server/demoSeed';
import { line, sale } from '../../server/testing/events';
import type { ReceiptRecord } from '../records';
import type { RegistrationForm } from '../registration';
import type { BankCard, TerminalPlan } from './testing/fakeHost';
import { TillWorld } from './testing/tillWorld';
import { deskLayer } from './deskState';
import { isPaying, OVERLAY_MODES, type TillMode } from './tillMode';
import { phoneSpendAllowance } from '../../protocol/phoneCodes';
import type { TillState } from './tillState';

/**
 * The model test of issue 12: random sequences of what a cashier, a customer, the devices, the
 * host and the network can do, against the real TillSession, the real host services and a real
 * in-process server. After every step the session is let settle and the invariants are checked:
 * - every approved card payment has exactly one committed sale whose total is the amount charged,
 *   and every committed sale was paid (cash handed over or a card approved);
 * - the basket and customer shown are what the durable draft holds;
 * - the customer panel is the sale's customer;
 * - while a payment is in progress nothing the cashier does changes the basket, customer or redemption;
 * - each step changes the sale only in the way its action may (a scan adds one product, Esc on
 *   the payment dialog keeps the customer, F11/F12 and back keep everything, a reload restores it);
 * - the sale desk (issue 15): a search (Ctrl+F, the name, Enter) or a quick key (Alt+n) adds exactly one
 *   of the chosen product; a void after the total, a price or a discount by hand is applied only with the
 *   manager's PIN or card, to its line only, and journaled once with who approved; Esc, a wrong PIN or no
 *   server change nothing; a return without a receipt refunds once when approved and nothing when not.
 * After each run the till is brought back online and drained: the server must hold each committed
 * sale exactly once with the till's total, every approval exactly once with who approved, and nothing may be refused.
 *
 * LT_MODEL_STEPS=N runs about N steps (default 2500: thousands in CI, about a minute); LT_MODEL_SEED=s replays a seed (fast-check
 * prints it with the failing sequence); LT_MODEL_SHRINK=1 shrinks a failure to a shorter sequence;
 * LT_MODEL_MODES=1 adds the modes the till was in before each step to the printed counts; LT_MODEL_PATH=p with
 * the seed replays one failing run; LT_MODEL_DESK=0 leaves the desk flows out (the mix the CI replays were found with).
 */

const STEPS = Number(process.env.LT_MODEL_STEPS ?? 2_500);
const PER_RUN = Number(process.env.LT_MODEL_PER_RUN ?? 60);
// CI replays one seed, so a red build is a regression and not the luck of the draw; LT_MODEL_SEED=random
// explores new sequences (some still fail: see the open issues' notes for the sequences known today).
const CI_SEED = 3;
/**
 * Runs that failed once (seed and path as fast-check printed them), replayed in CI after the CI
 * seed, a few seconds each: 36 a `4*` carried onto a later scan; 34 F6 then Enter holding the sale;
 * 15, 20, 26 a registration naming a known phone (the phone-code rules).
 */
const CI_REPLAYS: readonly { seed: number; path: string }[] = [
  { seed: 36, path: '72' },
  { seed: 34, path: '69' },
  { seed: 15, path: '36' },
  { seed: 20, path: '24' },
  { seed: 26, path: '70' },
  // A line voided in an empty basket asked the manager; a phone typed as the revocation landed changed the held sale.
  { seed: 27, path: '20' },
  { seed: 27, path: '25' },
  // A 4* typed for a scan refused under the weight dialog came in on the next quick key.
  { seed: -1285547359, path: '9' },
];
const SEED =
  process.env.LT_MODEL_SEED === 'random' ? undefined : process.env.LT_MODEL_SEED ? Number(process.env.LT_MODEL_SEED) : process.env.CI ? CI_SEED : undefined;
const SEEDED_CUSTOMERS = 50;

let server: RealServer;
beforeAll(async () => {
  server = await startSessionServer(SEEDED_CUSTOMERS);
  // A manager of the store approves at the till; head office puts unbarcoded goods on quick keys.
  const manager = await server.app.inject({
    method: 'POST',
    url: '/api/v1/admin/stores/1/managers',
    headers: { authorization: `Bearer ${TEST_ADMIN}` },
    payload: MANAGER,
  });
  expect(manager.statusCode, manager.body).toBeLessThan(300);
  const keys = await server.app.inject({
    method: 'PUT',
    url: '/api/v1/admin/chains/1/desk-settings',
    headers: { authorization: `Bearer ${TEST_ADMIN}` },
    payload: { quickKeys: QUICK_KEYS.map((q) => ({ key: q.key, productId: demoProduct(q.n).id })) },
  });
  expect(keys.statusCode, keys.body).toBe(200);
});
afterAll(() => server?.close());

// ---------------------------------------------------------------------------------------------
// The real system and what the test knows beside it

interface Real {
  w: TillWorld;
  credentials: MemoryCredentials;
  /** Cash receipts the till handed back: receipt id -> amount paid. */
  cash: Map<string, number>;
  steps: number;
  trail: string[];
  counts: Map<string, number>;
  /** Intents that failed (rejected promises) where nobody awaited them. */
  errors: unknown[];
  /** Customers another till sold to (spending their bonuses), and this till's sales the server refused for it. */
  otherTillCustomers: Set<string>;
  refusedForOtherTill: number;
  refusedLinks: number;
  /** The sale as last shown while the till was ready: it must come back when the till does. */
  lastShown: { items: string[]; customerId: string | null; journal: number } | null;
}

interface Model {
  real: Real | null;
}

interface Snapshot {
  mode: TillMode;
  phase: TillState['phase'];
  items: string[];
  qty: Map<string, number>;
  customerId: string | null;
  redeem: number;
  paymentId: string | null;
  journal: number;
  receipt: boolean;
}

function snapshot(r: Real, journal: number): Snapshot {
  const s = r.w.state;
  const qty = new Map<string, number>();
  for (const i of s.sale.items) qty.set(i.product.id, (qty.get(i.product.id) ?? 0) + i.quantityMilli);
  return {
    mode: s.mode,
    phase: s.phase,
    items: s.sale.items.map((i) => `${i.lineId}:${i.product.id}:${i.quantityMilli}`),
    qty,
    customerId: s.sale.customer?.customer.id ?? null,
    redeem: s.sale.redeem,
    paymentId: s.sale.payment?.receiptId ?? null,
    journal,
    receipt: s.receipt !== null,
  };
}

const BANK_CARDS: BankCard[] = [
  { tokenHash: 'bank-token-hash-aaaaaaaaaaaa', last4: '1111' },
  { tokenHash: 'bank-token-hash-bbbbbbbbbbbb', last4: '2222' },
  { tokenHash: 'bank-token-hash-cccccccccccc', last4: '3333' },
];

const ean13 = (body12: string) => `${body12}${gtinCheckDigit(body12)}`;

/** What a step is allowed to do to the sale; anything else it does is a defect. */
interface Allowed {
  /** A product whose quantity may grow by one piece (or one weighed line). */
  add?: string;
  /** Lines the cashier edited. */
  edit?: boolean;
  customer?: boolean;
  redeem?: boolean;
  /** A sale may be committed (the basket then empties). */
  commit?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Invariants

async function checkInvariants(r: Real, step: string, before: Snapshot, allowed: Allowed, final = false): Promise<void> {
  const w = r.w;
  const ctx = () => `after step ${r.steps + 1} "${step}"\n  trail: ${r.trail.slice(-25).join(' | ')}`;
  expect(w.startError, `the page failed to start ${ctx()}`).toBeNull();
  // What the screen shows and what IndexedDB holds, read together: work started in the background
  // (a pull bringing the catalogue finishes an approved card sale) may change both meanwhile.
  let s = w.state;
  let journals = await w.journals();
  let draft = w.session.database ? await w.db.draft.get('current') : undefined;
  // A till that is not open (host down at start, not enrolled) still holds its sale in IndexedDB.
  let drafts = await w.drafts();
  for (let i = 0; i < 20 && w.state !== s; i++) {
    await w.settle();
    s = w.state;
    journals = await w.journals();
    draft = w.session.database ? await w.db.draft.get('current') : undefined;
    drafts = await w.drafts();
  }
  const after = snapshot(r, journals.size);

  // Every approved charge has one committed sale of its amount, or is still the open sale's payment.
  const byReceipt = new Map<string, ReceiptRecord[]>();
  for (const j of journals.values()) byReceipt.set(j.receiptId, [...(byReceipt.get(j.receiptId) ?? []), j]);
  for (const c of w.host.terminal.charges.filter((c) => c.approved)) {
    const sales = byReceipt.get(c.receiptId) ?? [];
    const open = s.sale.payment?.receiptId === c.receiptId || drafts.some((d) => d.payment?.receiptId === c.receiptId);
    if (sales.length === 0) {
      expect(
        open && !final,
        `card charged ${c.amountKopecks} for ${c.receiptId} but no sale was committed${final ? '' : ' and the till no longer holds it'} ${ctx()}`,
      ).toBe(true);
      continue;
    }
    expect(sales.length, `card payment ${c.receiptId} committed ${sales.length} times ${ctx()}`).toBe(1);
    const e = sales[0]!.event;
    expect({ method: e.payment.method, paid: e.payment.amountKopecks, total: e.totals.payable }, `sale ${c.receiptId} against its charge ${ctx()}`).toEqual({
      method: 'card',
      paid: c.amountKopecks,
      total: c.amountKopecks,
    });
  }
  for (const [receiptId, sales] of byReceipt) {
    expect(sales.length, `receipt ${receiptId} committed twice ${ctx()}`).toBe(1);
    const e = sales[0]!.event;
    if (e.payment.method === 'card') {
      expect(w.host.terminal.charged(receiptId), `a card sale ${receiptId} that no approved charge paid ${ctx()}`).toBeDefined();
    } else {
      expect(r.cash.get(receiptId), `a cash sale ${receiptId} the cashier never saw complete ${ctx()}`).toBe(e.totals.payable);
    }
  }
  for (const [receiptId, paid] of r.cash) expect(byReceipt.get(receiptId)?.[0]?.event.totals.payable, `cash receipt ${receiptId} ${ctx()}`).toBe(paid);
  expect(w.host.terminal.askedTwice, `the terminal was asked twice for one receipt ${ctx()}`).toEqual([]);

  if (s.phase === 'ready' && w.session.database) {
    // The basket shown is the draft stored.
    const shown = {
      items: s.sale.items.map((i) => [i.lineId, i.product.id, i.quantityMilli]),
      customer: s.sale.customer?.customer.id ?? null,
      redeem: s.sale.redeem,
      payment: s.sale.payment?.receiptId ?? null,
    };
    const stored = draft
      ? {
          items: draft.items.map((i) => [i.lineId, i.product.id, i.quantityMilli]),
          customer: draft.customer?.customer.id ?? null,
          redeem: draft.redeem,
          payment: draft.payment?.receiptId ?? null,
        }
      : { items: [], customer: null, redeem: 0, payment: null };
    const detail = () =>
      JSON.stringify({
        mode: s.mode,
        payment: s.sale.payment,
        unresolved: s.sale.unresolvedPayment,
        error: s.sale.error,
        notice: s.notice?.key,
        fiscal: s.sale.fiscal ?? null,
        committed: byReceipt.has(s.sale.payment?.receiptId ?? ''),
        drafts: drafts.map((d) => d.payment?.receiptId ?? d.items.length),
        catalogue: s.catalogue !== null,
      });
    expect(shown, `the basket shown is not the draft stored (${detail()}) ${ctx()}`).toEqual(stored);
    // The customer panel is the sale's customer.
    if (s.sale.customer && s.catalogue) expect(s.sale.panel?.customerId, `customer panel ${ctx()}`).toBe(s.sale.customer.customer.id);
    if (!s.sale.customer) expect(s.sale.panel, `a customer panel without a customer ${ctx()}`).toBeNull();
    if (isPaying(s.mode)) {
      expect(s.sale.items.length, `paying for an empty sale ${ctx()}`).toBeGreaterThan(0);
    }
  }

  expect(r.errors, `an intent failed ${ctx()}`).toEqual([]);

  // A till that was not showing the sale (host down at start, revoked, not enrolled) shows it again when it is back.
  const committed = after.journal > before.journal;
  if (s.phase === 'ready') {
    const last = r.lastShown;
    if (last && before.phase !== 'ready' && after.journal === last.journal) {
      expect({ items: after.items, customer: after.customerId }, `the sale when the till is back ${ctx()}`).toEqual({
        items: last.items,
        customer: last.customerId,
      });
    }
    r.lastShown = { items: after.items, customerId: after.customerId, journal: after.journal };
  } else if (before.phase === 'ready') {
    // The till went away in this step (revoked, credential lost): it must come back with the sale
    // as stored when it went (the step may have changed it legitimately on its way out).
    const newest = [...drafts].sort((a, b) => b.updatedAt - a.updatedAt)[0];
    const last = draft ?? newest;
    r.lastShown = {
      items: last?.items.map((i) => `${i.lineId}:${i.product.id}:${i.quantityMilli}`) ?? [],
      customerId: last?.customer?.customer.id ?? null,
      journal: after.journal,
    };
  }
  if (before.phase !== 'ready' || s.phase !== 'ready') return;

  // The step changed the sale only as its action may.
  if (isPaying(before.mode) && committed && !allowed.commit) {
    // Finished in the background (the catalogue a card sale waited for arrived): only the sale being paid.
    expect(before.paymentId !== null && byReceipt.has(before.paymentId), `a sale committed during another's payment ${ctx()}`).toBe(true);
  } else if (isPaying(before.mode) && !allowed.commit) {
    expect({ items: after.items, customer: after.customerId, redeem: after.redeem }, `the sale changed during a payment ${ctx()}`).toEqual({
      items: before.items,
      customer: before.customerId,
      redeem: before.redeem,
    });
  }
  if (committed) {
    expect(allowed.commit || isPaying(before.mode), `a sale was committed by a step that cannot pay ${ctx()}`).toBe(true);
  } else if (!allowed.edit) {
    // Lines are kept, in order; at most one product grows by one piece (or gets one weighed line).
    const grown = [...after.qty].filter(([id, q]) => q !== (before.qty.get(id) ?? 0));
    const lost = before.items.filter((l) => !after.items.includes(l) && !grown.some(([id]) => l.split(':')[1] === id));
    expect(lost, `basket lines lost ${ctx()}`).toEqual([]);
    if (allowed.add) {
      expect(
        grown.every(([id, q]) => id === allowed.add && q === (before.qty.get(id) ?? 0) + 1_000),
        `the scan changed more than one piece ${ctx()}`,
      ).toBe(true);
    } else {
      expect(after.items, `the basket changed ${ctx()}`).toEqual(before.items);
    }
  }
  if (!committed && !allowed.customer) expect(after.customerId, `the customer changed ${ctx()}`).toBe(before.customerId);
  if (!committed && !allowed.customer && !allowed.redeem && after.customerId === before.customerId && after.items.length > 0) {
    expect(after.redeem, `the redemption changed ${ctx()}`).toBe(before.redeem);
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

type Body = (r: Real, before: Snapshot) => Promise<Allowed | void>;

function command(name: string, body: Body, when: (r: Real) => boolean = () => true): fc.AsyncCommand<Model, Real> {
  return {
    check: (m) => m.real !== null && when(m.real),
    async run(_m, r) {
      r.trail.push(name);
      r.counts.set(name.split(' ')[0]!, (r.counts.get(name.split(' ')[0]!) ?? 0) + 1);
      // Time moves on between any two things a cashier does; receipt numbers are made of it.
      await r.w.clock.advance(1_000);
      await r.w.settle();
      const before = snapshot(r, (await r.w.journals()).size);
      if (process.env.LT_MODEL_MODES)
        r.counts.set(
          `mode:${before.mode}${before.items.length ? '+items' : ''}`,
          (r.counts.get(`mode:${before.mode}${before.items.length ? '+items' : ''}`) ?? 0) + 1,
        );
      const allowed = (await body(r, before)) ?? {};
      await r.w.settle();
      await checkInvariants(r, name, before, allowed);
      r.steps++;
    },
    toString: () => name,
  };
}

const hanging = (r: Real) => r.w.host.terminal.hanging !== null;
const ready = (r: Real) => r.w.state.phase === 'ready';
/** The sale screens are up: what the cashier clicks or types into exists (keys and scanners work everywhere). */
const onScreen = (r: Real) => ready(r) && r.w.state.mode !== 'setup' && r.w.state.mode !== 'signIn';
const screen = (arb: fc.Arbitrary<fc.AsyncCommand<Model, Real>>): fc.Arbitrary<fc.AsyncCommand<Model, Real>> =>
  arb.map((c) => ({
    check: (m: Model) => c.check(m) && m.real !== null && onScreen(m.real),
    run: (m: Model, r: Real) => c.run(m, r),
    toString: () => c.toString(),
  }));
const sellingModes: TillMode[] = ['selling', 'history', 'registering'];

async function cacheComplete(r: Real): Promise<boolean> {
  const db = r.w.session.database;
  return db ? ((await db.cacheMeta.get('cache'))?.customers ?? 0) >= SEEDED_CUSTOMERS : false;
}

async function productsLoaded(r: Real): Promise<boolean> {
  const db = r.w.session.database;
  return db ? (await db.syncState.get('products'))?.complete === true : false;
}

type Source = 'scanner' | 'wedge' | 'typed';

/** A scan under a payment is refused with a notice the cashier sees now, not queued behind the payment. */
async function refusedAtOnce(r: Real, seqBefore: number): Promise<void> {
  await r.w.settle();
  const n = r.w.state.notice;
  expect({ key: n?.key, shown: (n?.seq ?? 0) > seqBefore }, 'a scan during a payment is refused at once').toEqual({
    key: 'scan.refused.paymentInProgress',
    shown: true,
  });
}

/** A code as it reaches the session from a source; false when it cannot arrive (the host carries the scanner). */
async function deliver(r: Real, text: string, source: Source): Promise<boolean> {
  const w = r.w;
  if (source === 'scanner') {
    if (!w.host.isUp) return false;
    w.host.emit({ kind: 'scan', deviceId: 'scanner-1', source: 'serial', symbology: 'EAN13', text, at: w.clock.now() });
    return true;
  }
  if (source === 'wedge') await w.run(w.session.wedge(text));
  else await w.run(w.session.scan({ kind: 'text', text }));
  return true;
}

const sourceArb = fc.constantFrom<Source>('scanner', 'wedge', 'typed');

const productScan = fc.tuple(fc.integer({ min: 1, max: 300 }), sourceArb).map(([n, source]) =>
  command(`scanProduct ${n} via ${source}`, async (r, before) => {
    const p = demoProduct(n);
    const seq = r.w.state.notice?.seq ?? 0;
    // Loaded before the scan: it must be found (the pull may finish meanwhile, never the other way round).
    const loaded = await productsLoaded(r);
    // The weight dialog open for another product: the scan is refused, nothing added behind it.
    const weighing = r.w.state.desk.weighing !== null;
    const arrived = await deliver(r, p.ean, source);
    if (arrived && isPaying(before.mode)) await refusedAtOnce(r, seq);
    if (arrived && weighing && sellingModes.includes(before.mode) && before.phase === 'ready' && !hanging(r)) {
      await r.w.settle();
      const q = r.w.state.sale.items.filter((i) => i.product.id === p.id).reduce((s, i) => s + i.quantityMilli, 0);
      if (r.w.state.desk.weighing) expect(q, 'a product scanned under the weight dialog').toBe(before.qty.get(p.id) ?? 0);
      return {};
    }
    if (arrived && sellingModes.includes(before.mode) && before.phase === 'ready' && !hanging(r)) {
      await r.w.settle();
      // A weighed product opens the weight entry: the cashier types one kilogram.
      if (p.weighed && r.w.state.desk.weighing) await r.w.run(r.w.session.enterWeight('1'));
      const q = r.w.state.sale.items.filter((i) => i.product.id === p.id).reduce((s, i) => s + i.quantityMilli, 0);
      if (loaded) expect(q, `a product scanned in ${before.mode} is in the basket once more`).toBe((before.qty.get(p.id) ?? 0) + 1_000);
      // Products still loading (a new enrolment): the cashier is told so, not "unknown product".
      else if (q === (before.qty.get(p.id) ?? 0)) expect(r.w.state.sale.error?.kind, 'a product scanned before the catalogue is loaded').toBe('noCatalogue');
    }
    return { add: p.id };
  }),
);

const otherScan = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 1, max: 99 }).map((n) => ({ what: 'unknownProduct', text: ean13(`460${String(5_000_000 + n).padStart(9, '0')}`) })),
      fc.integer({ min: 1, max: 300 }).map((n) => {
        const e = demoProduct(n).ean;
        return { what: 'badCheckDigit', text: `${e.slice(0, 12)}${(Number(e[12]) + 1) % 10}` };
      }),
      fc.integer({ min: 1, max: 99 }).map((n) => ({ what: 'unknownCard', text: demoCardNumber(900_000 + n) })),
      fc
        .constantFrom('', 'hello', '12345', 'R-', 'R-ABCD1234-ZZZZ', '%B4111111111111111^DOE/JOHN^2512101?', ';4111111111111111=25121010000?', '\u0000\uD800')
        .map((text) => ({ what: 'garbage', text })),
    ),
    sourceArb,
  )
  .map(([{ what, text }, source]) =>
    command(`scan${what[0]!.toUpperCase()}${what.slice(1)} ${JSON.stringify(text)} via ${source}`, async (r, before) => {
      await deliver(r, text, source);
      // A card nobody has: the cashier is identifying someone else, so the customer leaves the sale.
      if (what === 'unknownCard') return { customer: true, redeem: true };
      // A bank card swiped on the sale screen identifies its holder when a card payment linked it
      // to a customer; on any other screen (a payment running) it changes nothing.
      const bankSwipe = /^[%;]/.test(text) && (before.mode === 'selling' || before.mode === 'history');
      return bankSwipe ? { customer: true, redeem: true } : {};
    }),
  );

const cardScan = fc.tuple(fc.integer({ min: 1, max: SEEDED_CUSTOMERS }), fc.constantFrom('reader', 'scanner', 'typed')).map(([n, source]) =>
  command(`scanCard of customer ${n} via ${source}`, async (r, before) => {
    const w = r.w;
    const card = demoCardNumber(n);
    const seq = w.state.notice?.seq ?? 0;
    if (source === 'reader') {
      if (!w.host.isUp) return {};
      w.host.emit({ kind: 'card', cardKind: 'loyalty', deviceId: 'msr-1', cardNumber: card, at: w.clock.now() });
    } else if (!(await deliver(r, card, source === 'scanner' ? 'scanner' : 'typed'))) return {};
    if (isPaying(before.mode)) await refusedAtOnce(r, seq);
    await w.settle();
    const s = w.state;
    if (before.mode === 'registering') {
      // A card that already has an owner is never attached to a new customer or to the sale.
      expect(s.registration?.card, 'a known card scanned into the registration form').not.toBe(card);
      return {};
    }
    if (before.mode === 'selling' || before.mode === 'history') {
      const found = s.sale.customer?.customer.id;
      if (found !== before.customerId) expect(found, 'the card identifies its owner').toBe(String(n));
      if ((await cacheComplete(r)) || (w.host.isUp && !w.host.serverDown)) expect(found, 'a seeded card is found').toBe(String(n));
      return { customer: true, redeem: true };
    }
    return {};
  }),
);

const phoneIdentify = fc.tuple(fc.integer({ min: 1, max: SEEDED_CUSTOMERS }), fc.boolean(), fc.boolean()).map(([n, known, asScan]) =>
  command(
    `identifyPhone ${known ? `of customer ${n}` : 'unknown'}${asScan ? ' scanned' : ''}`,
    async (r, before) => {
      const phone = known ? demoPhone(n) : `+7916${String(8_000_000 + n)}`;
      await r.w.run(asScan ? r.w.session.scan({ kind: 'text', text: phone }) : r.w.session.identify(phone));
      await r.w.settle();
      const s = r.w.state;
      if (known && ['selling', 'history'].includes(before.mode) && (await cacheComplete(r)))
        expect(s.sale.customer?.customer.id, 'the phone identifies its owner').toBe(String(n));
      return { customer: true, redeem: true };
    },
    (r) => asScan || onScreen(r),
  ),
);

const bankCardScan = fc.integer({ min: 0, max: BANK_CARDS.length - 1 }).map((i) =>
  command(`bankCardRead ${i}`, async (r) => {
    if (!r.w.host.isUp) return {};
    const c = BANK_CARDS[i]!;
    r.w.host.emit({ kind: 'card', cardKind: 'bank', deviceId: 'msr-1', tokenHash: c.tokenHash, last4: c.last4, at: r.w.clock.now() });
    return { customer: true, redeem: true };
  }),
);

const receiptScan = fc.tuple(fc.nat(), sourceArb).map(([pick, source]) =>
  command(`scanReceipt #${pick} via ${source}`, async (r, before) => {
    const list = [...(await r.w.journals()).values()];
    const receipt = list[pick % Math.max(1, list.length)];
    const text = receipt ? `R-${receipt.receiptId}` : 'R-ABCD1234-ZZZZ';
    const arrived = await deliver(r, text, source);
    await r.w.settle();
    if (arrived && ['selling', 'history', 'returning'].includes(before.mode) && !hanging(r)) {
      expect(r.w.state.mode, 'a receipt scanned opens the return').toBe('returning');
    }
    return {};
  }),
);

const KEYS = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12', 'Escape', 'Enter'] as const;

const keyPress = fc.tuple(fc.constantFrom(...KEYS), fc.boolean(), fc.constantFrom<TerminalPlan>('approve', 'decline', 'timeout')).map(([key, twice, plan]) =>
  command(`key ${key}${twice ? ' twice' : ''}${key === 'F10' ? ` (terminal: ${plan})` : ''}`, async (r, before) => {
    const w = r.w;
    if (key === 'F10') w.host.terminal.plan = plan;
    // F6 mid-sale asked first (issue 15): Enter says yes, and the sale is held for the next cashier, not lost.
    const holding = key === 'Enter' && w.state.desk.confirm?.kind === 'changeCashierMidSale';
    const heldBefore = w.state.desk.held.length;
    const used = w.session.key(key);
    if (twice) w.session.key(key);
    await w.settle();
    const s = w.state;
    if (before.mode === 'payingCard') expect(used, 'a key during a card payment').toBe(false);
    if (key === 'Escape' && before.mode === 'payingCash') {
      // Esc on the payment dialog closes it; the customer, redemption and basket stay.
      expect(s.mode).toBe('selling');
      return {};
    }
    if ((key === 'F11' || key === 'F12') && twice && !isPaying(before.mode) && before.phase === 'ready' && !OVERLAY_MODES.has(before.mode)) {
      // Pressed twice before the screen changed: the second press repeats the first, it does not undo it.
      expect(s.mode, `${key} pressed twice quickly`).toBe(key === 'F11' ? 'manager' : 'diagnostics');
    }
    if (holding) {
      // Lines that left the basket are on the held list (a sale with a payment under way is not held).
      if (before.items.length > 0 && s.sale.items.length === 0)
        expect(s.desk.held.length, 'the sale held when the cashier changes (F6, Enter)').toBe(heldBefore + 1);
      return { edit: true, customer: true, redeem: true };
    }
    if (key === 'Escape' && before.mode === 'selling' && !before.receipt) return { customer: true, redeem: true };
    if (key === 'F10' || key === 'F9') return { commit: true };
    return {};
  }),
);

const openPay = fc.constant(command('openPay', async (r) => void (await r.w.run(r.w.session.openPay()))));

/** Before paying, a cashier goes back to the sale (F1) and has at least one product on it. */
async function readyToPay(r: Real): Promise<string | undefined> {
  const w = r.w;
  if (w.state.phase !== 'ready' || hanging(r)) return undefined;
  if (['returning', 'history'].includes(w.state.mode)) w.session.key('F1');
  else if (OVERLAY_MODES.has(w.state.mode)) w.session.key('Escape');
  await w.settle();
  const p = demoProduct(1 + (r.steps % 300));
  if (w.state.mode !== 'selling' || w.state.sale.items.length > 0) return undefined;
  await w.run(w.session.scan({ kind: 'text', text: p.ean }));
  await w.settle();
  return p.id;
}

/** F9 if the sale screen is up, then the tendered amount and Enter (or Enter twice). */
const payCash = fc.tuple(fc.constantFrom('exact', 'more', 'less'), fc.boolean()).map(([how, twice]) =>
  command(`payCash ${how}${twice ? ' (Enter twice)' : ''}`, async (r) => {
    const w = r.w;
    const add = await readyToPay(r);
    if (w.state.mode === 'selling') {
      w.session.key('F9');
      await w.settle();
    }
    const mode = w.state.mode;
    const payable = w.state.sale.priced?.totals.payable ?? 0;
    const tendered = how === 'exact' ? payable : how === 'more' ? payable + 12_345 : payable - 1;
    const paying = [w.session.payCash(tendered), ...(twice ? [w.session.payCash(tendered)] : [])];
    const receipts = (await w.run(Promise.all(paying)))?.filter((x) => x !== null) ?? [];
    for (const receipt of receipts) r.cash.set(receipt.receiptId, receipt.paid);
    if (mode === 'payingCash' && payable > 0 && how !== 'less') {
      expect(receipts.length, 'cash paid once').toBe(1);
      expect(receipts[0]!.change, 'change handed back').toBe(tendered - receipts[0]!.paid);
      expect(receipts[0]!.paid).toBe(payable);
    } else expect(receipts, 'no sale without the money').toEqual([]);
    return { commit: true, add };
  }),
);

/** The customer changes their mind at the payment dialog (or after a declined card): Esc. */
const escapeFromPayment = fc.boolean().map((declinedFirst) =>
  command(`escapeFromPayment${declinedFirst ? ' after a declined card' : ''}`, async (r) => {
    const w = r.w;
    const add = await readyToPay(r);
    if (w.state.mode === 'selling') {
      w.session.key('F9');
      await w.settle();
    }
    if (w.state.mode !== 'payingCash') return { add };
    if (declinedFirst) {
      w.host.terminal.plan = 'decline';
      w.session.key('F10');
      await w.settle();
    }
    const kept = { customer: w.state.sale.customer?.customer.id ?? null, redeem: w.state.sale.redeem, payable: w.state.sale.priced?.totals.payable };
    w.session.key('Escape');
    await w.settle();
    const after: TillState = w.state;
    if (after.mode === 'selling') {
      expect(
        { customer: after.sale.customer?.customer.id ?? null, redeem: after.sale.redeem, payable: after.sale.priced?.totals.payable },
        'Esc on the payment keeps the sale',
      ).toEqual(kept);
    }
    return { add };
  }),
);

/** F10 on the sale screen (opens the payment and goes to the terminal), the card button in the payment dialog. */
const payCard = fc
  .tuple(
    fc.constantFrom<TerminalPlan>('approve', 'approve', 'approve', 'decline', 'timeout', 'hang', 'hang', 'crashCharged', 'crashNotCharged'),
    fc.integer({ min: 0, max: BANK_CARDS.length - 1 }),
  )
  .map(([plan, card]) =>
    command(
      `payCard ${plan} with card ${card}`,
      async (r) => {
        const t = r.w.host.terminal;
        const add = await readyToPay(r);
        t.plan = plan;
        t.card = BANK_CARDS[card]!;
        // The session runs it in order; a hanging terminal keeps it running past this step.
        if (r.w.state.mode === 'selling') r.w.session.key('F10');
        else r.w.session.payCard().catch((err: unknown) => r.errors.push(err));
        return { commit: true, add };
      },
      (r) => !hanging(r),
    ),
  );

const terminalAnswer = fc.boolean().map((approved) =>
  command(
    `terminalAnswers ${approved ? 'approved' : 'declined'}`,
    async (r) => {
      r.w.host.terminal.answer(approved);
      return { commit: true };
    },
    hanging,
  ),
);

const resolveSlip = fc.constant(
  command(
    'cashierReadsSlip',
    async (r) => {
      const payment = r.w.state.sale.payment;
      const charged = payment ? r.w.host.terminal.charged(payment.receiptId) !== undefined : false;
      await r.w.run(r.w.session.resolveUnknownPayment(charged));
      return { commit: true };
    },
    (r) => r.w.state.sale.unresolvedPayment,
  ),
);

const setRedeem = fc.oneof(fc.constant(-1), fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })).map((k) =>
  command(`setRedeem ${k < 0 ? 'max' : k}`, async (r, before) => {
    const max = r.w.state.sale.priced?.maxRedeemable ?? 0;
    // A customer found only by a typed phone spends with an SMS code, or within the allowance (issue 13).
    const phoneOnly = r.w.state.sale.customer?.via === 'phone' && !r.w.state.sale.customer.confirmation;
    const got = await r.w.run(r.w.session.setRedeem(k < 0 ? max : k));
    const want = Math.max(0, Math.min(k < 0 ? max : k, max));
    if (!isPaying(before.mode) && got !== undefined) {
      if (phoneOnly) expect(got).toBeLessThanOrEqual(Math.min(want, phoneSpendAllowance(r.w.state.catalogue?.programme ?? {})));
      else expect(got).toBe(want);
    }
    return { redeem: true };
  }),
);

/** The line's buttons: one more, one less, remove. */
const changeQuantity = fc.tuple(fc.nat(), fc.constantFrom('more', 'less', 'remove')).map(([pick, how]) =>
  command(`changeQuantity ${how} on line #${pick}`, async (r) => {
    const items = r.w.state.sale.items;
    const line = items[pick % Math.max(1, items.length)];
    const q = !line ? 0 : how === 'more' ? line.quantityMilli + 1_000 : how === 'less' ? line.quantityMilli - 1_000 : 0;
    await r.w.run(r.w.session.changeQuantity(line?.lineId ?? 'none', q));
    return { edit: true, redeem: true };
  }),
);

/** The sale desk (issue 15): hold the sale (Ctrl+H) and resume a held one, a quantity typed before a scan, a weight typed. */
const holdSale = fc.constant(
  command('holdSale', async (r) => {
    r.w.session.key('Ctrl+H');
    return { edit: true, customer: true, redeem: true };
  }),
);

const resumeHeld = fc.nat().map((pick) =>
  command(`resumeHeld #${pick}`, async (r) => {
    const held = r.w.state.desk.held;
    await r.w.run(r.w.session.resumeHeld(held[pick % Math.max(1, held.length)]?.id ?? 'none'));
    return { edit: true, customer: true, redeem: true };
  }),
);

const quantityThenScan = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 300 })).map(([n, p]) =>
  command(`quantityThenScan ${n}* product ${p}`, async (r) => {
    r.w.session.quantityPrefix(`${n}*`);
    await r.w.run(r.w.session.scan({ kind: 'text', text: demoProduct(p).ean }));
    // A weighed product opens the weight entry: the cashier types the weight.
    if (r.w.state.desk.weighing) await r.w.run(r.w.session.enterWeight('0,5'));
    return { edit: true, redeem: true };
  }),
);

const clearCustomer = fc.constant(
  command('clearCustomer', async (r) => {
    await r.w.run(r.w.session.clearCustomer());
    return { customer: true, redeem: true };
  }),
);

type FormKind = 'valid' | 'validFull' | 'knownPhone' | 'invalidEmail' | 'takenCard' | 'year0' | 'loneSurrogate' | 'cardInName' | 'badPhone';
const FORM_FIELD: Partial<Record<FormKind, keyof import('../registrationCheck').RegistrationProblems>> = {
  invalidEmail: 'email',
  takenCard: 'cardNumber',
  year0: 'birthday',
  loneSurrogate: 'firstName',
  cardInName: 'firstName',
  badPhone: 'phone',
};

let phones = 0;
function form(kind: FormKind, n: number): RegistrationForm {
  const phone = `+7916${String(2_000_000 + (((Date.now() % 1_000_000) * 7 + ++phones) % 7_000_000))}`;
  const base: RegistrationForm = { firstName: 'Тест', phone, personalDataConsent: true, marketing: {} };
  switch (kind) {
    case 'valid':
      return base;
    case 'validFull':
      return {
        ...base,
        firstName: 'Ёжик 🦔',
        email: 'ezhik@example.ru',
        birthday: '1990-02-28',
        cardNumber: demoCardNumber(500_000 + phones),
        marketing: { sms: true },
      };
    case 'knownPhone':
      return { ...base, phone: demoPhone(n) };
    case 'invalidEmail':
      return { ...base, email: 'ivan@@example' };
    case 'takenCard':
      return { ...base, cardNumber: demoCardNumber(n) };
    case 'year0':
      return { ...base, birthday: '0000-01-01' };
    case 'loneSurrogate':
      return { ...base, firstName: 'Анна\uD800' };
    case 'cardInName':
      return { ...base, firstName: 'Иван 4111 1111 1111 1111' };
    case 'badPhone':
      return { ...base, phone: '+7 000 000-00-00' };
  }
}

const startRegistration = fc.constant(
  command('startRegistration', async (r, before) => {
    await r.w.run(r.w.session.startRegistration({}));
    if (before.mode === 'selling' && !hanging(r)) expect(r.w.state.mode).toBe('registering');
    return {};
  }),
);

const register = fc
  .tuple(
    fc.constantFrom<FormKind>('valid', 'valid', 'validFull', 'knownPhone', 'invalidEmail', 'takenCard', 'year0', 'loneSurrogate', 'cardInName', 'badPhone'),
    fc.integer({ min: 1, max: SEEDED_CUSTOMERS }),
  )
  .map(([kind, n]) =>
    command(`register ${kind}${kind === 'takenCard' || kind === 'knownPhone' ? ` of customer ${n}` : ''}`, async (r, before) => {
      const f = form(kind, n);
      // The form opens from the customer panel (after a lookup that found nobody) if it is not open yet.
      if (before.mode === 'selling') await r.w.run(r.w.session.startRegistration({}));
      const res = await r.w.run(r.w.session.register(f));
      if (!res || !['registering', 'selling'].includes(before.mode) || !r.w.state.catalogue) return {};
      const field = FORM_FIELD[kind];
      if (field) {
        if (kind === 'takenCard' && !(await cacheComplete(r)) && (r.w.host.serverDown || !r.w.host.isUp)) return { customer: true, redeem: true };
        expect(res.ok, `a ${kind} registration is refused at the till`).toBe(false);
        if (!res.ok) expect(res.problems[field], `the ${field} field says what is wrong`).toBeTruthy();
        return {};
      }
      if (kind === 'knownPhone' && !res.ok) {
        // Another customer's phone (issue 13): online the owner's SMS code is asked first (the
        // dialog opens; the customer here has no such phone, so Esc: refused, nothing registered),
        // or the server would not send one (a revoked till) and the phone field says why.
        const dialog = r.w.state.phoneCode;
        if (dialog) {
          expect(dialog.purpose, 'the code dialog is for the registration').toBe('register');
          r.w.session.phoneCode.cancel();
        } else expect(res.problems.phone, 'the phone field says why no code was sent').toBeTruthy();
        if (r.w.state.phase === 'ready') expect(r.w.state.mode, 'the form stays open').toBe('registering');
        return {};
      }
      // Offline, or no owner found: a customer of its own (the server keeps the phone's owner).
      expect(res, `a ${kind} registration is accepted`).toEqual({ ok: true });
      expect(r.w.state.sale.customer?.customer.firstName).toBe(f.firstName.trim());
      return { customer: true, redeem: true };
    }),
  );

const cancelRegistration = fc.constant(command('cancelRegistration', async (r) => void (await r.w.run(r.w.session.cancelRegistration()))));

const commitReturnTwice = fc.tuple(fc.nat(), fc.nat()).map(([pick, linePick]) =>
  command(`commitReturn (double click) of receipt #${pick}`, async (r) => {
    const db = r.w.session.database;
    if (!db) return {};
    const receipts = await db.journal.toArray();
    const receipt = receipts[pick % Math.max(1, receipts.length)];
    if (!receipt?.priced) return {};
    const { returnable } = await import('../returns');
    const left = [...returnable(receipt)].filter(([, q]) => q > 0);
    const line = left[linePick % Math.max(1, left.length)];
    if (!line) return {};
    const lines = [{ lineId: line[0], quantityMilli: Math.min(line[1], 1_000) }];
    const both = await r.w.run(Promise.all([r.w.session.commitReturn(receipt, lines), r.w.session.commitReturn(receipt, lines)]));
    if (!both) return {};
    const [a, b] = both;
    // A card sale is refunded to the card first: with the terminal away, or a sale paid before the
    // bank's reference was kept, the return is refused with a message and nothing is returned.
    const refundRefused = [a, b].find((x) => x && !x.ok && x.message.startsWith('refund:'));
    if (refundRefused && receipt.event.payment.method === 'card') {
      expect(
        [a, b].filter((x) => x?.ok === true),
        'a refused refund returns nothing',
      ).toHaveLength(0);
      expect((await db.journal.get(receipt.receiptId))?.returns?.length ?? 0, 'nothing returned').toBe(receipt.returns?.length ?? 0);
      return {};
    }
    expect(
      [a, b].filter((x) => x?.ok === true),
      `a double click returns once (answers: ${JSON.stringify([a, b])})`,
    ).toHaveLength(1);
    expect(
      [a, b].filter((x) => x && !x.ok),
      'and shows no failure for it',
    ).toHaveLength(0);
    expect((await db.journal.get(receipt.receiptId))?.returns?.length ?? 0).toBe((receipt.returns?.length ?? 0) + 1);
    return {};
  }),
);

const overlayKeys = fc.constantFrom('F11', 'F12').map((key) =>
  command(`overlay ${key} and back`, async (r, before) => {
    const w = r.w;
    const customer = w.state.sale.customer?.customer.id ?? null;
    w.session.key(key);
    await w.settle();
    w.session.key(key === 'F11' ? 'Escape' : 'F12');
    await w.settle();
    // Overlays do not stack: from one, the other and Esc go back to the sale screen under them.
    if (!isPaying(before.mode) && before.phase === 'ready' && !OVERLAY_MODES.has(before.mode)) {
      expect(w.state.mode, `${key} and back`).toBe(before.mode);
      expect(w.state.sale.customer?.customer.id ?? null, 'the customer is still there').toBe(customer);
    }
    return {};
  }),
);

const toMode = fc
  .constantFrom('selling', 'returning', 'history', 'manager', 'diagnostics', 'rejected' as const)
  .map((m) => command(`toMode ${m}`, async (r) => void (await r.w.run(r.w.session.toMode(m as 'selling')))));
const closeOverlay = fc.constant(command('closeOverlay', async (r) => void (await r.w.run(r.w.session.closeOverlay()))));
const dismissReceipt = fc.constant(command('dismissReceipt', async (r) => void r.w.session.dismissReceipt()));
const linkCard = fc.constant(command('linkCard', async (r) => void (await r.w.run(r.w.session.linkCard()))));

const fixRejected = fc.constant(
  command('fixRejected email', async (r) => {
    const list = await r.w.session.rejected();
    const fixable = list.find((x) => x.fix === 'email');
    if (fixable) expect(await r.w.run(r.w.session.fixRejected(fixable.eventId, { email: 'fixed@example.ru' }))).toEqual({ ok: true });
    return {};
  }),
);

const reload = fc.constant(
  command('reload', async (r, before) => {
    const sale = r.w.state.sale;
    const kept = { items: sale.items.map((i) => i.lineId), customer: sale.customer?.customer.id ?? null };
    r.w.openPage();
    await r.w.settle();
    if (before.phase === 'ready' && r.w.state.phase === 'ready' && !before.paymentId) {
      // The durable draft brings the basket and the customer back.
      expect({ items: r.w.state.sale.items.map((i) => i.lineId), customer: r.w.state.sale.customer?.customer.id ?? null }, 'the sale after a reload').toEqual(
        kept,
      );
    }
    return { commit: true, redeem: true };
  }),
);

const hostDown = fc.boolean().map((hungApproved) =>
  command(`hostDown${hungApproved ? ' (a hanging payment goes through)' : ''}`, async (r) => {
    r.w.host.down(hungApproved);
    return {};
  }),
);

const hostUp = fc.constant(
  command('hostUp (a new host process)', async (r) => {
    r.w.host.up();
    // The host's status is asked every few seconds: a till that could not reach it recovers by itself.
    await r.w.tick(6_000);
    if (r.w.state.phase === 'hostError') {
      expect(r.w.state.phase, 'the till stays on "host unreachable" after the host came back').not.toBe('hostError');
    }
    return { commit: true };
  }),
);

const serverDown = fc.constant(command('serverDown', async (r) => void (r.w.host.serverDown = true)));
const serverUp = fc.constant(command('serverUp', async (r) => void (r.w.host.serverDown = false)));

const revoke = fc.constant(
  command(
    'revoke (head office revokes this till)',
    async (r) => {
      const id = r.w.state.status?.terminal?.terminalId;
      if (id) await server.revoke(id).catch(() => undefined);
      return {};
    },
    (r) => ready(r),
  ),
);

const reenrol = fc.constant(
  command(
    'reenrol',
    async (r) => {
      if (!r.w.host.isUp || r.w.host.serverDown) return {};
      const res = await r.w.enrol();
      expect(res, 'enrolment').toEqual({ ok: true });
      return { commit: true };
    },
    (r) => r.w.state.phase === 'notEnrolled' && !hanging(r),
  ),
);

const loseCredential = fc.constant(
  command(
    'loseCredential (unreadable credential, host restart, reload)',
    async (r) => {
      r.credentials.lose();
      r.w.host.down(false);
      r.w.host.up();
      r.w.openPage();
      return { commit: true };
    },
    (r) => !hanging(r),
  ),
);

/** The same customer spends bonuses at another till of the store: this till's cached balance goes stale. */
let otherTill: Promise<string> | null = null;
async function otherTillToken(): Promise<string> {
  const code = await server.enrolmentCode();
  const res = await fetch(`${server.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deviceName: 'other till' }),
  });
  return ((await res.json()) as { token: string }).token;
}

const otherTillSpends = fc.integer({ min: 1, max: SEEDED_CUSTOMERS }).map((n) =>
  command(`otherTillSpends (the sale's customer, else customer ${n})`, async (r) => {
    const current = r.w.state.sale.customer?.customer.id;
    const who = current && /^\d+$/.test(current) && Number(current) <= SEEDED_CUSTOMERS ? Number(current) : n;
    r.otherTillCustomers.add(String(who));
    const token = await (otherTill ??= otherTillToken());
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const found = await fetch(`${server.url}/api/v1/lookup?card=${demoCardNumber(who)}`, { headers: { authorization: headers.authorization } });
    const balance = ((await found.json()) as { customer: { balance: number } }).customer.balance;
    const { event } = sale({ customerId: String(who), available: Math.max(0, balance), lines: [line(1 + (who % 40), 3)], redeem: 'max' });
    const pushed = await fetch(`${server.url}/api/v1/push`, { method: 'POST', headers, body: JSON.stringify({ events: [event] }) });
    expect(pushed.status).toBe(200);
    return {};
  }),
);

const tick = fc.integer({ min: 2, max: 90 }).map((s) =>
  command(
    `wait ${s}s`,
    async (r) => void (await r.w.tick(s * 1_000)),
    (r) => !hanging(r),
  ),
);
const tickHanging = fc.constant(command('wait 3s', async (r) => void (await r.w.clock.advance(3_000)), hanging));

/** Back to the sale screen the way cashiers do: F1, Esc, or the "Sale" button. */
const backToSale = fc.constantFrom('F1', 'Escape', 'button').map((how) =>
  command(`backToSale ${how}`, async (r, before) => {
    if (how === 'button') await r.w.run(r.w.session.toMode('selling'));
    else r.w.session.key(how);
    return how === 'Escape' && before.mode === 'selling' && !before.receipt ? { customer: true, redeem: true } : {};
  }),
);

// ---------------------------------------------------------------------------------------------
// The sale desk's cashier flows (issue 15): search, quick keys, supervisor approvals, a return without a receipt

const MANAGER = { name: 'Ирина Петрова', pin: '482913', card: '99887766554433' };
/** Quick keys head office sets for unbarcoded goods (Alt+n); Alt+9 is left without a product. */
const QUICK_KEYS: readonly { key: number; n: number }[] = [
  { key: 1, n: 5 },
  { key: 2, n: 3 }, // fruit: weighed
  { key: 3, n: 10 },
];

/** The sale screen with no desk dialog over it: the desk keys work there (not on the history screen, F4). */
const freeSale = (r: Real) => r.w.state.phase === 'ready' && r.w.state.mode === 'selling' && deskLayer(r.w.state.desk) === null && !hanging(r);

/** A weighed product put on the sale opens the weight entry: the cashier types one kilogram (not into an entry opened before). */
async function weighOne(r: Real, id: string | undefined, openBefore: boolean): Promise<void> {
  await r.w.settle();
  if (!openBefore && id && r.w.state.desk.weighing?.product.id === id) await r.w.run(r.w.session.enterWeight('1'));
  await r.w.settle();
}

const pieces = (r: Real, id: string) => r.w.state.sale.items.filter((i) => i.product.id === id).reduce((s, i) => s + i.quantityMilli, 0);

/** Ctrl+F, the product's name typed, arrows to it (or a click on it), Enter: exactly one of that product is added. */
const productSearch = fc.tuple(fc.integer({ min: 1, max: 300 }), fc.boolean()).map(([n, arrows]) =>
  command(`searchProduct ${n}${arrows ? ' (arrows, Enter)' : ' (click)'}`, async (r, before) => {
    const w = r.w;
    const p = demoProduct(n);
    const free = freeSale(r);
    // Search reads the products the till loaded when its last pull ended (scans read the database):
    // while a pull runs, goods stored by it are not searchable yet.
    const loaded = (await productsLoaded(r)) && !w.state.sync.running;
    if (!w.state.desk.search) w.session.key('Ctrl+F');
    await w.settle();
    if (free) expect(w.state.desk.search, 'Ctrl+F opens the search').not.toBeNull();
    if (!w.state.desk.search) return {};
    w.session.searchProducts(p.name);
    await w.settle();
    const results = w.state.desk.search?.results ?? [];
    const at = results.findIndex((x) => x.id === p.id);
    if (loaded) expect(at, `"${p.name}" is found by its name`).toBeGreaterThanOrEqual(0);
    if (at < 0) {
      w.session.key('Escape');
      await w.settle();
      expect(w.state.desk.search, 'Esc closes the search').toBeNull();
      return {};
    }
    if (arrows) for (let i = 0; i < at; i++) w.session.searchMove(1);
    const weighing = w.state.desk.weighing !== null;
    const picked = await w.run(w.session.pickSearchResult(arrows ? undefined : at));
    await weighOne(r, p.id, weighing);
    expect(w.state.desk.search, 'the search closes on Enter').toBeNull();
    if (picked) tally(r, 'searchProduct:added');
    if (free && picked && !isPaying(before.mode)) expect(pieces(r, p.id), `search adds one ${p.name}`).toBe((before.qty.get(p.id) ?? 0) + 1_000);
    return { add: p.id };
  }),
);

/** Alt+n for an unbarcoded product: one piece (one kilogram) of it; a key without a product adds nothing. */
const quickKey = fc.constantFrom(...QUICK_KEYS.map((q) => q.key), 9).map((k) =>
  command(`quickKey Alt+${k}`, async (r, before) => {
    const w = r.w;
    const product = w.state.desk.quickKeys.find((p) => p.quickKey === k) ?? null;
    const free = freeSale(r);
    const weighing = w.state.desk.weighing !== null;
    w.session.key(`Alt+${k}`);
    await weighOne(r, product?.id, weighing);
    if (!product) return {};
    const want = QUICK_KEYS.find((q) => q.key === k);
    expect(product.id, `Alt+${k} is the product head office set`).toBe(want ? demoProduct(want.n).id : undefined);
    if (free && !isPaying(before.mode)) expect(pieces(r, product.id), `Alt+${k} adds one ${product.name}`).toBe((before.qty.get(product.id) ?? 0) + 1_000);
    return { add: product.id };
  }),
);

/** Outcomes counted beside the actions, so a run shows the flows were gone through to the end. */
const tally = (r: Real, what: string) => r.counts.set(what, (r.counts.get(what) ?? 0) + 1);

type Answer = 'pin' | 'card' | 'wrongPin' | 'escape';

/** The supervisor answers the approval on screen; true when it was given. */
async function supervisorAnswers(r: Real, how: Answer): Promise<boolean> {
  const w = r.w;
  const online = w.host.isUp && !w.host.serverDown;
  if (how === 'escape') {
    w.session.key('Escape');
    await w.settle();
    expect(w.state.desk.approval, 'Esc closes the approval').toBeNull();
    return false;
  }
  if (how === 'card') await w.run(w.session.scan({ kind: 'text', text: MANAGER.card }));
  else await w.run(w.session.approve({ pin: how === 'pin' ? MANAGER.pin : '000000' }));
  await w.settle();
  const a = w.state.desk.approval;
  if (how === 'wrongPin') {
    // Five wrong PINs lock the store's tills for five minutes: the test's wrong PINs do not pile up.
    await server.db.query('DELETE FROM manager_unlock_attempts');
    if (online) expect(a?.error, 'a wrong PIN is refused').toBe('desk.approval.refused');
  } else if (a && online && w.state.phase === 'ready') {
    expect(a.error, `the manager's ${how} is refused while the server is reachable`).toBeNull();
  }
  // Gone with a revocation learnt on the way (the enrolment screen is up): not given.
  if (!a) return w.state.phase === 'ready';
  // Not given (a wrong PIN, the server away): the cashier presses Esc.
  w.session.key('Escape');
  await w.settle();
  if (w.state.phase === 'ready') expect(w.state.desk.approval, `Esc closes the approval (${w.state.mode})`).toBeNull();
  return false;
}

const priced = (r: Real) => r.w.state.sale.items.map((i) => `${i.lineId}:${i.product.id}:${i.quantityMilli}:${i.manualPriceKopecks ?? '-'}`);

/**
 * Voiding a line after the total was shown, a price by hand, a discount by hand (issue 15): the
 * manager's PIN or card applies it and journals it with who approved; Esc, a wrong PIN or no server change nothing.
 */
const supervisorApproval = fc
  .tuple(
    fc.constantFrom('voidLine', 'priceChange', 'manualDiscount'),
    fc.constantFrom<Answer>('pin', 'pin', 'card', 'escape', 'escape', 'wrongPin'),
    fc.nat(),
    fc.integer({ min: 1, max: 50 }),
  )
  .map(([action, how, pick, value]) =>
    command(`supervisor ${action} on line #${pick} (${how})`, async (r) => {
      const w = r.w;
      const add = await readyToPay(r);
      if (!freeSale(r) || w.state.mode !== 'selling' || w.state.sale.items.length === 0) return { add, edit: true };
      if (action === 'voidLine') {
        // The customer saw the total (F9, then Esc back to the sale).
        w.session.key('F9');
        await w.settle();
        // No total yet (the catalogue still loading): the line goes without asking, as before the total.
        if ((w.state as TillState).mode !== 'payingCash') return { add, edit: true };
        w.session.key('Escape');
        await w.settle();
        if (!freeSale(r) || w.state.mode !== 'selling') return { add, edit: true };
      }
      const items = w.state.sale.items;
      const line = items[pick % items.length]!;
      w.session.selectLine(line.lineId);
      const journaled = (await w.approvals()).size;
      const kept = priced(r);
      if (action === 'voidLine') w.session.key('Delete');
      else {
        w.session.key(action === 'priceChange' ? 'Ctrl+P' : 'Ctrl+D');
        await w.settle();
        expect(w.state.desk.priceEdit?.lineId, `${action} asks for the line's new price`).toBe(line.lineId);
        await w.run(w.session.submitPriceEdit(action === 'priceChange' ? `${value},50` : String(value)));
      }
      await w.settle();
      expect(w.state.desk.approval?.action, `${action} waits for the supervisor`).toBe(action);
      expect(priced(r), 'nothing changes before the supervisor answers').toEqual(kept);
      const given = await supervisorAnswers(r, how);
      const journal = [...(await w.approvals()).values()].sort((a, b) => a.at - b.at);
      tally(r, `${action}:${given ? 'approved' : 'not'}`);
      if (!given) {
        expect(priced(r), `a ${action} not approved changes nothing`).toEqual(kept);
        expect(journal.length, 'and journals nothing').toBe(journaled);
        return { add, edit: true };
      }
      expect(journal.length, `an approved ${action} is journaled once`).toBe(journaled + 1);
      expect(journal.at(-1), 'with who approved').toMatchObject({ action, managerName: MANAGER.name, productId: line.product.id });
      const now = w.state.sale.items.find((i) => i.lineId === line.lineId);
      const others = priced(r).filter((l) => !l.startsWith(`${line.lineId}:`));
      expect(others, `an approved ${action} touches only its line`).toEqual(kept.filter((l) => !l.startsWith(`${line.lineId}:`)));
      if (action === 'voidLine') expect(now, 'the approved void removes the line').toBeUndefined();
      else {
        const want = action === 'priceChange' ? value * 100 + 50 : Math.round((line.product.priceKopecks * (100 - value)) / 100);
        expect(now?.manualPriceKopecks, `the ${action} approved is the line's price`).toBe(want);
      }
      return { add, edit: true, redeem: true };
    }),
  );

/** Goods brought back without a receipt (F3): the manager's PIN or card refunds them once; Esc refunds nothing. */
const returnNoReceipt = fc
  .tuple(fc.constantFrom<Answer>('pin', 'card', 'escape', 'wrongPin'), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 3 }))
  .map(([how, n, count]) =>
    command(`returnNoReceipt ${count} of product ${n} (${how})`, async (r) => {
      const w = r.w;
      const db = w.session.database;
      if (w.state.phase !== 'ready' || hanging(r) || !db || isPaying(w.state.mode) || deskLayer(w.state.desk) !== null) return {};
      if (w.state.mode !== 'returning') w.session.key('F3');
      await w.settle();
      const product = await db.products.get(demoProduct(n).id);
      if (w.state.mode !== 'returning' || !product) return {};
      const journaled = [...(await w.approvals()).values()].filter((a) => a.action === 'returnNoReceipt').length;
      const outcome = w.session.returnWithoutReceipt([{ product, quantityMilli: count * 1_000 }]);
      await w.settle();
      if (!w.state.desk.approval) {
        // An approved return left unrecorded earlier was finished instead: that one answers.
        const done = await w.run(outcome);
        expect(!done || !done.ok || done.managerName === MANAGER.name, 'an earlier return finished').toBe(true);
        return {};
      }
      expect(w.state.desk.approval, 'a return without a receipt waits for the manager').toMatchObject({
        action: 'returnNoReceipt',
        refundKopecks: product.priceKopecks * count,
      });
      const given = await supervisorAnswers(r, how);
      expect(w.state.desk.approval, 'the approval is answered, or withdrawn with a revocation').toBeNull();
      const done = await w.run(outcome);
      const made = [...(await w.approvals()).values()].filter((a) => a.action === 'returnNoReceipt');
      tally(r, `returnNoReceipt:${done?.ok ? 'refunded' : given ? 'failed' : 'not'}`);
      if (!given) {
        expect(done, 'a return not approved answers nothing').toBeNull();
        expect(made.length, 'and refunds nothing').toBe(journaled);
        return {};
      }
      if (done?.ok) {
        expect(done, 'the approved return refunds the goods').toEqual({ ok: true, refund: product.priceKopecks * count, managerName: MANAGER.name });
        expect(made.length, 'an approved return is journaled once').toBe(journaled + 1);
      } else expect(made.length, `a return that failed (${JSON.stringify(done)}) is not journaled`).toBe(journaled);
      expect(w.state.mode, 'the return screen stays').toBe('returning');
      return {};
    }),
  );

/** The desk flows, added to the mix for every seed but the CI replays of sequences found before them. */
const deskCommand = fc.oneof(
  { weight: 3, arbitrary: screen(productSearch) },
  { weight: 3, arbitrary: screen(quickKey) },
  { weight: 4, arbitrary: screen(supervisorApproval) },
  { weight: 2, arbitrary: screen(returnNoReceipt) },
);

/** One weighted choice per step: selling is what a till does most; outages and revocations are rarer. */
const anyCommand = fc.oneof(
  { weight: 24, arbitrary: productScan },
  { weight: 6, arbitrary: otherScan },
  { weight: 8, arbitrary: cardScan },
  { weight: 6, arbitrary: phoneIdentify },
  { weight: 3, arbitrary: bankCardScan },
  { weight: 3, arbitrary: receiptScan },
  { weight: 10, arbitrary: keyPress },
  { weight: 3, arbitrary: overlayKeys },
  { weight: 10, arbitrary: backToSale },
  { weight: 5, arbitrary: screen(openPay) },
  { weight: 24, arbitrary: screen(payCash) },
  { weight: 6, arbitrary: screen(escapeFromPayment) },
  { weight: 30, arbitrary: screen(payCard) },
  { weight: 20, arbitrary: terminalAnswer },
  { weight: 20, arbitrary: screen(resolveSlip) },
  { weight: 8, arbitrary: screen(setRedeem) },
  { weight: 4, arbitrary: screen(changeQuantity) },
  { weight: 2, arbitrary: screen(clearCustomer) },
  { weight: 2, arbitrary: screen(holdSale) },
  { weight: 2, arbitrary: screen(resumeHeld) },
  { weight: 3, arbitrary: screen(quantityThenScan) },
  { weight: 3, arbitrary: screen(startRegistration) },
  { weight: 8, arbitrary: screen(register) },
  { weight: 2, arbitrary: screen(cancelRegistration) },
  { weight: 4, arbitrary: screen(commitReturnTwice) },
  { weight: 3, arbitrary: screen(toMode) },
  { weight: 2, arbitrary: screen(closeOverlay) },
  { weight: 2, arbitrary: screen(dismissReceipt) },
  { weight: 3, arbitrary: screen(linkCard) },
  { weight: 2, arbitrary: screen(fixRejected) },
  { weight: 5, arbitrary: reload },
  { weight: 2, arbitrary: hostDown },
  { weight: 6, arbitrary: hostUp },
  { weight: 2, arbitrary: serverDown },
  { weight: 5, arbitrary: serverUp },
  { weight: 1, arbitrary: revoke },
  { weight: 30, arbitrary: reenrol },
  { weight: 1, arbitrary: loseCredential },
  { weight: 5, arbitrary: tick },
  { weight: 3, arbitrary: otherTillSpends },
  { weight: 6, arbitrary: tickHanging },
);

/** About one step in seven is a desk flow. */
const withDesk = fc.oneof({ weight: 6, arbitrary: anyCommand }, { weight: 1, arbitrary: deskCommand });

// ---------------------------------------------------------------------------------------------
// The end of a run: back online, everything sent, the server holds each sale once

async function drainAndCompare(r: Real): Promise<{ sales: number; returns: number; events: number }> {
  const w = r.w;
  r.trail.push('-- final drain --');
  w.host.serverDown = false;
  if (!w.host.isUp) w.host.up();
  for (let round = 0; ; round++) {
    expect(
      round,
      `the till does not drain: ${JSON.stringify(await w.outboxes())} phase ${w.state.phase} mode ${w.state.mode} link ${w.state.sync.link}\n  trail: ${r.trail.join(' | ')}`,
    ).toBeLessThan(60);
    // The customer finishes at the PIN pad; the cashier reads a slip the till asks about.
    if (hanging(r)) w.host.terminal.answer(true);
    await w.settle();
    // A revocation the till only now notices: IT enrols it again.
    if (w.state.phase === 'notEnrolled') expect(await w.enrol(), 'enrolment in the final drain').toEqual({ ok: true });
    const payment = w.state.sale.payment;
    if (w.state.sale.unresolvedPayment && payment) await w.run(w.session.resolveUnknownPayment(w.host.terminal.charged(payment.receiptId) !== undefined));
    await w.settle();
    if (w.state.phase === 'ready' && !w.state.sale.payment && (await w.outboxes()).every((o) => o.status !== 'pending')) break;
    await w.tick(15_000);
  }
  await checkInvariants(r, 'final drain', snapshot(r, (await w.journals()).size), { commit: true, customer: true, redeem: true, edit: true }, true);
  // Refused: nothing, except (a known limit, counted and printed) a sale whose customer spent the
  // same bonuses at another till first, beyond the offline allowance, while this till priced from
  // its cached balance; and a return of such a sale.
  const journals = [...(await w.journals()).values()];
  const refusedSales = new Set<string>();
  for (const o of await w.outboxes()) {
    const j = journals.find((x) => x.eventId === o.eventId);
    if (o.type === 'sale' && o.code === 'redemption_exceeds_allowance' && j?.customerId && r.otherTillCustomers.has(j.customerId)) refusedSales.add(o.eventId);
  }
  // Also known: a bank card linked to a customer while it was another's, when the till could not
  // ask the server (offline, not cached); online the till no longer offers that link.
  const refusedLinks = new Set((await w.outboxes()).filter((o) => o.type === 'cardLink' && o.code === 'identifier_taken').map((o) => o.eventId));
  r.refusedLinks += refusedLinks.size;
  const left = (await w.outboxes()).filter(
    (o) => !refusedSales.has(o.eventId) && !(o.event.type === 'return' && refusedSales.has(o.event.original.eventId)) && !refusedLinks.has(o.eventId),
  );
  expect(
    left.map((o) => ({ type: o.type, code: o.code })),
    `events the server refused\n  trail: ${r.trail.join(' | ')}`,
  ).toEqual([]);
  r.refusedForOtherTill += refusedSales.size;

  const rows = await server.db.query<{ event_id: string; receipt_id: string; payable: string; paid: string }>(
    `SELECT event_id::text, receipt_id, till_totals->>'payable' AS payable, payment->>'amountKopecks' AS paid FROM receipts WHERE terminal_id = ANY($1::uuid[])`,
    [w.terminalIds],
  );
  const atServer = rows
    .map((x) => ({ eventId: x.event_id, receiptId: x.receipt_id, payable: Number(x.payable), paid: Number(x.paid) }))
    .sort((a, b) => a.eventId.localeCompare(b.eventId));
  const atTill = journals
    .filter((j) => !refusedSales.has(j.eventId))
    .map((j) => ({ eventId: j.eventId, receiptId: j.receiptId, payable: j.event.totals.payable, paid: j.event.payment.amountKopecks }))
    .sort((a, b) => a.eventId.localeCompare(b.eventId));
  expect(atServer, `the server's sales of this till are its journal, each once\n  trail: ${r.trail.join(' | ')}`).toEqual(atTill);
  expect(new Set(atServer.map((s) => s.receiptId)).size, 'no receipt twice at the server').toBe(atServer.length);
  const returns = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM receipt_returns WHERE terminal_id = ANY($1::uuid[])', [w.terminalIds]);
  const tillReturns = journals.filter((j) => !refusedSales.has(j.eventId)).reduce((n, j) => n + (j.returns?.length ?? 0), 0);
  expect(returns[0]!.n, 'returns at the server').toBe(tillReturns);
  // Supervisor approvals (a no-receipt return among them) reach head office exactly once each, with who approved.
  const approvals = [...(await w.approvals()).values()]
    .map((a) => ({ id: a.id, action: a.action, manager: a.managerName }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const approvedAtServer = await server.db.query<{ id: string; action: string; manager: string }>(
    'SELECT event_id::text AS id, action, manager_name AS manager FROM approvals WHERE terminal_id = ANY($1::uuid[]) ORDER BY event_id::text',
    [w.terminalIds],
  );
  expect(
    approvedAtServer.sort((a, b) => a.id.localeCompare(b.id)),
    `the server's approvals of this till are its journal, each once\n  trail: ${r.trail.join(' | ')}`,
  ).toEqual(approvals);
  const applied = await server.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM applied_events WHERE terminal_id = ANY($1::uuid[]) AND status = 'applied'",
    [w.terminalIds],
  );
  return { sales: atServer.length, returns: tillReturns, events: applied[0]!.n };
}

describe('till session model', () => {
  it(
    'no sequence of cashier actions, device faults and outages loses or doubles a sale, a charge or a basket',
    { timeout: Math.max(180_000, STEPS * 300) },
    async () => {
      const started = Date.now();
      const totals = {
        runs: 0,
        steps: 0,
        sales: 0,
        returns: 0,
        events: 0,
        charges: 0,
        reloads: 0,
        hostStarts: 0,
        enrolments: 0,
        refusedForOtherTill: 0,
        refusedLinks: 0,
      };
      const counts = new Map<string, number>();
      const terminalPlans = new Map<string, number>();
      // fc.commands makes runs of 0..PER_RUN commands, about half of them on average.
      const numRuns = Math.max(1, Math.ceil((2 * STEPS) / PER_RUN));
      // The CI replays keep the command mix they were found with (new commands change every seed's sequences).
      const property = (desk: boolean) =>
        fc.asyncProperty(fc.commands([desk ? withDesk : anyCommand], { maxCommands: PER_RUN, size: 'max' }), async (cmds) => {
          const credentials = new MemoryCredentials();
          const w = await TillWorld.enrolled({ server, startProcess: tillHostProcess(credentials) });
          const real: Real = {
            w,
            credentials,
            cash: new Map(),
            steps: 0,
            trail: [],
            counts,
            errors: [],
            lastShown: null,
            otherTillCustomers: new Set(),
            refusedForOtherTill: 0,
            refusedLinks: 0,
          };
          try {
            await fc.asyncModelRun(() => ({ model: { real }, real }), cmds);
            const drained = await drainAndCompare(real);
            totals.runs++;
            totals.steps += real.steps;
            totals.sales += drained.sales;
            totals.returns += drained.returns;
            totals.events += drained.events;
            totals.charges += w.host.terminal.charges.length;
            for (const [plan, n] of w.host.terminal.plans) terminalPlans.set(plan, (terminalPlans.get(plan) ?? 0) + n);
            totals.reloads += w.reloads;
            totals.hostStarts += w.host.starts;
            totals.enrolments += w.terminalIds.length;
            totals.refusedForOtherTill += real.refusedForOtherTill;
            totals.refusedLinks += real.refusedLinks;
          } finally {
            w.dispose();
          }
        });
      // CI (no seed asked for) replays its seed, then each run that once failed, by seed and path.
      const replays: { seed?: number; path?: string; numRuns: number; desk: boolean }[] =
        !process.env.LT_MODEL_SEED && process.env.CI
          ? [{ seed: CI_SEED, numRuns, desk: true }, ...CI_REPLAYS.map((r) => ({ ...r, numRuns: 1, desk: false }))]
          : [
              {
                numRuns,
                desk: process.env.LT_MODEL_DESK !== '0',
                ...(SEED !== undefined ? { seed: SEED } : {}),
                ...(process.env.LT_MODEL_PATH ? { path: process.env.LT_MODEL_PATH } : {}),
              },
            ];
      for (const { desk, ...plan } of replays) await fc.assert(property(desk), { ...plan, endOnFailure: process.env.LT_MODEL_SHRINK !== '1', verbose: 1 });
      const plans = [...terminalPlans].map(([k, v]) => `${k} ${v}`).join(', ');
      const top = [...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      console.log(
        `till session model: ${totals.runs} runs, ${totals.steps} steps in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `${totals.sales} sales and ${totals.returns} returns reached the server exactly once (${totals.events} events applied); ` +
          `${totals.refusedForOtherTill} sales refused because the customer spent the same bonuses at another till first (known limit); ` +
          `${totals.refusedLinks} card links refused (the card was another customer's, linked while the till could not ask); ` +
          `${totals.charges} terminal transactions, ${totals.reloads} reloads, ${totals.hostStarts} host starts, ${totals.enrolments} enrolments.\n` +
          `  checked after every step: approved charge <-> one sale of its amount, basket shown = draft stored, customer panel = sale's customer, ` +
          `sale frozen while paying, each step changes the sale only as its action may; after each run: server sales = till journals, nothing refused.\n` +
          `  terminal: ${plans}\n  actions: ${top}`,
      );
    },
  );
});
