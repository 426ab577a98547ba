import type { PricedReceipt, ReturnResult } from '../../core/engine';
import type { CustomerContext } from '../../core/loyalty/customerContext';
import type { CertificatePayment } from '../../core/loyalty/certificates';
import type { SaleCoupon } from './coupons';
import type { ProductItem } from '../protocol/pull';
import type { CashierListItem } from '../protocol/cashiers';
import type { ApprovalAction, SaleEvent, TillEvent } from '../protocol/events';
import type { PendingFiscalisation } from '../protocol/fiscal';
import type { FiguresRow } from '../protocol/manager';
import type { MonthDay } from '../protocol/schemas';

/**
 * The records the till keeps in IndexedDB, in one file so the modules that read and write
 * them (tillDb, outbox, cashiers, the cache) depend on it and never on each other in a ring.
 */

/** A customer as the till keeps it: display fields and the lookup keys that point at it. */
export interface LocalCustomer {
  id: string;
  firstName: string;
  maskedPhone: string | null;
  tier: string;
  /** Last balance the server reported, kopecks. */
  balance: number;
  pending: number;
  /** Identifier keys ("card:…", "phone:…", "bank:…") so a later page can remove stale ones. */
  keys: string[];
  /** Month and day only; null or absent when unknown (rows stored before it existed). */
  birthday?: MonthDay | null;
}

export interface SyncState {
  collection: string;
  cursor: string;
  /** Rows the server said were left after the last stored page. */
  remaining: number;
  /** Rows stored so far in this load, for the progress bar. */
  loaded: number;
  updatedAt: number;
  complete: boolean;
}

/** Per coarse bucket: how much sits in an index's change fragments, so compaction knows where to work. */
export interface DeltaStats {
  entries: number[];
  fragments: number[];
}

/** Bookkeeping of the paged customer cache, changed in the same transaction as the pages it describes. */
export interface CacheMeta {
  name: 'cache';
  /** Sequence of the last stored batch: newer fragments win over older ones. */
  seq: number;
  /** Live customers and live lookup keys in the cache. */
  customers: number;
  keys: number;
  keyDeltas: DeltaStats;
  idDeltas: DeltaStats;
}

/** Bloom filter over every customer id ever stored, so a bulk load skips reading old keys of customers it never had. */
export interface IdFilterRecord {
  name: 'ids';
  /** Number of bits, a power of two. */
  bits: number;
  count: number;
  data: Uint8Array;
}

/** An event waiting for the server. Acknowledged events leave the till, contacts with them. */
export interface OutboxRecord {
  seq?: number;
  eventId: string;
  type: TillEvent['type'];
  event: TillEvent;
  status: 'pending' | 'rejected';
  createdAt: number;
  attempts: number;
  lastError: string | null;
  rejection: { code: string; message: string } | null;
}

/** This till's own effect on a customer's balance that the server has not acknowledged yet. */
export interface BalanceDeltaRecord {
  eventId: string;
  customerId: string;
  /** Change to the spendable balance (minus bonuses spent), kopecks. */
  available: number;
  /** Change to pending bonuses (accrued, waiting for the return window), kopecks. */
  pending: number;
}

/** The balance the server reported when it acknowledged one of this till's events. */
export interface AckedBalanceRecord {
  eventId: string;
  customerId: string;
  available: number;
  pending: number;
  at: number;
  /** Outbox order of the event: among acknowledgements of the same moment, the later event is newer. */
  seq: number;
}

/** The till's receipt journal: what was sold, for the shift's history and for returns. */
export interface ReceiptRecord {
  receiptId: string;
  eventId: string;
  createdAt: number;
  customerId: string | null;
  event: SaleEvent;
  synced: boolean;
  /** The receipt as priced at the sale, which returns are priced against. */
  priced?: PricedReceipt;
  /** Returns made against it so far, oldest first. */
  returns?: ReturnResult[];
  /** Marking codes sold, by line id: a return of a marked piece must scan one of them again. */
  markingCodes?: Record<string, string[]>;
  /** A return under way (refunded to the card, being fiscalised): finished once, after a crash too. */
  pendingReturn?: PendingReturn;
  /** A sale of another till of the store, fetched from the server to be returned here: not this shift's. */
  foreign?: boolean;
  /** Returns made at this till, with the register's shift they were fiscalised in (shift totals). */
  returnsMade?: { returnId: string; at: number; refund: number; shiftNumber: number | null }[];
}

/**
 * A return between the cashier's confirmation and its commit, stored on the receipt before the
 * terminal or the register is asked anything: its own id names the refund and the return
 * receipt, so a retry or a restart refunds and fiscalises it at most once.
 */
export interface PendingReturn {
  returnId: string;
  lines: { lineId: string; quantityMilli: number }[];
  markingCodes: Record<string, string[]>;
  startedAt: number;
  /** The card refund's answer, once approved (card-paid sales). */
  refund: { rrn?: string | undefined } | null;
  /** The fiscal exactly-once marker (fiscaliseOnce), stored before the register is sent the receipt. */
  fiscal: PendingFiscalisation | null;
}

/**
 * A manager-approved return without a receipt between the approval and its commit, stored before
 * the register is asked anything: its id names the return receipt, so a retry or a restart prints
 * it at most once and records it once (approvals.ts, tillSession.ts resumeNoReceiptReturns).
 */
export interface PendingNoReceiptReturn {
  returnId: string;
  /** The goods as approved, each with the catalogue item (and price) it was refunded at. */
  lines: { product: ProductItem; quantityMilli: number }[];
  managerId: string;
  managerName: string;
  cashierId: string | null;
  startedAt: number;
  /** The fiscal exactly-once marker (fiscaliseOnce), stored before the register is sent the receipt. */
  fiscal: PendingFiscalisation | null;
}

