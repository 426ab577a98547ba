import type { EventOutcome, PushResultItem, SaleEvent } from '../../protocol/events';
import { guardSelect } from '../changeFeed';
import type { Database, Sql } from '../db/database';
import type { ExceptionDraft } from '../exceptions';
import { bookWrites, booksSelect, CustomerBook, DAY_MS, LedgerIds, type BookChanges, type BooksRow } from '../ledger';
import type { ChainRules } from '../rules';
import type { TerminalContext } from '../terminals';
import { customerRefs, lockCustomerIds, lockedCustomer, resolvedRefs, resolveSelect, type LockedCustomer, type ResolvedRow } from './customerRef';
import { inlined } from './inlineSql';
import { Rejection, reject } from './rejection';
import { checkSaleStore, decideSale, saleInstantMs, spendWindow, type ReceiptRow, type SaleLookups } from './saleOutcome';
import { proofKey } from './spendProof';
import { cashierOwnsCustomerSql } from '../cashiers';
import { receiptWrites, type OfferUse } from './saleRecords';

/** A sale of a push. */
export interface RunSale {
  eventId: string;
  ev: SaleEvent;
}

export interface RunResult {
  /** The answers, by event id: every sale of the run but the deferred ones. */
  items: Map<string, PushResultItem>;
  /** Sales left for another transaction: their customer was locked by another run (skipLocked). */
  deferred: RunSale[];
  /** Sales that failed on a fault (answered server_error, retryable): for the log. */
  faults: { eventId: string; err: unknown }[];
}

