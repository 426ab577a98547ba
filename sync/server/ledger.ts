import { applyRedemption, lotState, restoreRedemption, reverseAccrual, type Lot, type LotTake } from '../../core/engine';
import type { Sql } from './db/database';

/**
 * The bonus ledger of one customer inside one transaction. The `ledger` table is append-only
 * and the truth; `lots` and `balances` are caches of it written in the same transaction.
 *
 * Model: every credit is a lot (its ledger row id is the lot id). A debit row names the lot
 * it draws from, chosen by the engine's lot rules (soonest to expire first); a debit no lot
 * can back (offline overspend) has no lot and is the customer's debt, settled from the next
 * lots that become spendable. Two buckets: `pending` (inside the return window) and
 * `available`; activation moves a lot's remainder across with a pair of rows. So:
 *   balance = sum(amount) of available rows, pending = sum(amount) of pending rows,
 *   debt = -sum(amount) of rows without a lot, lot remaining = sum(amount) of its rows.
 */

export type Bucket = 'available' | 'pending';
export type LedgerKind = 'accrual' | 'welcome' | 'activation' | 'redemption' | 'expiry' | 'return' | 'adjustment' | 'settlement';

export const DAY_MS = 86_400_000;
/** The pseudo-lot standing for the unbacked part of a redemption when it is given back. */
export const DEBT_LOT = 'debt';

interface BookLot {
  id: number;
  amount: number;
  remaining: number;
  earnedAtMs: number;
  availableAtMs: number;
  expiresAtMs: number;
  activated: boolean;
  isNew: boolean;
  dirty: boolean;
}

interface Posting {
  rowId: number | null;
  kind: LedgerKind;
  amount: number;
  bucket: Bucket;
  lotId: number | null;
  activeFromMs: number;
  expiresAtMs: number | null;
  reason: string | null;
  /** Which event (or job, or adjustment) wrote it: set by `stamp` before the write. */
  meta: EntryMeta | null;
}

export interface EntryMeta {
  eventId: string | null;
  terminalId: string | null;
  receiptId: string | null;
}

export interface BalanceState {
  available: number;
  pending: number;
  debt: number;
}

type LotJson = { id: number; amount: number; remaining: number; earned: number; available: number; expires: number; activated: boolean };

const LOT_JSON = `json_build_object('id', id, 'amount', amount, 'remaining', remaining,
  'earned', extract(epoch FROM earned_at) * 1000, 'available', extract(epoch FROM available_at) * 1000,
  'expires', extract(epoch FROM expires_at) * 1000, 'activated', activated)`;

function bookLot(r: LotJson): BookLot {
  return {
    id: Number(r.id),
    amount: Number(r.amount),
    remaining: Number(r.remaining),
    earnedAtMs: Math.round(Number(r.earned)),
    availableAtMs: Math.round(Number(r.available)),
    expiresAtMs: Math.round(Number(r.expires)),
    activated: r.activated,
    isNew: false,
    dirty: false,
  };
}

/** What `booksSelect` reads: the customers' balances and open lots. */
export type BooksRow = {
  book_balances: { c: number; b: number; p: number; d: number }[] | null;
  book_lots: (LotJson & { c: number })[] | null;
};

/** Select-list items reading the balances and open lots of the customers whose ids are in `ids` (an SQL bigint[] expression). */
export function booksSelect(ids: string): string {
  return `(SELECT json_agg(json_build_object('c', customer_id, 'b', balance, 'p', pending, 'd', debt))
             FROM balances WHERE customer_id = ANY(${ids}::bigint[])) AS book_balances,
          (SELECT json_agg(${LOT_JSON}::jsonb || jsonb_build_object('c', customer_id))
             FROM lots WHERE customer_id = ANY(${ids}::bigint[]) AND (remaining > 0 OR NOT activated)) AS book_lots`;
}

/**
 * Ledger row ids taken from `ledger_id_seq` ahead of time (with a load), so that crediting a
 * new lot, whose id takes must name at once, costs no round trip of its own.
 */
export class LedgerIds {
  private next = 0;

  constructor(private readonly ids: readonly number[] = []) {}

