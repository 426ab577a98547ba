import type { FiscalBonusTreatment, PricedReceipt, ReturnResult } from '../../../core/engine';
import { loyaltyTextLines, nextVisitMessage } from '../../../core/fiscal/loyaltyText';
import { nextOrderCouponLines } from '../../../core/fiscal/couponText';
import { receiptPayments } from '../../../core/fiscal/receiptPayments';
import { returnPositions, salePositions, type MarkingCodes, type ProductLookup } from '../../../core/fiscal/receiptPositions';
import { FiscalId, type SaleEvent, type SaleFiscal } from '../../protocol/events';
import {
  CashMovementResult,
  Fiscalised,
  MarkingCodeCheck,
  ShiftStatus,
  PendingFiscalisation,
  RegisterShiftTotals,
  ShiftReport,
  fiscalResult,
  type FiscalDocument,
  type FiscalReceipt,
  type FiscalRequest,
  type FiscalSettings,
} from '../../protocol/fiscal';
import type { HostRequest } from '../../protocol/host';
import type { DraftFiscal } from '../records';
import { withFeedbackPart } from '../feedbackLink';
import { z } from 'zod';

/**
 * The fiscal step of a sale: after the money is taken (cash tendered, card approved) and before
 * the checkout commits, the sale gets its fiscal document, exactly once.
 *
 * Why exactly once, across reloads, crashes and lost answers:
 * 1. The sale is frozen into the durable draft (`DraftFiscal`: the event as it will be committed)
 *    before the register is asked anything; a retry or a restart commits that event, never a
 *    re-priced one, so the fiscal receipt and the journal cannot disagree.
 * 2. `start` asks the register for its last document (startFiscalisation); the answer, the
 *    marker, is written to the draft with strict durability BEFORE `fiscalise` sends the receipt.
 * 3. `fiscalise` (fiscaliseOnce in the host) first asks the register whether a document after the
 *    marker for this total exists, and only sends the receipt when not; the adapter also finds an
 *    earlier attempt with the same receipt id in the vendor driver's queue, and the host joins a
 *    `fiscalise` already running for the receipt (a page reloaded mid-print).
 * 4. The draft, with its marker, is deleted in the same transaction that writes the journal and
 *    the outbox, so a sale is either still pending (asked again at start) or committed.
 * A failure that is known to have fiscalised nothing (paper out, register offline before sending)
 * keeps the draft and its marker; the cashier fixes the cause and retries with the same marker.
 */

/** What the session lends the step: the host, and the draft's durable write. */
export interface FiscalStepDeps {
  request(req: HostRequest): Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>;
  /** The register's settings from the till's device config (HostStatus.fiscal). */
  settings: FiscalSettings;
  /**
   * How the chain books bonuses spent on the fiscal receipt (the programme's `fiscalBonuses`, pulled
   * with it). It wins over the device config's `bonuses`, which is only the fallback for a till
   * that has no programme yet or a chain that has not chosen (see receiptSettings).
   */
  programmeBonuses?: FiscalBonusTreatment;
  /** The base address of feedback links (issue 16): a sale with a feedback token prints its link and QR code. */
  feedbackBaseUrl?: string | null;
  products: ProductLookup;
  cashierName: string;
  bonusUnitKopecks: number;
  /**
   * How long bonuses earned wait before they can be spent, and the store's time zone: the receipt
   * tells the customer from when (the next-visit line). Absent: no such line.
   */
  bonusWait?: { pendingDays: number; timeZone: string };
  /** Writes the draft's fiscal part with strict durability; resolves once it is on disk. */
  save(fiscal: DraftFiscal): Promise<void>;
}

export type FiscalStepResult = { ok: true; event: SaleEvent; priced: PricedReceipt; fiscal: SaleFiscal } | { ok: false; draft: DraftFiscal; error: string };

