import { z } from 'zod';
import { ManagerSession } from '../../protocol/manager';
import type { ProductItem } from '../../protocol/pull';
import type { ApiCaller } from '../api';
import { discardAllHeld, holdDraft, listHeld, resumeHeld } from '../heldReceipts';
import { noReceiptRefund, recordApproval, type NoReceiptLine } from '../approvals';
import { randomId } from '../ids';
import type { BasketItem } from '../records';
import { addProduct, lineOf, LINE_MAX_MILLI, setQuantity } from '../saleDraft';
import type { TillDb } from '../tillDb';
import { parseKilograms, parseProductEntry, parseQuantity } from './productEntry';
import { buildSearchIndex, deskQuickKeys, searchProducts, type SearchIndex } from './productSearch';
import type { ScaleBarcodeSettings } from '../../../core/scaleBarcode';
import { EMPTY_DESK, type ApprovalRequest, type DeskView } from './deskState';
import type { SaleView, TillState } from './tillState';

/** What the scale host op answers (drivers/scale WeighResult), checked at the edge. */
export const WeighAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), grams: z.number().int(), stable: z.boolean() }),
  z.object({ ok: z.literal(false), code: z.enum(['unstable', 'overload', 'offline', 'timeout']) }),
]);

/** The session as the desk sees it: its state, its sale and its intent queue. */
export interface DeskHost {
  state(): TillState;
  set(patch: Partial<TillState>): void;
  setSale(patch: Partial<SaleView>, persist?: boolean): void;
  notice(key: string, params?: Record<string, string | number>, tone?: 'warn' | 'info'): void;
  serial<T>(fn: () => Promise<T>): Promise<T>;
  db(): TillDb | null;
  now(): number;
  api: ApiCaller;
  /** Ask the till host to read the scale. */
  weigh(): Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>;
  /** Settle pending draft writes before the held store takes the draft over. */
  draftWritten(): Promise<void>;
  /** A refusal when a payment owns the sale. */
  paying(): boolean;
  /** Send the outbox soon (an approval waits there for head office). */
  pushSoon(): void;
  /** Make the approved return without a receipt (refund, fiscal receipt, journal). */
  returnNoReceipt(lines: NoReceiptLine[], manager: { managerId: string; managerName: string }): Promise<NoReceiptOutcome>;
}

/** What became of a return without a receipt; `message` is an i18n key or a code the screen words. */
export type NoReceiptOutcome = { ok: true; refund: number; managerName: string } | { ok: false; message: string };

/**
 * The sale desk: product search, quick keys, quantities and weights, held sales and
 * supervisor approvals. Part of the till session (it runs in the session's intent queue and
 * changes the session's state); kept apart so tillSession.ts stays about the sale's life.
 */
export class SaleDesk {
  private index: SearchIndex | null = null;
  private products: ProductItem[] = [];
  private scale: ScaleBarcodeSettings | undefined;
  private feedbackBase: string | null = null;
  /** The return screen waiting for the supervisor's answer on a return without a receipt. */
  private noReceiptAnswer: ((outcome: NoReceiptOutcome | null) => void) | null = null;

  constructor(private readonly h: DeskHost) {}

  private get desk(): DeskView {
    return this.h.state().desk;
  }

  private setDesk(patch: Partial<DeskView>): void {
    this.h.set({ desk: { ...this.h.state().desk, ...patch } });
  }

  // ---- catalogue ----
  /** The catalogue changed (or the till opened): rebuild the search index and the quick keys. */
  async catalogueLoaded(): Promise<void> {
    const db = this.h.db();
    if (!db) return;
    const [products, desk] = await Promise.all([db.products.toArray(), db.desk.get('current')]);
    this.products = products;
    this.index = null;
    this.scale = desk?.settings.scaleBarcodes;
    this.feedbackBase = desk?.settings.feedbackLink?.baseUrl ?? null;
    this.setDesk({ quickKeys: deskQuickKeys(this.products, desk?.settings.quickKeys) });
  }

  /** The base address of feedback links on receipts (issue 16), when head office set one. */
  feedbackBaseUrl(): string | null {
    return this.feedbackBase;
  }

  /** The scale label layouts head office set, if it did (else the till's enrolment's). */
  scaleBarcodes(): ScaleBarcodeSettings | undefined {
    return this.scale;
  }

  async refreshHeld(): Promise<void> {
    const db = this.h.db();
    if (db) this.setDesk({ held: await listHeld(db) });
  }