  take(): number | undefined {
    return this.ids[this.next++];
  }

  /** Hand the same ids out again: nothing taken so far was written (a batch deciding again). */
  rewind(): void {
    this.next = 0;
  }
}

/** One customer's writes since the book was opened (or last drained), for `writeBooks`. */
export interface BookChanges {
  customerId: number;
  postings: readonly Posting[];
  fresh: readonly BookLot[];
  dirty: readonly BookLot[];
  delta: BalanceState;
  /** Purchases to add and a tier to lift to; with it the customer is written even when the book is not. */
  touch: { purchases: number; tier: string | null } | null;
}

/** A book's state at one moment, to go back to when the event that changed it is rejected. */
export interface BookCheckpoint {
  postings: number;
  lots: BookLot[];
  state: BalanceState;
  start: BalanceState;
}

export class CustomerBook {
  private readonly postings: Posting[] = [];
  private readonly start: BalanceState;

  private constructor(
    readonly customerId: number,
    private readonly lots: Map<number, BookLot>,
    private readonly state: BalanceState,
    readonly nowMs: number,
    private readonly ids: LedgerIds,
  ) {
    this.start = { ...state };
  }

  /**
   * Load the customer's open lots (and `extraLotIds` even when spent: a return gives back into
   * them), balance, and optionally spend in a window, in one round trip. The caller must hold
   * the customer's row lock, taken in an earlier statement so that this one reads after it.
   */
  static async open(
    tx: Sql,
    customerId: number,
    nowMs: number,
    opts: { extraLotIds?: readonly number[]; spendWindow?: { fromMs: number; toMs: number } } = {},
  ): Promise<CustomerBook> {
    const [row] = await tx.query<{ bal: { b?: number; p?: number; d?: number }; lots: LotJson[]; spend: number; spare: number }>(
      `SELECT COALESCE((SELECT json_build_object('b', balance, 'p', pending, 'd', debt) FROM balances WHERE customer_id = $1), '{}') AS bal,
              COALESCE((SELECT json_agg(${LOT_JSON})
                        FROM lots WHERE customer_id = $1 AND (remaining > 0 OR NOT activated OR id = ANY($2::bigint[]))), '[]') AS lots,
              CASE WHEN $3::float8 IS NULL THEN 0 ELSE (
                SELECT COALESCE(sum(eligible_net), 0) FROM receipts
                WHERE customer_id = $1 AND sold_at > to_timestamp($3::float8 / 1000) AND sold_at <= to_timestamp($4::float8 / 1000)) END AS spend,
              nextval('ledger_id_seq') AS spare`,
      [customerId, opts.extraLotIds ?? [], opts.spendWindow?.fromMs ?? null, opts.spendWindow?.toMs ?? null],
    );
    const lots = new Map<number, BookLot>();
    for (const r of row?.lots ?? []) lots.set(Number(r.id), bookLot(r));
    const bal = row?.bal ?? {};
    const state = { available: Number(bal.b ?? 0), pending: Number(bal.p ?? 0), debt: Number(bal.d ?? 0) };
    const book = new CustomerBook(customerId, lots, state, nowMs, new LedgerIds(row ? [Number(row.spare)] : []));
    book.spend30 = Number(row?.spend ?? 0);
    return book;
  }

  /**
   * The books of several customers (open lots and balances) in one round trip, for a batch of
   * events; their new lots take ids from `ids`. Read under the customers' row locks, taken in an
   * earlier statement. A caller that reads more in the same statement uses `booksSelect` and
   * `fromBooksRow` instead.
   */
  static async openMany(tx: Sql, customerIds: readonly number[], nowMs: number, ids: LedgerIds): Promise<Map<number, CustomerBook>> {
    if (customerIds.length === 0) return new Map();
    const [row] = await tx.query<BooksRow>(`SELECT ${booksSelect('$1')}`, [customerIds]);
    return CustomerBook.fromBooksRow(row, customerIds, nowMs, ids);
  }