export type CashierRecord = CashierListItem;

export type ShiftRecord =
  | { key: 'current'; cashierId: string; name: string; personnelNo: string; since: number }
  /** Wrong PINs on this till (ms) as older versions kept them; read no more, removed at the next sign-in. */
  | { key: 'failures'; times: number[] }
  /**
   * Wrong PINs since the last sign-in and the lock they earned (cashiers.ts): the lock runs down
   * by a monotonic clock of the page that saw it (`session`, `mono`), never by the wall clock.
   */
  | { key: 'lockout'; failures: number; remainingMs: number; session: string; mono: number };

export type SignedIn = Extract<ShiftRecord, { key: 'current' }>;

/** Counted figures of one event, no personal data: the manager's offline view adds these up. */
export interface TallyRecord {
  eventId: string;
  at: number;
  cashierId: string | null;
  figures: Partial<Record<TallyFigure, number>>;
}

export const TALLY_FIGURES = [
  'receipts',
  'identifiedReceipts',
  'salesKopecks',
  'discountKopecks',
  'accruedKopecks',
  'redeemedKopecks',
  'registrations',
  'welcomeKopecks',
  'registrationsOffered',
  'returns',
  'refundKopecks',
  'restoredBonusKopecks',
  'reversedAccrualKopecks',
] as const satisfies readonly (keyof FiguresRow)[];
export type TallyFigure = (typeof TALLY_FIGURES)[number];

/** One basket line as the cashier sees it. Quantity in thousandths (a piece is 1000, a gram is 1). */
export interface BasketItem {
  lineId: string;
  product: ProductItem;
  quantityMilli: number;
  /** A marked product's DataMatrix code, checked with the register: one piece per line, one code. */
  markingCodes?: string[] | undefined;
  /** A price set by hand with a supervisor's approval (price change or manual discount), per piece or kg. */
  manualPriceKopecks?: number | undefined;
}

/**
 * A card payment in flight, stored before the terminal is asked: after a reload or a crash the
 * till finds out from the host what became of it, so a charge is neither lost nor made twice.
 */
export interface DraftPayment {
  receiptId: string;
  amountKopecks: number;
  stage: 'charging' | 'approved';
  answer?: { tokenHash?: string | undefined; last4?: string | undefined; rrn?: string | undefined } | undefined;
  startedAt: number;
  /**
   * The customer's spendable balance the amount was priced with: the sale is committed priced
   * with it (and at `startedAt`), whatever the till learns of the balance meanwhile.
   */
  available?: number | null | undefined;
  /** Whether the till could reach the server when it priced the amount (the offline allowance bound it if not). */
  online?: boolean | undefined;
  /**
   * The sale's customer's pricing context (purchases, offer uses, tier) the amount was priced
   * with, null for none: after a reload the sale is committed with it, not a context pulled since.
   */
  context?: CustomerContext | null | undefined;
}

/**
 * A paid sale being fiscalised, frozen: a retry or a restart commits exactly this event, never a
 * re-pricing. `pending` is the exactly-once marker (fiscaliseOnce), stored before the register
 * is sent the receipt. See session/fiscalStep.ts.
 */
export interface DraftFiscal {
  receiptId: string;
  event: SaleEvent;
  priced: PricedReceipt;
  change: number;
  pending: PendingFiscalisation | null;
  /** Marking codes of the marked lines, by line id, frozen with the sale. */
  markingCodes?: Record<string, string[]> | undefined;
  /** The customer's phone (E.164) or e-mail for an electronic receipt, when they asked for one. */
  receiptContact?: string | undefined;
}

/** Gift certificates paying part of the open sale, held at the server under the receipt number its payment will use. */
export interface SaleCertificates {
  receiptId: string;
  parts: CertificatePayment[];
}

/** A sale put aside (held) to serve the next customer; resumed later as the open sale. */
export interface HeldRecord {
  id: string;
  heldAt: number;
  items: BasketItem[];
  customer: DraftRecord['customer'];
  redeem: number;
  /** Coupons typed for it; absent on older records. */
  coupons?: SaleCoupon[] | undefined;
  /** Who held it (the signed-in cashier), for the list and the shift-close prompt. */
  cashierId: string | null;
}

/** What needed a supervisor at the till, and who approved it (journaled, kept for the shift). */
export interface ApprovalRecord {
  id: string;
  at: number;
  action: ApprovalAction;
  managerId: string;
  managerName: string;
  cashierId: string | null;
  /** The line's product; absent for a return without a receipt. */
  productId?: string;
  /** The return an approved return without a receipt made. */
  returnId?: string;
  /** The line's amount before and after, kopecks (a voided line goes to 0). */
  before: number;
  after: number;
}

/** The open sale, written on every change so a reload, a host restart or a power cut loses nothing. */
export interface DraftRecord {
  key: 'current';
  items: BasketItem[];
  customer: { customer: LocalCustomer; via: 'card' | 'phone' | 'bank' } | null;
  redeem: number;
  payment: DraftPayment | null;
  /** Absent on drafts written before fiscalisation existed. */
  fiscal?: DraftFiscal | null;
  /** The total was shown (payment opened): voiding a line now needs a supervisor. Absent on older drafts. */
  totalShown?: boolean;
  /** Coupons typed for the sale (issue 16): kept across a reload. Absent: none. */
  coupons?: SaleCoupon[] | undefined;
  /** Gift certificates paying part of it, held at the server: kept so a reload neither loses nor repeats them. */
  certificates?: SaleCertificates | undefined;
  updatedAt: number;
}