/** A run that could not be applied as a whole; `cause` says why (a database error, a fault). */
export class RunFailed extends Error {
  constructor(cause: unknown) {
    super('the sale run could not be applied as a whole', { cause });
    this.name = 'RunFailed';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Apply consecutive sales of one push in ONE transaction, with the same answers and effects as
 * applying each in its own (applySale under runOnce). A sale's cost is mostly per statement,
 * per round trip and per commit; here each serves the whole run, in four round trips:
 *
 * 1. With BEGIN: custom plans for this transaction (its statements join arrays of ids against
 *    tables that grow: a plan cached while they were small would scan them), the change-feed
 *    guard, the transaction's clock, then what needs no lock: the recorded answers of
 *    duplicates, cashiers, receipt ids already used, ledger ids for new lots, the customers the
 *    run names.
 * 2. The customers locked in id order. With `skipLocked`, a customer another run holds is
 *    skipped, not waited for: runs sharing a customer would otherwise queue behind each other
 *    whole. That customer's sales are deferred, in order, to a next transaction: sales of
 *    different customers do not see each other, so the answers are those of applying the sales
 *    one by one in an order that keeps each customer's own.
 * 3. Under the locks, the books, spend in each sale's tier period and offer uses; every sale
 *    decided in memory, in order (saleOutcome.ts, as applySale does), against the books as the
 *    sales before it left them. A rejected sale rolls its customer's book back to a checkpoint,
 *    the in-memory savepoint.
 * 4. With COMMIT: everything written in one statement (ledger, lots, balances, customers,
 *    receipts, offer uses, exceptions, and each answer, once, into `applied_events`).
 *    Retryable rejections and deferred sales leave nothing.
 *
 * Exactly once rests on `applied_events`' primary key. The answers are inserted with the rest,
 * not claimed first and updated (which wrote every event's row twice, the second time outside
 * its page: in the push bench 4 % of the database's CPU per sale and 7 % of its bytes). A delivery of the same event still in flight
 * elsewhere (a resend after a lost answer, the one-by-one path) is not seen at BEGIN; the
 * answer's insert then waits for it and fails on its key, the whole run rolls back, and its
 * sales go one by one, where that event is found answered.
 *
 * A database error rolls the whole run back and throws RunFailed: nothing of it was written,
 * and the caller applies the sales one by one, where only a failing one fails.
 */
export async function applySaleRun(
  db: Database,
  rules: ChainRules,
  terminal: TerminalContext,
  run: readonly RunSale[],
  options: { skipLocked: boolean },
): Promise<RunResult> {
  for (const s of run) if (!UUID.test(s.eventId)) throw new TypeError('applySaleRun: event ids must be uuids');
  if (!UUID.test(terminal.terminalId)) throw new TypeError('applySaleRun: terminal id must be a uuid');
  const ids = run.map((s) => s.eventId.toLowerCase());
  if (new Set(ids).size !== ids.length) throw new TypeError('applySaleRun: event ids must differ');
  // A receipt id used twice in the run makes order across customers matter (the second is refused): no deferring.
  const receiptIds = run.map((s) => s.ev.sale.receiptId);
  const skipLocked = options.skipLocked && new Set(receiptIds).size === receiptIds.length;
  const refs = customerRefs(run.flatMap((s) => (s.ev.sale.customer ? [s.ev.sale.customer.id] : [])));
  const cashierIds = [...new Set(run.flatMap((s) => (s.ev.cashierId === undefined ? [] : [s.ev.cashierId])))];
  // Everything before the locks rides with BEGIN, in one round trip: so no parameters, values inlined.
  const begin = `SET LOCAL plan_cache_mode = force_custom_plan;
    SELECT 1 AS opened${guardSelect(db)};
    ${CLOCK};
    ${inlined(SNAPSHOT, [ids, terminal.storeId, cashierIds, terminal.terminalId, receiptIds, run.length, terminal.chainId, refs.ids, refs.aliases])}`;
  try {
    return await db
      .transaction(
        (tx, begun) =>
          applyUnanswered(tx, rules, terminal, run, begun.at(-2)?.[0] as Clock | undefined, begun.at(-1)?.[0] as Snapshot | undefined, refs.refs, skipLocked),
        { begin, beforeCommit: (done) => done.write },
      )
      .then((done) => done.result);
  } catch (err) {
    throw new RunFailed(err);
  }
}

/** The instant the run's sales are decided at: the transaction's start, which its answers record as received_at. */
const CLOCK = `SELECT (extract(epoch FROM now()) * 1000)::float8 AS now_ms`;
type Clock = { now_ms: number };

/**
 * The answers of ids already recorded (a claim of the one-by-one path, 'applying', is not an
 * answer yet), the run's cashiers of this store, receipt ids this terminal used, ledger ids for
 * new lots, and the customers the run names.
 */
const SNAPSHOT = `SELECT
  (SELECT json_agg(json_build_object('id', event_id, 'result', result, 'store', store_id))
     FROM applied_events WHERE event_id = ANY($1::uuid[]) AND status <> 'applying') AS dups,
  ARRAY(SELECT id::text FROM cashiers WHERE store_id = $2::int AND id = ANY($3::bigint[])) AS cashiers,
  ARRAY(SELECT receipt_id FROM receipts WHERE terminal_id = $4::uuid AND receipt_id = ANY($5::text[])) AS used,
  ARRAY(SELECT nextval('ledger_id_seq') FROM generate_series(1, $6::int)) AS ids,
  ${resolveSelect('$7', '$8', '$9')}`;
type Snapshot = ResolvedRow & { dups: { id: string; result: EventOutcome; store: number | null }[] | null; cashiers: string[]; used: string[]; ids: number[] };

/** What the database says of the run's customers, under their locks. */
interface Known {
  /** Each customer reference (lower case) and the customer it names, null for none. */
  byRef: Map<string, LockedCustomer | null>;
  books: Map<number, CustomerBook>;
  /** Eligible net of the customer's receipts in each sale's tier period (by position in the run). */
  spend: number[];
  uses: Map<number, Map<string, number[]>>;
  /** The extra checks' answers for the run's sales, read with the books (see SaleLookups). */
  lookups: SaleLookups;
}

async function applyUnanswered(
  tx: Sql,
  rules: ChainRules,
  terminal: TerminalContext,
  run: readonly RunSale[],
  clock: Clock | undefined,
  snap: Snapshot | undefined,
  refs: readonly string[],
  skipLocked: boolean,
): Promise<{ result: RunResult; write: string | null }> {
  if (!snap || !clock) throw new Error('sale run: no snapshot');
  const nowMs = Number(clock.now_ms);
  const items = duplicates(run, snap, terminal);
  const mine = run.filter((s) => !items.has(s.eventId));
  if (mine.length === 0) return { result: { items, deferred: [], faults: [] }, write: null };

  const resolved = resolvedRefs(refs, snap.resolved);
  const locked = await lockCustomerIds(tx, [...new Set([...resolved.values()].filter((id): id is number => id !== null))], skipLocked);
  const customerOf = (s: RunSale) => (s.ev.sale.customer ? (resolved.get(s.ev.sale.customer.id.toLowerCase()) ?? null) : null);
  const deferred = mine.filter((s) => {
    const id = customerOf(s);
    return id !== null && !locked.has(id);
  });
  const todo = mine.filter((s) => !deferred.includes(s));

  const byRef = new Map<string, LockedCustomer | null>();
  for (const [ref, id] of resolved) byRef.set(ref, id === null ? null : (locked.get(id) ?? null));
  const cashiers = new Set(snap.cashiers);
  const known = await readBooks(tx, rules, terminal, todo, byRef, cashiers, nowMs, new LedgerIds(snap.ids.map(Number)));
  const decided = await decideRun(tx, known, { rules, terminal, todo, nowMs, cashiers, usedReceiptIds: new Set(snap.used) });
  for (const [id, item] of decided.items) items.set(id, item);
  return { result: { items, deferred, faults: decided.faults }, write: runWrite(terminal, decided) };
}

/** Answers for ids recorded before: the first answer, or a refusal when the id was another store's (a client fault). */
function duplicates(run: readonly RunSale[], snap: Snapshot, terminal: TerminalContext): Map<string, PushResultItem> {
  const prev = new Map((snap.dups ?? []).map((d) => [String(d.id), d]));
  const out = new Map<string, PushResultItem>();
  for (const { eventId } of run) {
    const p = prev.get(eventId.toLowerCase());
    if (!p) continue;
    out.set(
      eventId,
      p.store !== terminal.storeId
        ? { eventId, status: 'rejected', code: 'event_id_conflict', message: 'This event id was used by another store.', retryable: false }
        : { eventId, status: 'duplicate', original: p.result },
    );
  }
  return out;
}

/**
 * The locked customers' books, spend in each sale's tier period and offer uses, and what the
 * sales' extra checks ask (cards and bank cards proving a spend, bonuses spent in the last day
 * where the chain caps them, cashiers buying on their own card): one round trip, after the locks.
 */
async function readBooks(
  tx: Sql,
  rules: ChainRules,
  terminal: TerminalContext,
  todo: readonly RunSale[],
  byRef: Map<string, LockedCustomer | null>,
  cashiers: ReadonlySet<string>,
  nowMs: number,
  pool: LedgerIds,
): Promise<Known> {
  const ids = [...new Set([...byRef.values()].flatMap((c) => (c ? [c.id] : [])))];
  const customerOf = (s: RunSale) => {
    const ref = s.ev.sale.customer?.id;
    return ref === undefined ? null : (byRef.get(ref.toLowerCase()) ?? null);
  };
  const windows = todo.map((s) => {
    const c = customerOf(s);
    return { customerId: c ? c.id : null, ...spendWindow(rules.programme, saleInstantMs(s.ev, nowMs)) };
  });
  const proofs = todo.flatMap((s) => {
    const c = customerOf(s);
    const key = c ? proofKey(s.ev) : null;
    return c && key ? [{ ...key, customerId: c.id }] : [];
  });
  const ownCards = todo.flatMap((s) => {
    const c = customerOf(s);
    return c && s.ev.cashierId !== undefined && cashiers.has(s.ev.cashierId) ? [{ cashierId: Number(s.ev.cashierId), customerId: c.id }] : [];
  });
  const sinceMs = nowMs - DAY_MS;
  const capped = rules.programme.dailySpendCapKopecks === undefined ? [] : ids;
  const [row] = await tx.query<
    BooksRow & {
      spend: number[];
      uses: { c: number; o: string; t: number[] }[] | null;
      owned: string[];
      redeemed: { c: number; s: number }[] | null;
      own: string[];
    }
  >(
    `SELECT ${booksSelect('$4')},
            ARRAY(SELECT CASE WHEN w.c IS NULL THEN 0 ELSE (
                      SELECT COALESCE(sum(r.eligible_net), 0) FROM receipts r
                      WHERE r.customer_id = w.c AND r.sold_at > to_timestamp(w.f / 1000) AND r.sold_at <= to_timestamp(w.t / 1000)) END
                    FROM unnest($1::bigint[], $2::float8[], $3::float8[]) WITH ORDINALITY AS w(c, f, t, n) ORDER BY w.n) AS spend,
            (SELECT json_agg(json_build_object('c', u.customer_id, 'o', u.offer_id, 't', u.times)) FROM (
               SELECT customer_id, offer_id, array_agg((extract(epoch FROM used_at) * 1000)::float8) AS times FROM offer_uses
               WHERE customer_id = ANY($4::bigint[]) AND offer_id = ANY($5::text[]) GROUP BY customer_id, offer_id) u) AS uses,
            ARRAY(SELECT i.kind || ':' || i.customer_id || ':' || i.key FROM unnest($6::text[], $7::text[], $8::bigint[]) AS q(k, key, c)
                  JOIN identifiers i ON i.chain_id = $9::int AND i.kind = q.k AND i.key = q.key AND i.customer_id = q.c) AS owned,
            (SELECT json_agg(json_build_object('c', customer_id, 's', s)) FROM (
               SELECT customer_id, -sum(amount) AS s FROM ledger
               WHERE customer_id = ANY($10::bigint[]) AND kind = 'redemption' AND created_at > $11::timestamptz GROUP BY customer_id) d) AS redeemed,
            ARRAY(SELECT q.ca || ':' || q.c FROM unnest($12::bigint[], $13::bigint[]) AS q(ca, c)
                  JOIN cashiers ca ON ca.id = q.ca WHERE ${cashierOwnsCustomerSql('q.c')}) AS own`,
    [
      windows.map((w) => w.customerId),
      windows.map((w) => w.fromMs),
      windows.map((w) => w.toMs),
      ids,
      rules.limited.map((o) => o.id),
      proofs.map((p) => p.kind),
      proofs.map((p) => p.key),
      proofs.map((p) => p.customerId),
      terminal.chainId,
      capped,
      new Date(sinceMs).toISOString(),
      ownCards.map((o) => o.cashierId),
      ownCards.map((o) => o.customerId),
    ],
  );
  const uses = new Map<number, Map<string, number[]>>(ids.map((id) => [id, new Map()]));
  for (const u of row?.uses ?? []) uses.get(Number(u.c))?.set(u.o, u.t.map(Number));
  const owned = new Set(row?.owned ?? []);
  const redeemed = new Map((row?.redeemed ?? []).map((r) => [Number(r.c), Number(r.s)]));
  const own = new Set(row?.own ?? []);
  const lookups: SaleLookups = {
    owns: async (kind, key, customerId) => owned.has(`${kind}:${customerId}:${key}`),
    async redeemedSince(customerId, since) {
      // Every sale of the run is decided at the run's one `nowMs`; another instant would need its own read.
      if (since !== sinceMs) throw new Error('sale run: redemptions read for another instant');
      return redeemed.get(customerId) ?? 0;
    },
    cashierIsCustomer: async (cashierId, customerId) => own.has(`${cashierId}:${customerId}`),
  };
  return { byRef, books: CustomerBook.fromBooksRow(row, ids, nowMs, pool), spend: (row?.spend ?? []).map(Number), uses, lookups };
}

interface RunWrites {
  items: Map<string, PushResultItem>;
  faults: { eventId: string; err: unknown }[];
  changes: BookChanges[];
  receipts: ReceiptRow[];
  offerUses: OfferUse[];
  exceptions: { eventId: string; draft: ExceptionDraft }[];
  recorded: { eventId: string; outcome: EventOutcome }[];
}

/**
 * Decide every sale of the run in order against `known` (changing it), as applying them one
 * after another would: each later sale sees the purchases, tiers, spend and offer uses of the
 * earlier ones.
 */
async function decideRun(
  tx: Sql,
  known: Known,
  inputs: {
    rules: ChainRules;
    terminal: TerminalContext;
    todo: readonly RunSale[];
    nowMs: number;
    cashiers: ReadonlySet<string>;
    usedReceiptIds: ReadonlySet<string>;
  },
): Promise<RunWrites> {
  const { rules, terminal, todo, nowMs } = inputs;
  const customers = new Map<number, LockedCustomer>();
  for (const c of known.byRef.values()) if (c && !customers.has(c.id)) customers.set(c.id, c);
  const uses = known.uses;
  const runSpend = new Map<number, { atMs: number; eligibleNet: number }[]>();
  const receiptIds = new Set(inputs.usedReceiptIds);
  const purchases = new Map<number, number>();
  const tiers = new Map<number, string>();
  const out: RunWrites = { items: new Map(), faults: [], changes: [], receipts: [], offerUses: [], exceptions: [], recorded: [] };

  for (const [i, { eventId, ev }] of todo.entries()) {
    const ref = ev.sale.customer?.id ?? null;
    const found = ref === null ? null : (known.byRef.get(ref.toLowerCase()) ?? null);
    const customer = found ? customers.get(found.id)! : null;
    const book = customer ? (known.books.get(customer.id) ?? null) : null;
    const checkpoint = book?.checkpoint() ?? null;
    try {
      checkSaleStore(terminal, ev);
      if (ref !== null && !customer) lockedCustomer([], ref); // throws customer_unknown, retryable for a till-made id
      const window = spendWindow(rules.programme, saleInstantMs(ev, nowMs));
      const earlier = customer ? (runSpend.get(customer.id) ?? []) : [];
      const spend = (known.spend[i] ?? 0) + earlier.reduce((s, r) => s + (r.atMs > window.fromMs && r.atMs <= window.toMs ? r.eligibleNet : 0), 0);
      const decision = await decideSale(tx, {
        terminal,
        rules,
        ev,
        eventId,
        nowMs,
        subject: {
          customer: customer ? { ...customer } : null,
          book,
          spendInWindow: spend,
          offerUses: (customer && uses.get(customer.id)) || new Map(),
          cashierId: ev.cashierId !== undefined && inputs.cashiers.has(ev.cashierId) ? Number(ev.cashierId) : null,
        },
        lookups: known.lookups,
      });
      if (receiptIds.has(ev.sale.receiptId)) {
        reject('receipt_id_reused', `Receipt "${ev.sale.receiptId}" was already pushed by this terminal under another event id.`);
      }
      receiptIds.add(ev.sale.receiptId);

      if (customer) {
        book?.stamp({ eventId, terminalId: terminal.terminalId, receiptId: ev.sale.receiptId });
        // As the next sale's lock would read the customer: one purchase more, the tier lifted.
        customer.purchaseCount += 1;
        purchases.set(customer.id, (purchases.get(customer.id) ?? 0) + 1);
        if (decision.tier) {
          customer.tier = decision.tier;
          tiers.set(customer.id, decision.tier);
        }
        runSpend.set(customer.id, [...earlier, { atMs: decision.receipt.soldAtMs, eligibleNet: decision.receipt.eligibleNet }]);
        const byOffer = uses.get(customer.id) ?? new Map<string, number[]>();
        for (const offerId of decision.usedOffers) {
          byOffer.set(offerId, [...(byOffer.get(offerId) ?? []), decision.receipt.soldAtMs]);
          out.offerUses.push({ customerId: customer.id, offerId, atMs: decision.receipt.soldAtMs, eventId });
        }
        uses.set(customer.id, byOffer);
      }
      out.receipts.push(decision.receipt);
      for (const draft of decision.flags) out.exceptions.push({ eventId, draft });
      out.recorded.push({ eventId, outcome: { status: 'applied', result: decision.result } });
      out.items.set(eventId, { eventId, status: 'applied', result: decision.result });
    } catch (err) {
      if (book && checkpoint) book.rollback(checkpoint);
      if (err instanceof Rejection && !err.retryable) {
        out.recorded.push({ eventId, outcome: { status: 'rejected', code: err.code, message: err.message, retryable: false } });
        out.exceptions.push({ eventId, draft: { kind: 'rejected_event', details: { type: 'sale', code: err.code } } });
        out.items.set(eventId, { eventId, status: 'rejected', code: err.code, message: err.message, retryable: false });
        continue;
      }
      // Retryable, or a fault: nothing recorded, and the till sends the sale again.
      if (!(err instanceof Rejection)) out.faults.push({ eventId, err });
      out.items.set(
        eventId,
        err instanceof Rejection
          ? { eventId, status: 'rejected', code: err.code, message: err.message, retryable: true }
          : { eventId, status: 'rejected', code: 'server_error', message: 'The server failed on this event; send it again later.', retryable: true },
      );
    }
  }

  for (const [id, book] of known.books) {
    const n = purchases.get(id) ?? 0;
    const c = book.drain(n > 0 ? { purchases: n, tier: tiers.get(id) ?? null } : null);
    if (c) out.changes.push(c);
  }
  return out;
}

/**
 * Everything the run writes, as one statement that rides with COMMIT (values inlined); null when
 * there is nothing to write. An answer recorded meanwhile by another transaction fails the
 * answers' insert on its key, and with it the whole run (in event id order, as every run inserts
 * them, so that two runs sharing ids wait for each other rather than deadlock).
 */
function runWrite(terminal: TerminalContext, w: RunWrites): string | null {
  if (w.changes.length === 0 && w.receipts.length === 0 && w.recorded.length === 0) return null;
  const books = bookWrites(w.changes, 1);
  const sales = receiptWrites(terminal, w.receipts, w.offerUses, 1 + books.params.length);
  const n = 1 + books.params.length + sales.params.length;
  const $ = (k: number) => `$${n + k - 1}`;
  const text = `WITH ${books.ctes}, ${sales.ctes},
     run_exceptions AS (
       INSERT INTO exceptions (chain_id, kind, event_id, terminal_id, store_id, customer_id, details)
       SELECT ${$(1)}::int, j->>'kind', (j->>'eventId')::uuid, ${$(2)}::uuid, ${$(3)}::int, (j->>'customerId')::bigint, COALESCE(j->'details', '{}'::jsonb)
       FROM jsonb_array_elements(${$(4)}::jsonb) WITH ORDINALITY AS x(j, n)
       ORDER BY x.n
       RETURNING 1),
     run_answers AS (
       INSERT INTO applied_events (event_id, terminal_id, store_id, type, status, result)
       SELECT (j->>'eventId')::uuid, ${$(2)}::uuid, ${$(3)}::int, 'sale', j->'outcome'->>'status', j->'outcome'
       FROM jsonb_array_elements(${$(5)}::jsonb) AS x(j)
       ORDER BY (j->>'eventId')::uuid
       RETURNING 1)
     SELECT (SELECT count(*) FROM run_answers) AS answered`;
  return inlined(text, [
    ...books.params,
    ...sales.params,
    terminal.chainId,
    terminal.terminalId,
    terminal.storeId,
    JSON.stringify(
      w.exceptions.map((e) => ({ kind: e.draft.kind, eventId: e.eventId, customerId: e.draft.customerId ?? null, details: e.draft.details ?? {} })),
    ),
    JSON.stringify(w.recorded),
  ]);
}