  static fromBooksRow(row: BooksRow | undefined, customerIds: readonly number[], nowMs: number, ids: LedgerIds): Map<number, CustomerBook> {
    const books = new Map<number, CustomerBook>();
    const lots = new Map<number, Map<number, BookLot>>(customerIds.map((id) => [id, new Map()]));
    for (const r of row?.book_lots ?? []) lots.get(Number(r.c))?.set(Number(r.id), bookLot(r));
    const balances = new Map((row?.book_balances ?? []).map((b) => [Number(b.c), b]));
    for (const id of customerIds) {
      const b = balances.get(id);
      const state = { available: Number(b?.b ?? 0), pending: Number(b?.p ?? 0), debt: Number(b?.d ?? 0) };
      books.set(id, new CustomerBook(id, lots.get(id) ?? new Map(), state, nowMs, ids));
    }
    return books;
  }

  private spend30 = 0;

  /** Spend in the window asked for at open (eligible net of receipts). */
  get spendInWindow(): number {
    return this.spend30;
  }

  get balance(): BalanceState {
    return { ...this.state };
  }

  get changed(): boolean {
    return this.postings.length > 0 || [...this.lots.values()].some((l) => l.dirty || l.isNew);
  }

  /** Lots as the engine sees them: activation is what this ledger recorded, not the clock. */
  private engineLots(): Lot[] {
    return [...this.lots.values()].map((l) => ({
      id: String(l.id),
      amount: l.amount,
      remaining: l.remaining,
      earnedAtMs: l.earnedAtMs,
      availableAtMs: l.activated ? 0 : Number.MAX_SAFE_INTEGER,
      expiresAtMs: l.expiresAtMs,
    }));
  }

  private lot(id: string | number): BookLot {
    const l = this.lots.get(Number(id));
    if (!l) throw new RangeError(`lot ${id} is not loaded`);
    return l;
  }

  private post(kind: LedgerKind, amount: number, bucket: Bucket, lotId: number | null, extra: Partial<Posting> = {}): void {
    if (amount === 0) return;
    this.postings.push({ rowId: null, kind, amount, bucket, lotId, activeFromMs: this.nowMs, expiresAtMs: null, reason: null, meta: null, ...extra });
    if (bucket === 'available') this.state.available += amount;
    else this.state.pending += amount;
    if (lotId === null) this.state.debt -= amount;
    else {
      const l = this.lot(lotId);
      if (!(extra.rowId === lotId)) {
        l.remaining += amount;
        l.dirty = true;
      }
    }
  }

  /** Spendable lots' total right now. */
  spendableInLots(): number {
    let sum = 0;
    for (const lot of this.engineLots()) if (lotState(lot, this.nowMs) === 'available') sum += lot.remaining;
    return sum;
  }

  /** Pending lots whose return window has passed become spendable. */
  activateDue(): number {
    let n = 0;
    for (const l of this.lots.values()) {
      if (l.activated || l.availableAtMs > this.nowMs) continue;
      const rem = l.remaining;
      l.activated = true;
      l.dirty = true;
      this.post('activation', -rem, 'pending', l.id);
      this.post('activation', rem, 'available', l.id);
      n++;
    }
    return n;
  }

  /** Expired lots are written off, soonest-expiring first (the engine's spending order). */
  expireDue(): number {
    const expired = this.engineLots()
      .filter((l) => l.remaining > 0 && lotState(l, this.nowMs) === 'expired' && this.lot(l.id).activated)
      .sort((a, b) => a.expiresAtMs - b.expiresAtMs || a.earnedAtMs - b.earnedAtMs || Number(a.id) - Number(b.id));
    for (const l of expired) this.post('expiry', -l.remaining, 'available', Number(l.id));
    return expired.length;
  }

  /** Debt is paid from spendable lots, in spending order, so later expiry writes off only what is left. */
  settleDebt(): number {
    if (this.state.debt <= 0) return 0;
    const amount = Math.min(this.state.debt, this.spendableInLots());
    if (amount === 0) return 0;
    const out = applyRedemption(this.engineLots(), amount, this.nowMs);
    if (!out.ok) throw new Error(`settling debt: ${out.message}`);
    for (const t of out.consumed) {
      this.post('settlement', -t.amount, 'available', Number(t.lotId));
      this.post('settlement', t.amount, 'available', null);
    }
    return amount;
  }

