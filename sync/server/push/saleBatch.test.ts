import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferInput } from '../../../core/engine';
import type { PushResultItem, TillEvent } from '../../protocol/events';
import { createCashier } from '../cashiers';
import type { Database, Row, Sql } from '../db/database';
import { demoBalance, demoCardNumber, demoPhone, seedDemo } from '../demoSeed';
import { verifyLedger } from '../ledger';
import { putOffers, putProgramme, RulesCache } from '../rules';
import { authenticateTerminal, createEnrolmentCode, enrol, type TerminalContext } from '../terminals';
import { testDatabases } from '../testing/databases';
import { daysAgo, line, registration, sale, saleReturn } from '../testing/events';
import { pushBatch, type PushOptions } from './pushBatch';
import { applySaleRun } from './saleBatch';

/**
 * Sales applied together (saleBatch.ts) must answer and write exactly what applying each
 * alone does (applySale under runOnce). Two databases seeded alike get the same pushes, one
 * each way, and are compared answer by answer and row by row.
 */

/** A limited offer, so that offer uses are counted within a run as between runs. */
const DAIRY_TWICE: OfferInput = {
  id: 'dairy-twice',
  name: { ru: 'Молочное: +10 % дважды в месяц', en: 'Dairy: +10 % twice a month' },
  target: { categories: ['dairy'] },
  effect: { type: 'extraAccrual', basisPoints: 1_000 },
  limit: { perCustomer: 2, periodDays: 30 },
};

interface Side {
  db: Database;
  rules: RulesCache;
  terminal: TerminalContext;
  logged: string[];
  push(events: readonly TillEvent[], options?: PushOptions): Promise<PushResultItem[]>;
}

async function openSide(open: () => Promise<Database>, saleRuns: boolean): Promise<Side> {
  const db = await open();
  await seedDemo(db, 300);
  await putOffers(db, 1, [DAIRY_TWICE]);
  await createCashier(db, 1, { personnelNo: '101', name: 'Анна Смирнова', pin: '1357' });
  // A cashier who is also customer 60 (by the card) and 64 (by the phone): id 2.
  await createCashier(db, 1, { personnelNo: '102', name: 'Борис Ершов', pin: '2468', card: demoCardNumber(60), phone: demoPhone(64) });
  const { code } = await createEnrolmentCode(db, 1, 10);
  const { token } = await enrol(db, code, 'Till');
  const terminal = (await authenticateTerminal(db, token))!;
  const rules = new RulesCache();
  const logged: string[] = [];
  const record = (_obj: unknown, msg?: string) => void logged.push(msg ?? '');
  const log = { error: record, warn: record, info: record, debug: record } as unknown as FastifyBaseLogger;
  return {
    db,
    rules,
    terminal,
    logged,
    push: (events, options = { saleRuns }) => pushBatch(db, rules, terminal, events, log, undefined, options),
  };
}

/** Everything the pushes wrote, with what differs by nature (ledger ids, clocks, terminal ids) named by what it stands for. */
async function written(db: Sql): Promise<Record<string, unknown[]>> {
  const credits = await db.query<{ id: number; event_id: string | null; kind: string }>(`SELECT id, event_id::text, kind FROM ledger WHERE lot_id = id`);
  const lotName = new Map(credits.map((c) => [String(c.id), c.event_id ? `${c.kind}:${c.event_id}` : `seed:${c.id}`]));
  const lot = (id: unknown) => (id === null ? null : (lotName.get(String(id)) ?? String(id)));
  const rows = async (sql: string) => (await db.query(sql)).map((r) => JSON.stringify(r)).sort();
  const lots = await db.query<Row & { id: number; kind?: string }>(
    `SELECT id, customer_id, amount, remaining, activated, earned_at, available_at, expires_at FROM lots`,
  );
  const receipts = await db.query<Row & { redemption_takes: { lotId: string; amount: number }[]; accrual_lot_id: number | null }>(
    `SELECT event_id::text, receipt_id, customer_id, sold_at, sale, till_totals, server_totals, posted, difference, eligible_net,
            payment, redemption_takes, accrual_lot_id, cashier_id, fiscal FROM receipts`,
  );
  return {
    answers: await rows(`SELECT event_id::text, type, status, result FROM applied_events`),
    ledger: (
      await db.query<Row & { lot_id: number | null }>(
        `SELECT customer_id, kind, amount, bucket, lot_id, expires_at, reason, event_id::text, receipt_id FROM ledger`,
      )
    )
      .map((r) => JSON.stringify({ ...r, lot_id: lot(r.lot_id), ...(r.event_id === null ? { expires_at: null } : {}) }))
      .sort(),
    // Seeded lots and lots a return credits are dated by the server's clock, which differs between the two databases.
    lots: lots
      .map((l) => {
        const name = lot(l.id) ?? '';
        const clocked = name.startsWith('return:') || name.startsWith('seed:');
        return JSON.stringify({ ...l, id: name, ...(clocked ? { earned_at: null, available_at: null, expires_at: null } : {}) });
      })
      .sort(),
    balances: await rows(`SELECT customer_id, balance, pending, debt FROM balances`),
    customers: await rows(`SELECT id, tier, purchase_count FROM customers`),
    receipts: receipts
      .map((r) =>
        JSON.stringify({
          ...r,
          redemption_takes: r.redemption_takes.map((t) => ({ ...t, lotId: t.lotId === 'debt' ? 'debt' : lot(t.lotId) })),
          accrual_lot_id: lot(r.accrual_lot_id),
        }),
      )
      .sort(),
    offerUses: await rows(`SELECT customer_id, offer_id, used_at, event_id::text FROM offer_uses`),
    exceptions: await rows(`SELECT kind, event_id::text, customer_id, details FROM exceptions`),
    returns: await rows(`SELECT event_id::text, sale_event_id::text, result, fiscal FROM receipt_returns`),
  };
}