  /** A new sale: nothing of the last one's desk stays but the catalogue's keys and the held list. */
  reset(): void {
    this.answerNoReceipt(null);
    this.setDesk({ ...EMPTY_DESK, quickKeys: this.desk.quickKeys, held: this.desk.held });
  }

  /** The payment opened: the customer has seen the total. */
  totalShown(): void {
    if (!this.desk.totalShown) this.setDesk({ totalShown: true });
  }

  // ---- search (Ctrl+F) ----
  openSearch(): void {
    this.setDesk({ search: { query: '', results: [], selected: 0 } });
  }

  closeSearch(): void {
    this.setDesk({ search: null });
  }

  /** Type-ahead: every keystroke searches the cached catalogue, offline. */
  searchFor(query: string): void {
    if (!this.desk.search) return;
    this.index ??= buildSearchIndex(this.products);
    this.setDesk({ search: { query, results: searchProducts(this.index, query), selected: 0 } });
  }

  searchMove(delta: number): void {
    const s = this.desk.search;
    if (!s || s.results.length === 0) return;
    this.setDesk({ search: { ...s, selected: (s.selected + delta + s.results.length) % s.results.length } });
  }

  /** The product picked in the search list (Enter on the highlighted one). */
  pickedProduct(index?: number): ProductItem | null {
    const s = this.desk.search;
    const p = s?.results[index ?? s.selected] ?? null;
    if (p) this.setDesk({ search: null });
    return p;
  }

  /** A scale label's item code: the digits of a product's code, leading zeros aside ("00003" is p00003 or 3). */
  productByItemCode(itemCode: string): ProductItem | null {
    const want = itemCode.replace(/^0+/, '');
    return this.products.find((p) => p.id === itemCode || p.id.replace(/\D/g, '').replace(/^0+/, '') === want) ?? null;
  }

  quickKeyProduct(n: number): ProductItem | null {
    return this.desk.quickKeys.find((p) => p.quickKey === n) ?? null;
  }

  // ---- quantities ----
  /** `3*` typed in the product field: the next code or scan comes in that quantity. */
  setQuantityPrefix(text: string): boolean {
    const entry = parseProductEntry(text);
    if (entry.kind === 'bad') {
      this.h.notice(entry.reason === 'tooMuch' ? 'desk.quantityTooMuch' : 'desk.badQuantity');
      return false;
    }
    if (entry.kind !== 'prefix') return false;
    this.setDesk({ quantityPrefix: entry.quantityMilli });
    return true;
  }

  clearQuantityPrefix(): void {
    if (this.desk.quantityPrefix !== null) this.setDesk({ quantityPrefix: null });
  }

  /**
   * Put a found product on the sale in the quantity typed before it (consumed here). A weighed
   * product with no weight typed opens the weight entry. Returns false when refused.
   */
  place(product: ProductItem, typed: number | null): boolean {
    const quantity = typed ?? this.desk.quantityPrefix;
    this.setDesk({ quantityPrefix: null });
    if (product.weighed && quantity === null) {
      this.setDesk({ weighing: { product, busy: false, error: null, seq: (this.desk.weighing?.seq ?? 0) + 1 } });
      return true;
    }
    if (!product.weighed && quantity !== null && quantity % 1000 !== 0) {
      this.h.notice('desk.wholePieces', { name: product.name });
      return false;
    }
    return this.putLine(product, quantity ?? 1000);
  }

  /** A line for a product, in thousandths; selected so +/− act on it. */
  putLine(product: ProductItem, quantityMilli: number): boolean {
    const items = addProduct(this.h.state().sale.items, product, quantityMilli);
    this.h.setSale({ error: null, items });
    this.setDesk({ selectedLine: lineOf(items, product.id)?.lineId ?? null });
    return true;
  }

  select(lineId: string): void {
    if (this.h.state().sale.items.some((i) => i.lineId === lineId)) this.setDesk({ selectedLine: lineId });
  }

  /** Arrow keys: the line above or below the selected one. */
  moveSelection(delta: number): void {
    const items = this.h.state().sale.items;
    if (items.length === 0) return;
    const at = items.findIndex((i) => i.lineId === this.desk.selectedLine);
    const next = at < 0 ? items.length - 1 : Math.max(0, Math.min(items.length - 1, at + delta));
    this.setDesk({ selectedLine: items[next]!.lineId });
  }

  private selected(): BasketItem | null {
    const items = this.h.state().sale.items;
    return items.find((i) => i.lineId === this.desk.selectedLine) ?? items.at(-1) ?? null;
  }