  /** Bring the book up to `nowMs`: activate, expire, then settle debt. Idempotent. */
  settle(): void {
    this.activateDue();
    this.expireDue();
    this.settleDebt();
  }

  /**
   * Spend `amount` from lots, soonest-expiring first; what the lots cannot cover becomes
   * debt (a negative balance). Takes come back with DEBT_LOT for that part.
   */
  /** Bonuses spent by redemptions in this book not written yet (earlier sales of the same batch). */
  unwrittenRedemptions(): number {
    return this.postings.reduce((sum, p) => (p.kind === 'redemption' ? sum - p.amount : sum), 0);
  }

  spend(kind: 'redemption' | 'adjustment', amount: number, reason: string | null = null): { takes: LotTake[]; shortfall: number } {
    if (amount <= 0) return { takes: [], shortfall: 0 };
    const fromLots = Math.min(amount, this.spendableInLots());
    const takes: LotTake[] = [];
    if (fromLots > 0) {
      const out = applyRedemption(this.engineLots(), fromLots, this.nowMs);
      if (!out.ok) throw new Error(`spending: ${out.message}`);
      for (const t of out.consumed) {
        this.post(kind, -t.amount, 'available', Number(t.lotId), { reason });
        takes.push(t);
      }
    }
    const shortfall = amount - fromLots;
    if (shortfall > 0) {
      this.post(kind, -shortfall, 'available', null, { reason });
      takes.push({ lotId: DEBT_LOT, amount: shortfall });
    }
    return { takes, shortfall };
  }

  /** A new lot. Its id is taken from the ledger's sequence now, so takes can name it at once. */
  async credit(
    tx: Sql,
    kind: 'accrual' | 'welcome' | 'return' | 'adjustment',
    amount: number,
    dates: { earnedAtMs: number; availableAtMs: number; expiresAtMs: number },
    reason: string | null = null,
  ): Promise<number | null> {
    if (amount <= 0) return null;
    let id = this.ids.take();
    if (id === undefined) {
      const [row] = await tx.query<{ id: number }>(`SELECT nextval('ledger_id_seq') AS id`);
      id = Number(row!.id);
    }
    const activated = dates.availableAtMs <= this.nowMs;
    this.lots.set(id, {
      id,
      amount,
      remaining: amount,
      earnedAtMs: dates.earnedAtMs,
      availableAtMs: dates.availableAtMs,
      expiresAtMs: dates.expiresAtMs,
      activated,
      isNew: true,
      dirty: false,
    });
    this.post(kind, amount, activated ? 'available' : 'pending', id, {
      rowId: id,
      activeFromMs: dates.availableAtMs,
      expiresAtMs: dates.expiresAtMs,
      reason,
    });
    return id;
  }

  /**
   * Give back bonuses a sale spent, into the lots they came from (newest-expiring first, so a
   * return never lengthens a bonus's life); the part that was debt comes back as a new lot.
   */
  async restore(tx: Sql, outstanding: readonly LotTake[], amount: number, expiryDays: number): Promise<{ restored: LotTake[]; outstanding: LotTake[] }> {
    if (amount <= 0) return { restored: [], outstanding: [...outstanding] };
    const lots = this.engineLots();
    if (outstanding.some((t) => t.lotId === DEBT_LOT)) {
      lots.push({ id: DEBT_LOT, amount: 0, remaining: 0, earnedAtMs: 0, availableAtMs: 0, expiresAtMs: Number.MAX_SAFE_INTEGER });
    }
    const out = restoreRedemption(lots, outstanding, amount);
    for (const t of out.restored) {
      if (t.amount === 0) continue;
      if (t.lotId === DEBT_LOT) {
        await this.credit(tx, 'return', t.amount, {
          earnedAtMs: this.nowMs,
          availableAtMs: this.nowMs,
          expiresAtMs: this.nowMs + expiryDays * DAY_MS,
        });
      } else {
        // Into an expired lot it stays expired: settle() writes it off again.
        this.post('return', t.amount, 'available', Number(t.lotId));
      }
    }
    return { restored: out.restored, outstanding: out.outstanding };
  }

