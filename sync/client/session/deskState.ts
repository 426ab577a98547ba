import type { ProductItem } from '../../protocol/pull';
import type { NoReceiptLine } from '../approvals';
import type { HeldSummary } from '../heldReceipts';

/** What needs a supervisor's card or PIN before it happens (docs/till-session.md). */
export type ApprovalRequest =
  | { action: 'voidLine'; lineId: string }
  | { action: 'priceChange'; lineId: string; priceKopecks: number }
  | { action: 'manualDiscount'; lineId: string; percent: number }
  /** A return without a receipt (the return screen): the goods and the cash refund. */
  | { action: 'returnNoReceipt'; lines: NoReceiptLine[]; refundKopecks: number };

/** The sale desk (saleDesk.ts): what the cashier works with around the basket. */
export interface DeskView {
  /** Product search open (Ctrl+F): the query and what the cached catalogue matched. */
  search: { query: string; results: ProductItem[]; selected: number } | null;
  /** Goods on quick keys (Alt+1..9), from the catalogue. */
  quickKeys: ProductItem[];
  /** A quantity typed before a code or scan (`3*`), in thousandths. */
  quantityPrefix: number | null;
  /** The basket line +, −, Delete and the price keys act on. */
  selectedLine: string | null;
  /** A weighed product waiting for its weight (typed in kg, or read from the scale). */
  weighing: { product: ProductItem; busy: boolean; error: string | null; seq: number } | null;
  /** Held sales (Ctrl+H holds, Ctrl+O lists). */
  held: HeldSummary[];
  heldOpen: boolean;
  /** Waiting for a supervisor's card or PIN; `error` is an i18n key. */
  approval: (ApprovalRequest & { busy: boolean; error: string | null }) | null;
  /** A price or a percent off being typed for the selected line (Ctrl+P, Ctrl+D), before the supervisor is asked. */
  priceEdit: { lineId: string; kind: 'price' | 'discount' } | null;
  /** A question the cashier answers with Enter (yes) or Esc (no). */
  confirm: { kind: 'changeCashierMidSale' } | { kind: 'heldAtShiftClose'; count: number } | null;
  /** The total was shown to the customer (payment opened): voiding a line now needs a supervisor. */
  totalShown: boolean;
}

export const EMPTY_DESK: DeskView = {
  search: null,
  quickKeys: [],
  quantityPrefix: null,
  selectedLine: null,
  weighing: null,
  held: [],
  heldOpen: false,
  approval: null,
  priceEdit: null,
  confirm: null,
  totalShown: false,
};

/** A dialog of the desk is open over the sale: keys belong to it (Esc closes it first). */
export function deskLayer(d: DeskView): 'confirm' | 'approval' | 'priceEdit' | 'weighing' | 'search' | 'held' | null {
  if (d.confirm) return 'confirm';
  if (d.approval) return 'approval';
  if (d.priceEdit) return 'priceEdit';
  if (d.weighing) return 'weighing';
  if (d.search) return 'search';
  if (d.heldOpen) return 'held';
  return null;
}