  /** + and − on the selected piece line; − stops at one piece (removing a line is Delete). */
  stepSelected(delta: 1 | -1): void {
    const line = this.selected();
    if (!line) return;
    if (line.product.weighed) return this.h.notice('desk.weighedNoSteps');
    const next = Math.max(1000, Math.min(LINE_MAX_MILLI, line.quantityMilli + delta * 1000));
    this.h.setSale({ items: setQuantity(this.h.state().sale.items, line.lineId, next) });
    this.setDesk({ selectedLine: line.lineId });
  }

  // ---- weight ----
  /** A weight typed in kilograms (3 decimals) for the product waiting for it. */
  enterWeight(text: string): void {
    const w = this.desk.weighing;
    if (!w) return;
    const grams = parseKilograms(text);
    if (grams === null) return this.setDesk({ weighing: { ...w, error: 'desk.badWeight' } });
    this.setDesk({ weighing: null });
    this.putLine(w.product, grams);
  }

  /** Read the serial scale through the host (the `weigh` op): a steady weight becomes the line. */
  async weighOnScale(): Promise<void> {
    const w = this.desk.weighing;
    if (!w || w.busy) return;
    this.setDesk({ weighing: { ...w, busy: true, error: null } });
    const res = await this.h.weigh();
    const answer = res.ok ? WeighAnswer.safeParse(res.value) : null;
    const current = this.desk.weighing;
    if (!current || current.seq !== w.seq) return;
    if (!answer?.success) return this.setDesk({ weighing: { ...current, busy: false, error: 'desk.scale.offline' } });
    const a = answer.data;
    if (!a.ok) return this.setDesk({ weighing: { ...current, busy: false, error: `desk.scale.${a.code}` } });
    if (a.grams <= 0) return this.setDesk({ weighing: { ...current, busy: false, error: 'desk.scale.empty' } });
    if (a.grams > LINE_MAX_MILLI) return this.setDesk({ weighing: { ...current, busy: false, error: 'desk.scale.overload' } });
    this.setDesk({ weighing: null });
    this.putLine(w.product, a.grams);
  }

  cancelWeighing(): void {
    this.setDesk({ weighing: null });
  }

  // ---- held sales ----
  /** Ctrl+H: the open sale goes aside (durably) and the till is ready for the next customer. */
  async hold(): Promise<void> {
    const db = this.h.db();
    const sale = this.h.state().sale;
    if (!db) return;
    if (this.h.paying() || sale.payment || sale.fiscal) return this.h.notice('desk.holdPaying');
    if (sale.items.length === 0) return this.h.notice('desk.holdEmpty');
    await this.h.draftWritten();
    await holdDraft(db, sale, this.h.state().cashier.current?.cashierId ?? null, this.h.now());
    this.h.setSale({ items: [], customer: null, available: null, redeem: 0, lookup: null, error: null, cardDecline: null, coupons: [] }, false);
    this.reset();
    await this.refreshHeld();
    this.h.notice('desk.held', { count: this.desk.held.length }, 'info');
  }

  toggleHeldList(): void {
    this.setDesk({ heldOpen: !this.desk.heldOpen });
  }

  /** Resume a held sale; the open one must be empty (hold it first). */
  async resume(id: string, available: (customerId: string, fallback: { available: number; pending: number }) => Promise<number>): Promise<void> {
    const db = this.h.db();
    const sale = this.h.state().sale;
    if (!db) return;
    if (this.h.paying()) return this.h.notice('desk.holdPaying');
    if (sale.items.length > 0 || sale.customer) return this.h.notice('desk.resumeNotEmpty');
    await this.h.draftWritten();
    const h = await resumeHeld(db, id, this.h.now());
    await this.refreshHeld();
    if (!h) return;
    const avail = h.customer ? await available(h.customer.customer.id, { available: h.customer.customer.balance, pending: h.customer.customer.pending }) : null;
    this.h.setSale({ items: h.items, customer: h.customer, redeem: h.redeem, available: avail, lookup: null, error: null, coupons: h.coupons ?? [] }, false);
    this.setDesk({ heldOpen: false, totalShown: false, selectedLine: h.items.at(-1)?.lineId ?? null });
  }

  async discardHeld(): Promise<number> {
    const db = this.h.db();
    if (!db) return 0;
    const n = await discardAllHeld(db);
    await this.refreshHeld();
    return n;
  }

  // ---- supervisor approval ----
  /** Voiding a line after the total was shown, a price by hand or a discount by hand: ask a supervisor first. */
  needsApproval(req: ApprovalRequest): boolean {
    if (req.action === 'voidLine' && !this.desk.totalShown) return false;
    this.setDesk({ approval: { ...req, busy: false, error: null } });
    return true;
  }