  /** Take back bonuses earned on returned goods; what the lot no longer holds becomes debt. */
  reverse(lotId: number, amount: number): { reversed: number; shortfall: number } {
    if (amount <= 0) return { reversed: 0, shortfall: 0 };
    const lot = this.lot(lotId);
    const out = reverseAccrual(this.engineLots(), String(lotId), amount);
    this.post('return', -out.reversed, lot.activated ? 'available' : 'pending', lotId);
    if (out.shortfall > 0) this.post('return', -out.shortfall, 'available', null);
    return { reversed: out.reversed, shortfall: out.shortfall };
  }

  /** Remember the book's state, to `rollback` to it if the event changing it is rejected. */
  checkpoint(): BookCheckpoint {
    return { postings: this.postings.length, lots: [...this.lots.values()].map((l) => ({ ...l })), state: { ...this.state }, start: { ...this.start } };
  }

  rollback(cp: BookCheckpoint): void {
    this.postings.length = cp.postings;
    this.lots.clear();
    for (const l of cp.lots) this.lots.set(l.id, { ...l });
    Object.assign(this.state, cp.state);
    Object.assign(this.start, cp.start);
  }

  /** Name the event (or job) behind the postings made since the last stamp. */
  stamp(meta: EntryMeta): void {
    for (let i = this.postings.length - 1; i >= 0 && this.postings[i]!.meta === null; i--) this.postings[i]!.meta = meta;
  }

  /**
   * Everything to write since the book was opened or last drained (null when nothing), and
   * start afresh from here. With `touch`, the customer's row is bumped for tills even when the
   * book did not change.
   */
  drain(touch: { purchases?: number; tier?: string | null } | null = null): BookChanges | null {
    const all = [...this.lots.values()];
    const fresh = all.filter((l) => l.isNew).map((l) => ({ ...l }));
    const dirty = all.filter((l) => l.dirty && !l.isNew).map((l) => ({ ...l }));
    const delta = {
      available: this.state.available - this.start.available,
      pending: this.state.pending - this.start.pending,
      debt: this.state.debt - this.start.debt,
    };
    const postings = this.postings.splice(0);
    const changed = postings.length > 0 || fresh.length > 0 || dirty.length > 0 || delta.available !== 0 || delta.pending !== 0 || delta.debt !== 0;
    all.forEach((l) => {
      l.isNew = false;
      l.dirty = false;
    });
    Object.assign(this.start, this.state);
    if (!changed && !touch) return null;
    return {
      customerId: this.customerId,
      postings,
      fresh,
      dirty,
      delta,
      touch: touch ? { purchases: touch.purchases ?? 0, tier: touch.tier ?? null } : null,
    };
  }

  /**
   * Write postings, new and changed lots, the balance cache and (with `touch`) the customer's
   * change_seq for tills, as one statement. Returns the balance after.
   */
  async flush(tx: Sql, meta: EntryMeta, touch: { purchases?: number; tier?: string } | null = null): Promise<BalanceState> {
    this.stamp(meta);
    const changes = this.drain(touch);
    if (changes) await writeBooks(tx, [changes]);
    return this.balance;
  }
}

/**
 * Write the changes of any number of customers' books in one statement: ledger rows in the
 * order they were posted, new lots, changed lots, balance deltas and customer bumps. Each
 * customer appears at most once in `changes` (one book per customer).
 */
export async function writeBooks(tx: Sql, changes: readonly BookChanges[]): Promise<void> {
  if (changes.length === 0) return;
  const w = bookWrites(changes, 1);
  await tx.query(`WITH ${w.ctes} SELECT 1`, w.params);
}

/**
 * `writeBooks` as common table expressions (named book_*) with their parameters numbered from
 * `first`, for a caller that writes more in the same statement. Every customer whose book
 * changed gets a new change_seq: tills pull balances, and saleBatch.ts relies on a customer's
 * change_seq moving whenever their book does.
 */