/** The register's document as the sale event carries it. */
export function saleFiscal(d: FiscalDocument): SaleFiscal {
  return {
    documentNumber: d.documentNumber,
    fiscalSign: d.fiscalSign,
    dateTime: d.dateTime,
    ...(d.shiftNumber !== undefined ? { shiftNumber: d.shiftNumber } : {}),
    // Digits only, as the sale event's schema has them: anything else would get the sale refused for good.
    ...(d.fnNumber !== undefined && FiscalId(32).safeParse(d.fnNumber).success ? { fnNumber: d.fnNumber } : {}),
    ...(d.registrationNumber !== undefined && FiscalId(32).safeParse(d.registrationNumber).success ? { registrationNumber: d.registrationNumber } : {}),
  };
}

/**
 * The settings receipts are built with: the device config's, with bonuses spent as the chain's
 * programme says (a discount folded into the prices, or payment type "other"); the device
 * config's choice only while the till has no programme setting.
 */
export function receiptSettings(deps: Pick<FiscalStepDeps, 'settings' | 'programmeBonuses'>): FiscalSettings {
  return deps.programmeBonuses ? { ...deps.settings, bonuses: deps.programmeBonuses } : deps.settings;
}

/** The sale receipt for the register: positions as the engine priced them, to the kopeck. */
export function saleReceipt(
  deps: Pick<FiscalStepDeps, 'settings' | 'programmeBonuses' | 'products' | 'cashierName' | 'bonusUnitKopecks' | 'bonusWait'>,
  f: Pick<DraftFiscal, 'receiptId' | 'event' | 'priced' | 'markingCodes' | 'receiptContact'>,
  balanceAfter: number | null,
): FiscalReceipt {
  const positions = salePositions(f.priced, deps.products, receiptSettings(deps), f.markingCodes ?? {});
  // Gift certificates paid part of it: set off against their advance ("prepaid"), the rest is money.
  const prepaid = (f.event.payment.certificates ?? []).reduce((s, c) => s + c.amountKopecks, 0);
  const card = f.event.payment.method === 'card' ? positions.moneyKopecks - prepaid : 0;
  const wait = deps.bonusWait;
  const message = wait && nextVisitMessage(f.priced.totals.accrued, Date.parse(f.event.occurredAt), wait.pendingDays, wait.timeZone);
  const text = loyaltyTextLines({
    accruedKopecks: f.priced.totals.accrued,
    redeemedKopecks: f.priced.totals.redeemed,
    balanceAfterKopecks: balanceAfter,
    bonusUnitKopecks: deps.bonusUnitKopecks,
    ...(message ? { message } : {}),
  });
  // Coupons for the next purchase this sale earned (issue 16): their codes and days after the loyalty block.
  if (f.event.nextOrderCoupons?.length) text.push(...nextOrderCouponLines(f.event.sale.at, f.event.nextOrderCoupons));
  return {
    receiptId: f.receiptId,
    positions: positions.positions,
    payments: receiptPayments(positions, card, prepaid),
    cashier: { name: deps.cashierName },
    ...(text.length > 0 ? { textLines: text } : {}),
    ...(f.receiptContact ? { customerContact: f.receiptContact } : {}),
  };
}

/** The return receipt (чек возврата прихода), refunded the way the sale was paid. */
export function returnReceipt(
  deps: Pick<FiscalStepDeps, 'settings' | 'programmeBonuses' | 'products' | 'cashierName'>,
  returnId: string,
  original: PricedReceipt,
  returned: ReturnResult,
  paidBy: 'cash' | 'card',
  markingCodes: MarkingCodes = {},
  /** The part going back onto gift certificates (set off as "prepaid", as the sale was). */
  toCertificatesKopecks = 0,
): FiscalReceipt {
  const positions = returnPositions(original, returned, deps.products, receiptSettings(deps), markingCodes);
  const prepaid = Math.min(toCertificatesKopecks, positions.moneyKopecks);
  return {
    receiptId: returnId,
    positions: positions.positions,
    payments: receiptPayments(positions, paidBy === 'card' ? positions.moneyKopecks - prepaid : 0, prepaid),
    cashier: { name: deps.cashierName },
  };
}