  cancelApproval(): void {
    this.answerNoReceipt(null);
    this.setDesk({ approval: null });
  }

  private answerNoReceipt(outcome: NoReceiptOutcome | null): void {
    const answer = this.noReceiptAnswer;
    this.noReceiptAnswer = null;
    answer?.(outcome);
  }

  /**
   * A return without a receipt asks a manager's card or PIN through the same approval as a voided
   * line. Answers when it is done (the outcome), or cancelled or superseded (null).
   */
  requestNoReceiptReturn(lines: NoReceiptLine[]): Promise<NoReceiptOutcome | null> {
    const kept = lines.filter((l) => l.quantityMilli > 0);
    if (kept.length === 0) return Promise.resolve({ ok: false, message: 'return.noReceipt.empty' });
    this.answerNoReceipt(null);
    return new Promise((resolve) => {
      this.noReceiptAnswer = resolve;
      this.needsApproval({ action: 'returnNoReceipt', lines: kept, refundKopecks: noReceiptRefund(kept) });
    });
  }

  /**
   * A manager's PIN or card, checked by the server exactly as the manager screen checks it
   * (POST /api/v1/manager/session). On success the action is applied and journaled with who approved.
   */
  async approve(credential: { pin: string } | { card: string }): Promise<boolean> {
    const a = this.desk.approval;
    const db = this.h.db();
    if (!a || a.busy || !db) return false;
    this.setDesk({ approval: { ...a, busy: true, error: null } });
    const res = await this.h.api('POST', '/api/v1/manager/session', undefined, credential);
    // Withdrawn while the server answered (the till was revoked): nothing to approve or to show again.
    if (this.desk.approval === null) return false;
    const session = res.ok ? ManagerSession.safeParse(res.body) : null;
    if (!session?.success) {
      const error = !res.ok && res.offline ? 'desk.approval.offline' : !res.ok && res.status === 429 ? 'desk.approval.locked' : 'desk.approval.refused';
      this.setDesk({ approval: { ...a, busy: false, error } });
      return false;
    }
    if (a.action === 'returnNoReceipt') {
      const outcome = await this.h.returnNoReceipt(a.lines, session.data);
      this.setDesk({ approval: null });
      this.answerNoReceipt(outcome);
      this.h.pushSoon();
      return outcome.ok;
    }
    const items = this.h.state().sale.items;
    const line = items.find((i) => i.lineId === a.lineId);
    if (!line) return (this.setDesk({ approval: null }), false);
    const unit = line.manualPriceKopecks ?? line.product.priceKopecks;
    const before = Math.round((unit * line.quantityMilli) / 1000);
    let next: BasketItem[];
    let after: number;
    if (a.action === 'voidLine') {
      next = setQuantity(items, line.lineId, 0);
      after = 0;
    } else {
      const price = a.action === 'priceChange' ? a.priceKopecks : Math.round((line.product.priceKopecks * (100 - a.percent)) / 100);
      next = items.map((i) => (i.lineId === line.lineId ? { ...i, manualPriceKopecks: price } : i));
      after = Math.round((price * line.quantityMilli) / 1000);
    }
    await recordApproval(db, {
      id: randomId(),
      at: this.h.now(),
      action: a.action,
      managerId: session.data.managerId,
      managerName: session.data.managerName,
      cashierId: this.h.state().cashier.current?.cashierId ?? null,
      productId: line.product.id,
      before,
      after,
    });
    this.h.pushSoon();
    this.h.setSale({ items: next });
    this.setDesk({ approval: null, selectedLine: a.action === 'voidLine' ? (next.at(-1)?.lineId ?? null) : line.lineId });
    this.h.notice('desk.approval.done', { name: session.data.managerName }, 'info');
    return true;
  }

  /** Price keys on the selected line: a new price (roubles typed) or a percent off, each behind approval. */
  requestPrice(lineId: string, priceKopecks: number): void {
    if (!Number.isSafeInteger(priceKopecks) || priceKopecks < 0) return this.h.notice('desk.badPrice');
    this.needsApproval({ action: 'priceChange', lineId, priceKopecks });
  }

  requestDiscount(lineId: string, percentText: string): void {
    const milli = parseQuantity(percentText);
    if (milli === null || milli % 1000 !== 0 || milli > 99_000) return this.h.notice('desk.badPercent');
    this.needsApproval({ action: 'manualDiscount', lineId, percent: milli / 1000 });
  }

  selectedLineId(): string | null {
    return this.selected()?.lineId ?? null;
  }
}