export function bookWrites(changes: readonly BookChanges[], first: number): { ctes: string; params: unknown[] } {
  const p = changes.flatMap((c) => c.postings.map((e) => ({ c: c.customerId, e })));
  const fresh = changes.flatMap((c) => c.fresh.map((l) => ({ c: c.customerId, l })));
  const dirty = changes.flatMap((c) => c.dirty);
  const bal = changes.filter((c) => c.delta.available !== 0 || c.delta.pending !== 0 || c.delta.debt !== 0);
  const $ = (n: number) => `$${first + n - 1}`;
  const ctes = `book_ledger AS (
       INSERT INTO ledger (id, customer_id, kind, amount, bucket, lot_id, active_from, expires_at, reason, event_id, terminal_id, receipt_id)
       SELECT COALESCE(x.id, nextval('ledger_id_seq')), x.customer_id, x.kind, x.amount, x.bucket, x.lot_id,
              to_timestamp(x.active_from / 1000.0), to_timestamp(x.expires_at / 1000.0), x.reason, x.event_id, x.terminal_id, x.receipt_id
       FROM unnest(${$(1)}::bigint[], ${$(2)}::bigint[], ${$(3)}::text[], ${$(4)}::bigint[], ${$(5)}::text[], ${$(6)}::bigint[],
                   ${$(7)}::float8[], ${$(8)}::float8[], ${$(9)}::text[], ${$(10)}::uuid[], ${$(11)}::uuid[], ${$(12)}::text[]) WITH ORDINALITY
         AS x(id, customer_id, kind, amount, bucket, lot_id, active_from, expires_at, reason, event_id, terminal_id, receipt_id, n)
       ORDER BY x.n
       RETURNING 1),
     book_fresh AS (
       INSERT INTO lots (id, customer_id, amount, remaining, earned_at, available_at, expires_at, activated)
       SELECT x.id, x.customer_id, x.amount, x.remaining, to_timestamp(x.e / 1000.0), to_timestamp(x.a / 1000.0), to_timestamp(x.x / 1000.0), x.act
       FROM unnest(${$(13)}::bigint[], ${$(14)}::bigint[], ${$(15)}::bigint[], ${$(16)}::bigint[], ${$(17)}::float8[], ${$(18)}::float8[],
                   ${$(19)}::float8[], ${$(20)}::bool[])
         AS x(id, customer_id, amount, remaining, e, a, x, act)
       RETURNING 1),
     book_lots AS (
       UPDATE lots SET remaining = x.remaining, activated = x.act
       FROM unnest(${$(21)}::bigint[], ${$(22)}::bigint[], ${$(23)}::bool[]) AS x(id, remaining, act) WHERE lots.id = x.id
       RETURNING 1),
     book_balances AS (
       INSERT INTO balances (customer_id, balance, pending, debt)
       SELECT * FROM unnest(${$(24)}::bigint[], ${$(25)}::bigint[], ${$(26)}::bigint[], ${$(27)}::bigint[])
       ON CONFLICT (customer_id) DO UPDATE SET balance = balances.balance + EXCLUDED.balance,
         pending = balances.pending + EXCLUDED.pending, debt = balances.debt + EXCLUDED.debt
       RETURNING 1),
     book_customers AS (
       UPDATE customers c SET change_seq = nextval('change_seq'), purchase_count = c.purchase_count + x.purchases, tier = COALESCE(x.tier, c.tier)
       FROM unnest(${$(28)}::bigint[], ${$(29)}::int[], ${$(30)}::text[]) AS x(id, purchases, tier) WHERE c.id = x.id
       RETURNING 1)`;
  const params = [
    p.map((x) => x.e.rowId),
    p.map((x) => x.c),
    p.map((x) => x.e.kind),
    p.map((x) => x.e.amount),
    p.map((x) => x.e.bucket),
    p.map((x) => x.e.lotId),
    p.map((x) => x.e.activeFromMs),
    p.map((x) => x.e.expiresAtMs),
    p.map((x) => x.e.reason),
    p.map((x) => x.e.meta?.eventId ?? null),
    p.map((x) => x.e.meta?.terminalId ?? null),
    p.map((x) => x.e.meta?.receiptId ?? null),
    fresh.map((x) => x.l.id),
    fresh.map((x) => x.c),
    fresh.map((x) => x.l.amount),
    fresh.map((x) => x.l.remaining),
    fresh.map((x) => x.l.earnedAtMs),
    fresh.map((x) => x.l.availableAtMs),
    fresh.map((x) => x.l.expiresAtMs),
    fresh.map((x) => x.l.activated),
    dirty.map((l) => l.id),
    dirty.map((l) => l.remaining),
    dirty.map((l) => l.activated),
    bal.map((c) => c.customerId),
    bal.map((c) => c.delta.available),
    bal.map((c) => c.delta.pending),
    bal.map((c) => c.delta.debt),
    changes.map((c) => c.customerId),
    changes.map((c) => c.touch?.purchases ?? 0),
    changes.map((c) => c.touch?.tier ?? null),
  ];
  return { ctes, params };
}