type Answer<T> = { ok: true; value: T } | { ok: false; error: string };

/** One fiscal host request, its FiscalResult read with zod; host and register failures become one code. */
export async function fiscalCall<T extends z.ZodType>(deps: Pick<FiscalStepDeps, 'request'>, req: FiscalRequest, value: T): Promise<Answer<z.infer<T>>> {
  const res = await deps.request(req);
  if (!res.ok)
    return {
      ok: false,
      error: res.error.code === 'host_unreachable' ? 'hostDown' : res.error.code === 'fiscal_not_configured' ? 'notConfigured' : 'hostError',
    };
  const parsed = fiscalResult(value).safeParse(res.value);
  if (!parsed.success) return { ok: false, error: 'badAnswer' };
  const r = parsed.data as { ok: true; value: z.infer<T> } | { ok: false; error: { code: string } };
  return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error.code };
}

/**
 * Fiscalise the frozen sale once: start (store the marker) unless a marker is stored already,
 * then fiscalise; a closed shift is opened on the register and the receipt tried once more.
 */
export async function fiscaliseSale(deps: FiscalStepDeps, draft: DraftFiscal, balanceAfter: number | null): Promise<FiscalStepResult> {
  let f = draft;
  if (!f.pending) {
    let receipt: FiscalReceipt;
    try {
      receipt = withFeedbackPart(saleReceipt(deps, f, balanceAfter), deps.feedbackBaseUrl ?? null, f.event.feedbackToken);
    } catch {
      // Positions the register would refuse (a product without fiscal data): a bug, never sent.
      return { ok: false, draft: f, error: 'invalidRequest' };
    }
    const started = await fiscalCall(deps, { op: 'fiscal', action: 'start', kind: 'sell', receipt }, PendingFiscalisation);
    if (!started.ok) return { ok: false, draft: f, error: started.error };
    f = { ...f, pending: started.value };
    // The marker is on disk before the receipt goes to the register: the heart of exactly once.
    await deps.save(f);
  }
  const pending = f.pending!;
  const done = await fiscaliseInShift(deps, pending);
  if (!done.ok) return { ok: false, draft: f, error: done.error };
  const fiscal = saleFiscal(done.value.document);
  return { ok: true, event: { ...f.event, fiscal }, priced: f.priced, fiscal };
}

/**
 * Send the stored marker's receipt; a closed shift is opened on the register (it prints its
 * report) and the receipt sent once more: the day's first sale or return opens the shift.
 */
async function fiscaliseInShift(deps: Pick<FiscalStepDeps, 'request' | 'cashierName'>, pending: PendingFiscalisation) {
  const done = await fiscalCall(deps, { op: 'fiscal', action: 'fiscalise', pending }, Fiscalised);
  if (done.ok || done.error !== 'shiftClosed') return done;
  const opened = await fiscalCall(deps, { op: 'fiscal', action: 'openShift', cashier: { name: deps.cashierName } }, ShiftReport);
  if (!opened.ok && opened.error !== 'shiftAlreadyOpen') return opened;
  return fiscalCall(deps, { op: 'fiscal', action: 'fiscalise', pending }, Fiscalised);
}

/**
 * A return, fiscalised before it is committed, exactly once as a sale is: its marker (`pending`,
 * kept on the receipt's pending return) is stored by `save` before the register is sent the
 * return receipt, whose id is the return's own; a retry or a restart passes the stored marker.
 */
export async function fiscaliseReturn(
  deps: Pick<FiscalStepDeps, 'request' | 'cashierName'>,
  pending: PendingFiscalisation | null,
  receipt: () => FiscalReceipt,
  save: (pending: PendingFiscalisation) => Promise<void>,
): Promise<Answer<SaleFiscal>> {
  let marker = pending;
  if (!marker) {
    const started = await fiscalCall(deps, { op: 'fiscal', action: 'start', kind: 'sellReturn', receipt: receipt() }, PendingFiscalisation);
    if (!started.ok) return started;
    marker = started.value;
    await save(marker);
  }
  const done = await fiscaliseInShift(deps, marker);
  return done.ok ? { ok: true, value: saleFiscal(done.value.document) } : done;
}