/** The fiscal document a till with a register sends with its sale (issue 14): the n-th of its fiscal drive. */
const fiscalised = <E extends TillEvent>(ev: E, n: number): E => ({
  ...ev,
  fiscal: {
    documentNumber: n,
    fiscalSign: String(3_000_000_000 + n),
    dateTime: '2026-12-07T08:00:00+03:00',
    shiftNumber: 12,
    fnNumber: '7380440800000001',
    registrationNumber: '0000000001012345',
  },
});

/** Products of a category in the demo catalogue. */
const productsIn = (category: string) => Array.from({ length: 300 }, (_, i) => i + 1).filter((n) => line(n).categories.includes(category));

/** Pushes that exercise every answer a sale can get, with runs broken by other events and repeated ids. */
function pushes(): TillEvent[][] {
  const dairy = productsIn('dairy');
  const grocery = productsIn('grocery');
  const regA = registration({ phone: '+79990001101', welcome: 20_000 });
  const regLater = registration({ phone: '+79990001102', welcome: 20_000 });
  const s = (customerId: string | null, o: Partial<Parameters<typeof sale>[0]> = {}) =>
    sale({
      customerId,
      available: customerId && /^\d+$/.test(customerId) ? demoBalance(Number(customerId)) : 20_000,
      lines: [line(grocery[0]!), line(dairy[1]!, 2)],
      ...o,
    });

  const first = s('5', { redeem: 3_000 });
  const repeated = s('6');
  const reusedInRun = s('8', { receiptId: 'r-reused-in-run' });
  const forReturn = s('9', { lines: [line(grocery[2]!, 3), line(dairy[2]!)], redeem: 1_000 });
  const push1: TillEvent[] = [
    regA,
    first.event,
    s(regA.customerId).event, // the registration just before, in the same push
    s(null).event,
    s(null, { totals: { accrued: 500 } }).event, // bonuses without a customer
    s('7', { storeId: 2 }).event, // another store's sale
    s('999999').event, // no such customer
    s(regLater.customerId).event, // registered later in this push: retry later
    s('10', { totals: { payable: 1 } }).event, // totals that do not add up
    s('11', { redeem: 'max', available: 10_000_000, lines: [line(24, 60)] }).event, // beyond the offline allowance
    s('12', { redeem: 'max', available: demoBalance(12) + 20_000, online: false, lines: [line(24, 60)] }).event, // overdraft within it
    s('13', { totals: { accrued: 9_999_999 } }).event, // accrual clamped
    repeated.event,
    repeated.event, // the same event twice in one push
    reusedInRun.event,
    s('14', { receiptId: 'r-reused-in-run' }).event, // the receipt id again, under another event id
    { ...s('15').event, cashierId: '1' }, // a cashier of the store
    fiscalised(s('17').event, 101), // a till with a register: its fiscal document is kept with the receipt
    fiscalised(s(null).event, 102),
    { ...s('16').event, cashierId: '4242' }, // someone who is not
    // Three sales of one customer: purchases, spend and the limited offer's uses carry from one to the next.
    s('20', { lines: [line(dairy[0]!, 2)] }).event,
    s('20', { lines: [line(dairy[0]!, 1), line(grocery[1]!)] }).event,
    s('20', { lines: [line(dairy[3]!, 4)] }).event,
    s('23', { lines: [line(dairy[3]!, 4)], at: daysAgo(2) }).event, // dated back: its spend window and offer period too
    // A base-tier customer crossing into silver, then buying again at the new tier.
    s('1', { lines: [line(24, 60)] }).event,
    s('1', { lines: [line(dairy[4]!, 3)] }).event,
    fiscalised(forReturn.event, 103),
    fiscalised(saleReturn(forReturn, [{ lineId: forReturn.event.sale.lines[0]!.lineId, quantityMilli: 1_000 }]).event, 104), // breaks the run
    s('9', { lines: [line(grocery[3]!)] }).event,
    regLater,
    s('21').event,
    s('21', { redeem: 2_000 }).event,
  ];
  const push2: TillEvent[] = [
    ...push1, // everything again: duplicates, and the retryable sale now finds its customer
    s('22', { receiptId: first.event.sale.receiptId }).event, // a receipt id pushed before, under a new event id
    s('5', { redeem: 1_000 }).event,
  ];
  // Many customers, several sales each, in one run.
  const push3 = Array.from({ length: 120 }, (_, i) => {
    const ev = s(String(30 + (i % 45)), { redeem: i % 3 === 0 ? 500 : 0, lines: [line(dairy[i % 5]!, 1 + (i % 3)), line(grocery[i % 7]!)] }).event;
    return i % 4 === 0 ? fiscalised(ev, 200 + i) : ev;
  });
  return [push1, push2, push3];
}