/** Where the caches disagree with the ledger: empty when all is well. */
export interface LedgerMismatch {
  customerId: number;
  what: 'balance' | 'pending' | 'debt' | 'lot';
  lotId?: number;
  cached: number;
  ledger: number;
}

/** Recompute balances and lots from the ledger and compare with the caches. */
export async function verifyLedger(db: Sql): Promise<LedgerMismatch[]> {
  const balances = await db.query<{ customer_id: number; b: number; p: number; d: number; lb: number; lp: number; ld: number }>(
    `WITH l AS (
       SELECT customer_id,
              COALESCE(sum(amount) FILTER (WHERE bucket = 'available'), 0) AS lb,
              COALESCE(sum(amount) FILTER (WHERE bucket = 'pending'), 0) AS lp,
              -COALESCE(sum(amount) FILTER (WHERE lot_id IS NULL), 0) AS ld
       FROM ledger GROUP BY customer_id)
     SELECT COALESCE(b.customer_id, l.customer_id) AS customer_id,
            COALESCE(b.balance, 0) AS b, COALESCE(b.pending, 0) AS p, COALESCE(b.debt, 0) AS d,
            COALESCE(l.lb, 0) AS lb, COALESCE(l.lp, 0) AS lp, COALESCE(l.ld, 0) AS ld
     FROM balances b FULL JOIN l ON l.customer_id = b.customer_id
     WHERE COALESCE(b.balance, 0) <> COALESCE(l.lb, 0) OR COALESCE(b.pending, 0) <> COALESCE(l.lp, 0)
        OR COALESCE(b.debt, 0) <> COALESCE(l.ld, 0)`,
  );
  const out: LedgerMismatch[] = [];
  for (const r of balances) {
    const id = Number(r.customer_id);
    if (Number(r.b) !== Number(r.lb)) out.push({ customerId: id, what: 'balance', cached: Number(r.b), ledger: Number(r.lb) });
    if (Number(r.p) !== Number(r.lp)) out.push({ customerId: id, what: 'pending', cached: Number(r.p), ledger: Number(r.lp) });
    if (Number(r.d) !== Number(r.ld)) out.push({ customerId: id, what: 'debt', cached: Number(r.d), ledger: Number(r.ld) });
  }
  const lots = await db.query<{ customer_id: number; id: number; remaining: number; sum: number }>(
    `SELECT COALESCE(lo.customer_id, l.customer_id) AS customer_id, COALESCE(lo.id, l.lot_id) AS id,
            COALESCE(lo.remaining, 0) AS remaining, COALESCE(l.sum, 0) AS sum
     FROM lots lo FULL JOIN (SELECT lot_id, min(customer_id) AS customer_id, sum(amount) AS sum FROM ledger WHERE lot_id IS NOT NULL GROUP BY lot_id) l
       ON l.lot_id = lo.id
     WHERE COALESCE(lo.remaining, 0) <> COALESCE(l.sum, 0)`,
  );
  for (const r of lots) {
    out.push({ customerId: Number(r.customer_id), what: 'lot', lotId: Number(r.id), cached: Number(r.remaining), ledger: Number(r.sum) });
  }
  return out;
}