/** X report, Z report (close shift), open shift, or the cash drawer opened, answered for the manager screen. */
export async function shiftAction(
  deps: Pick<FiscalStepDeps, 'request' | 'cashierName'>,
  action: 'openShift' | 'reportX' | 'closeShift' | 'openCashDrawer',
): Promise<Answer<{ shiftNumber: number | null; documentNumber: number | null; receiptsCount: number | null }>> {
  const cashier = { name: deps.cashierName };
  if (action === 'reportX' || action === 'openCashDrawer') {
    const r = await fiscalCall(deps, action === 'reportX' ? { op: 'fiscal', action, cashier } : { op: 'fiscal', action }, z.null());
    return r.ok ? { ok: true, value: { shiftNumber: null, documentNumber: null, receiptsCount: null } } : r;
  }
  const r = await fiscalCall(deps, { op: 'fiscal', action, cashier }, ShiftReport);
  return r.ok
    ? { ok: true, value: { shiftNumber: r.value.shiftNumber, documentNumber: r.value.document.documentNumber, receiptsCount: r.value.receiptsCount ?? null } }
    : r;
}

/**
 * Cash put into or taken out of the drawer (внесение / выплата), recorded on the register with its
 * reason. A closed shift is opened first, as for a sale: the day's change float is often its first
 * operation. The movement's id names it on the register, so the second try never records it twice.
 */
export async function cashMovement(
  deps: Pick<FiscalStepDeps, 'request' | 'cashierName'>,
  kind: 'cashIn' | 'cashOut',
  operationId: string,
  amountKopecks: number,
  reason: string,
): Promise<Answer<{ cashInDrawerKopecks: number }>> {
  const movement = { operationId, amountKopecks, cashier: { name: deps.cashierName }, ...(reason ? { reason: reason.slice(0, 64) } : {}) };
  const moved = await fiscalCall(deps, { op: 'fiscal', action: kind, movement }, CashMovementResult);
  if (moved.ok || moved.error !== 'shiftClosed') return moved;
  const opened = await fiscalCall(deps, { op: 'fiscal', action: 'openShift', cashier: { name: deps.cashierName } }, ShiftReport);
  if (!opened.ok && opened.error !== 'shiftAlreadyOpen') return opened;
  return fiscalCall(deps, { op: 'fiscal', action: kind, movement }, CashMovementResult);
}

/** The register's shift: open, closed or over 24 hours, and its number. */
export async function shiftStatus(
  deps: Pick<FiscalStepDeps, 'request'>,
): Promise<Answer<{ state: 'closed' | 'opened' | 'expired'; number: number; expiresAt?: string | undefined }>> {
  const r = await fiscalCall(deps, { op: 'fiscal', action: 'status' }, z.object({ shift: ShiftStatus }));
  return r.ok ? { ok: true, value: r.value.shift } : r;
}

/** The register's own counters for the shift (receipts by payment type, cash in and out). */
export async function registerTotals(deps: Pick<FiscalStepDeps, 'request'>): Promise<Answer<RegisterShiftTotals>> {
  return fiscalCall(deps, { op: 'fiscal', action: 'totals' }, RegisterShiftTotals);
}

/** A scanned marking code checked with the register (and the operator) for a sale or a return. */
export async function validateMarking(deps: Pick<FiscalStepDeps, 'request'>, code: string, operation: 'sell' | 'return'): Promise<Answer<MarkingCodeCheck>> {
  return fiscalCall(deps, { op: 'fiscal', action: 'validateMarking', request: { code, operation } }, MarkingCodeCheck);
}