describe.each(testDatabases())('sale runs on $name', ({ name, open }) => {
  let batched: Side;
  let alone: Side;
  beforeAll(async () => {
    batched = await openSide(open, true);
    alone = await openSide(open, false);
  });
  afterAll(async () => {
    await batched?.db.close();
    await alone?.db.close();
  });

  it('answers and writes exactly what applying each sale alone does', async () => {
    for (const events of pushes()) {
      const a = await batched.push(events);
      const b = await alone.push(events);
      expect(a).toEqual(b);
    }
    const [a, b] = [await written(batched.db), await written(alone.db)];
    for (const table of Object.keys(b)) expect({ table, rows: a[table] }).toEqual({ table, rows: b[table] });
    // The scenario did reach the paths it is about.
    const statuses = JSON.stringify(a.answers);
    const customers = (a.customers ?? []).map((c) => JSON.parse(String(c)) as { id: number; tier: string });
    const offerUses = (a.offerUses ?? []).map((u) => JSON.parse(String(u)) as { customer_id: number });
    for (const code of ['wrong_store', 'customer_unknown', 'totals_inconsistent', 'redemption_exceeds_allowance', 'receipt_id_reused']) {
      expect(statuses).toContain(code);
    }
    for (const kind of ['overdraft', 'accrual_clamped', 'cashier_unknown', 'price_difference']) expect(JSON.stringify(a.exceptions)).toContain(kind);
    expect(customers.find((c) => Number(c.id) === 1)?.tier).toBe('silver');
    expect(offerUses.filter((u) => Number(u.customer_id) === 20)).toHaveLength(2);
    // Fiscalised sales and the return keep their documents, as the till sent them.
    expect((a.receipts ?? []).filter((r) => String(r).includes('"fiscal":{')).length).toBeGreaterThanOrEqual(3 + 30);
    expect((a.returns ?? []).map((r) => (JSON.parse(String(r)) as { fiscal: { documentNumber: number } | null }).fiscal?.documentNumber)).toContain(104);
    expect(await verifyLedger(batched.db)).toEqual([]);
    expect(batched.logged).toEqual([]);
  }, 120_000);

  it('falls back to one transaction per sale when the run fails as a whole, and only the failing sale fails', async () => {
    // A database fault on one receipt: the run cannot commit, each sale is tried alone.
    const trap = `CREATE FUNCTION trap_receipt() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.receipt_id = 'r-trap' THEN RAISE EXCEPTION 'trapped'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER trap_receipt BEFORE INSERT ON receipts FOR EACH ROW EXECUTE FUNCTION trap_receipt();`;
    await batched.db.exec(trap);
    await alone.db.exec(trap);
    const events = [40, 41, 42, 43].map(
      (n) => sale({ customerId: String(n), available: demoBalance(n), lines: [line(3)], receiptId: n === 42 ? 'r-trap' : undefined }).event,
    );
    const a = await batched.push(events);
    expect(a).toEqual(await alone.push(events));
    expect(a.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['applied', 'applied', 'server_error', 'applied']);
    expect(batched.logged).toContain('sale run applied one event at a time');
    expect(await written(batched.db)).toEqual(await written(alone.db));
  });

  it('applies a run of a hundred sales in four round trips', async () => {
    // BEGIN travels with its opening statements and COMMIT with the last one: a round trip each, and one per query between.
    let roundTrips = 0;
    const counting: Database = {
      ...batched.db,
      transaction: (fn, options) => {
        roundTrips += 2;
        return batched.db.transaction((tx, begun) => fn({ ...tx, query: (text, params) => (roundTrips++, tx.query(text, params)) }, begun), options);
      },
    };
    const rules = new RulesCache();
    // As current tills send them: the card that identified the customer, the cashier, a spend now and then.
    const run = Array.from(
      { length: 100 },
      (_, i) =>
        sale({
          customerId: String(100 + i),
          available: demoBalance(100 + i),
          lines: [line(2 + (i % 50))],
          redeem: i % 3 === 0 ? 100 : 0,
          identity: { via: 'card', card: demoCardNumber(100 + i) },
        }).event,
    ).map((ev) => ({ eventId: ev.eventId, ev: { ...ev, cashierId: '1' } }));
    const rulesNow = await rules.get(batched.db, 1);
    const done = await applySaleRun(counting, rulesNow!, batched.terminal, run, { skipLocked: false });
    expect([...done.items.values()].every((r) => r.status === 'applied')).toBe(true);
    await alone.push(run.map((r) => r.ev)); // keep the two databases alike for the next test
    // BEGIN with what needs no lock, the lock, the books (and the cards proving the
    // spends, the cashier checks), COMMIT with the writes: none per sale.
    expect(roundTrips).toBe(4);
  });

  it.skipIf(name !== 'postgres')('defers the sales of a customer another run holds, and applies them once it lets go', async () => {
    const events = [50, 51, 52, 51, 53].map((n) => sale({ customerId: String(n), available: demoBalance(n), lines: [line(5)] }).event);
    const rules = await batched.rules.get(batched.db, 1);
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    let locked = () => undefined as void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = batched.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM customers WHERE id = 51 FOR NO KEY UPDATE');
      locked();
      await held;
    });
    await isLocked;
    const run = events.map((ev) => ({ eventId: ev.eventId, ev: ev as Extract<TillEvent, { type: 'sale' }> }));
    const first = await applySaleRun(batched.db, rules!, batched.terminal, run, { skipLocked: true });
    expect(first.deferred.map((s) => s.ev.sale.customer?.id)).toEqual(['51', '51']);
    expect([...first.items.keys()].sort()).toEqual([events[0]!, events[2]!, events[4]!].map((e) => e.eventId).sort());
    release();
    await holder;
    const second = await applySaleRun(batched.db, rules!, batched.terminal, first.deferred, { skipLocked: false });
    expect(second.deferred).toEqual([]);
    const answers = new Map([...first.items, ...second.items]);
    const reference = await alone.push(events);
    expect(events.map((e) => answers.get(e.eventId))).toEqual(reference);
    expect(await written(batched.db)).toEqual(await written(alone.db));
  });

  it('proves spends, spots cashiers buying for themselves and caps the day as applying each sale alone does', async () => {
    // Last in the file: the daily cap it sets stays on for both databases.
    for (const side of [batched, alone]) {
      const current = (await side.db.query<{ body: Record<string, unknown> & { version: number } }>('SELECT body FROM programmes WHERE chain_id = 1'))[0]!.body;
      await putProgramme(side.db, 1, { ...current, version: current.version + 1, dailySpendCapKopecks: 4_000 });
    }
    const spend = (n: number, redeem: number, identity?: Parameters<typeof sale>[0]['identity'], cashierId?: string) => {
      const ev = sale({ customerId: String(n), available: demoBalance(n), lines: [line(productsIn('grocery')[0]!, 5)], redeem, identity }).event;
      return cashierId === undefined ? ev : { ...ev, cashierId };
    };
    const events: TillEvent[] = [
      spend(61, 1_500, { via: 'card', card: demoCardNumber(61) }), // proven by their own card
      spend(62, 1_000, { via: 'card', card: demoCardNumber(63) }), // someone else's card: unproven, within the phone allowance
      spend(62, 50_000, { via: 'card', card: demoCardNumber(63) }), // unproven beyond it: refused
      spend(65, 500, { via: 'bank' }), // a bank card the sale does not name
      spend(66, 300), // a till from before issue 13
      spend(60, 0, { via: 'card', card: demoCardNumber(60) }, '2'), // the cashier on their own card
      spend(64, 0, { via: 'phone' }, '2'), // the cashier by their phone
      spend(67, 0, undefined, '1'), // another cashier's customer
      spend(61, 2_000, { via: 'card', card: demoCardNumber(61) }), // 3 500 today
      spend(61, 1_000, { via: 'card', card: demoCardNumber(61) }), // 4 500: over the cap
      spend(61, 500, { via: 'card', card: demoCardNumber(61) }), // 4 000: at the cap
    ];
    const a = await batched.push(events);
    expect(a).toEqual(await alone.push(events));
    // (A demo tier the fixture's till does not know shows as a price difference: beside the point here.)
    const outcome = a.map((r) =>
      r.status === 'applied' ? r.result.flags.filter((f) => f !== 'price_difference').join('+') || 'applied' : r.status === 'rejected' ? r.code : r.status,
    );
    expect(outcome).toEqual([
      'applied',
      'phone_spend_unconfirmed',
      'spend_needs_phone_code',
      'phone_spend_unconfirmed',
      'spend_identity_unknown',
      'cashier_own_card',
      'cashier_own_card',
      'applied',
      'applied',
      'daily_spend_cap',
      'applied',
    ]);
    // The next push sees what this one spent: 61 is at the cap in another run.
    const again = [spend(61, 1, { via: 'card', card: demoCardNumber(61) }), spend(68, 0), spend(69, 0)];
    const b = await batched.push(again);
    expect(b).toEqual(await alone.push(again));
    expect(b[0]).toMatchObject({ status: 'rejected', code: 'daily_spend_cap' });
    expect(await written(batched.db)).toEqual(await written(alone.db));
  });

  // Last: it leaves the two databases different.
  it.skipIf(name !== 'postgres')('answers a sale that another delivery answers meanwhile once, as that delivery did, and applies the rest', async () => {
    const events = [70, 71, 72].map((n) => sale({ customerId: String(n), available: demoBalance(n), lines: [line(6)] }).event);
    const [inFlight] = events;
    const earlier = { status: 'rejected', code: 'wrong_store', message: 'as the other delivery answered', retryable: false };
    // Another delivery of the first sale (another instance, the one-by-one path) is answering it, not committed yet.
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    let answering = () => undefined as void;
    const isAnswering = new Promise<void>((r) => (answering = r));
    const other = batched.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO applied_events (event_id, terminal_id, store_id, type, status, result) VALUES ($1, $2, $3, 'sale', 'rejected', $4)`, [
        inFlight!.eventId,
        batched.terminal.terminalId,
        batched.terminal.storeId,
        JSON.stringify(earlier),
      ]);
      answering();
      await held;
    });
    await isAnswering;
    const pushed = batched.push(events);
    // The run cannot see that answer yet: it waits on it when it writes its own, and only then may the other delivery commit.
    for (let waited = 0; ; waited++) {
      const [row] = await batched.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
      );
      if (row!.n > 0) break;
      if (waited > 200) throw new Error('the run never waited for the other delivery');
      await new Promise((r) => setTimeout(r, 25));
    }
    release();
    await other;
    const answers = await pushed;
    expect(answers[0]).toEqual({ eventId: inFlight!.eventId, status: 'duplicate', original: earlier });
    expect(answers.slice(1).map((a) => a.status)).toEqual(['applied', 'applied']);
    expect(batched.logged).toContain('sale run applied one event at a time');
    const [counts] = await batched.db.query<{ answers: number; receipts: number }>(
      `SELECT (SELECT count(*)::int FROM applied_events WHERE event_id = ANY($1::uuid[])) AS answers,
              (SELECT count(*)::int FROM receipts WHERE event_id = ANY($1::uuid[])) AS receipts`,
      [events.map((e) => e.eventId)],
    );
    expect(counts).toEqual({ answers: 3, receipts: 2 });
    expect(await verifyLedger(batched.db)).toEqual([]);
  });
});
