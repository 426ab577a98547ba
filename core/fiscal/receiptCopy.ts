import type { Kopecks } from '../money';
import { bonuses } from '../engine/explain';
import { toLocal, type SaleTime } from '../engine/time';

/**
 * A non-fiscal copy of a past receipt (КОПИЯ ЧЕКА), printed on the register's paper from what
 * the till's journal keeps of the sale: the till cannot print a fiscal document twice, but a
 * customer who lost the receipt, or an accountant, asks for a copy. Russian, as the receipt is.
 * Every line fits the paper's width in characters (ATOL 80 mm: 48, 57 mm: 32); long names wrap.
 */

/** What the copy needs of a journal record (sync/client/records.ts ReceiptRecord); the sale event's own shape. */
export interface ReceiptCopySale {
  receiptId: string;
  store: { id: string };
  at: SaleTime;
  lines: readonly { lineId: string; productId: string; unitPriceKopecks: Kopecks; quantityMilli: number; weighed: boolean }[];
}

export interface ReceiptCopySource {
  event: {
    sale: ReceiptCopySale;
    totals: { payable: Kopecks; redeemed: Kopecks; accrued: Kopecks; discount: Kopecks };
    payment: { method: 'cash' | 'card'; amountKopecks: Kopecks; certificates?: readonly { amountKopecks: Kopecks }[] | undefined };
    fiscal?: { documentNumber: number; fiscalSign: string; shiftNumber?: number | undefined; fnNumber?: string | undefined } | undefined;
  };
  customerId: string | null;
  /** The receipt as priced: each line's amount and discount. Absent on old records: amounts are computed, discounts shown in total only. */
  priced?: { bonusUnitKopecks: number; lines: readonly { lineId: string; amount: Kopecks; discount: Kopecks }[] } | undefined;
}

export interface ReceiptCopyOptions {
  /** Product names by id (the till's catalogue); a product no longer there shows its id. */
  names: (productId: string) => string | undefined;
  /** The store's and the till's names as the till knows them; absent: the store's id, no till line. */
  storeName?: string | undefined;
  tillName?: string | undefined;
  /** Characters per line; default 48 (ATOL, 80 mm paper). */
  width?: number;
}

export const COPY_HEADER = 'КОПИЯ ЧЕКА — не является фискальным документом';
export const COPY_TOTAL = 'ИТОГ';
export const MIN_COPY_WIDTH = 24;

/** Integer kopecks as '1 234,50' (plain spaces, as a register prints them); a minus sign for negatives. */
export function copyMoney(k: Kopecks): string {
  const abs = Math.abs(k);
  const roubles = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${k < 0 ? '−' : ''}${roubles},${String(abs % 100).padStart(2, '0')}`;
}

/** Quantity as printed: '2 шт' for pieces, '1,250 кг' for weighed goods (thousandths of a kilogram). */
export function copyQuantity(quantityMilli: number, weighed: boolean): string {
  if (!weighed) return `${quantityMilli / 1000} шт`;
  return `${Math.floor(quantityMilli / 1000)},${String(quantityMilli % 1000).padStart(3, '0')} кг`;
}

/** Words wrapped to `width`; a word longer than a line is cut. Never returns an empty list. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) out.push(line);
      line = '';
      out.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!word) continue;
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      out.push(line);
      line = word;
    }
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

/** `left` and `right` on one line, `right` flush right; when both do not fit, `left` wraps and `right` goes on its own line. */
function pair(left: string, right: string, width: number): string[] {
  if (left.length + 1 + right.length <= width) return [left + ' '.repeat(width - left.length - right.length) + right];
  const r = right.length <= width ? [right.padStart(width)] : wrapText(right, width);
  return [...wrapText(left, width), ...r];
}

const two = (n: number) => String(n).padStart(2, '0');

/** Half up to the kopeck, as the engine prices a line (core/engine/input.ts). */
const lineAmount = (unit: Kopecks, milli: number) => Math.floor((unit * milli + 500) / 1000);

export function receiptCopyLines(source: ReceiptCopySource, opts: ReceiptCopyOptions): string[] {
  const width = Math.max(MIN_COPY_WIDTH, Math.floor(opts.width ?? 48));
  const { sale, totals, payment, fiscal } = source.event;
  const rule = '-'.repeat(width);
  const out: string[] = [];
  const add = (...ls: string[]) => out.push(...ls.flatMap((l) => wrapText(l, width)));

  add(COPY_HEADER);
  add(`Магазин: ${opts.storeName ?? sale.store.id}`);
  if (opts.tillName) add(`Касса: ${opts.tillName}`);
  add(`Чек № ${sale.receiptId}`);
  const at = toLocal(sale.at);
  add(`Дата: ${two(at.day)}.${two(at.month)}.${at.year} ${two(at.hour)}:${two(at.minute)}`);
  out.push(rule);

  const priced = new Map((source.priced?.lines ?? []).map((l) => [l.lineId, l]));
  let subtotal = 0;
  for (const l of sale.lines) {
    const p = priced.get(l.lineId);
    const amount = p?.amount ?? lineAmount(l.unitPriceKopecks, l.quantityMilli);
    subtotal += amount;
    add(opts.names(l.productId) ?? l.productId);
    const unit = l.weighed ? '/кг' : '';
    out.push(...pair(`  ${copyQuantity(l.quantityMilli, l.weighed)} × ${copyMoney(l.unitPriceKopecks)}${unit}`, copyMoney(amount), width));
    if (p && p.discount > 0) out.push(...pair('  скидка', copyMoney(-p.discount), width));
  }
  out.push(rule);

  if (totals.discount > 0 || totals.redeemed > 0) out.push(...pair('Без скидок', copyMoney(subtotal), width));
  if (totals.discount > 0) out.push(...pair('Скидка', copyMoney(-totals.discount), width));
  if (totals.redeemed > 0) out.push(...pair('Оплачено бонусами', copyMoney(-totals.redeemed), width));
  out.push(...pair(COPY_TOTAL, copyMoney(totals.payable), width));
  const byCertificates = (payment.certificates ?? []).reduce((s, c) => s + c.amountKopecks, 0);
  if (payment.amountKopecks > 0 || byCertificates === 0)
    out.push(...pair(payment.method === 'card' ? 'Картой' : 'Наличными', copyMoney(payment.amountKopecks), width));
  if (byCertificates > 0) out.push(...pair('Сертификатом', copyMoney(byCertificates), width));

  if (source.customerId !== null && (totals.redeemed > 0 || totals.accrued > 0)) {
    const unit = source.priced?.bonusUnitKopecks ?? 100;
    out.push(rule);
    if (totals.redeemed > 0) out.push(...pair('Бонусов списано', bonuses(totals.redeemed, unit, 'ru'), width));
    out.push(...pair('Бонусов начислено', bonuses(totals.accrued, unit, 'ru'), width));
  }

  if (fiscal) {
    out.push(rule);
    out.push(...pair('ФД №', String(fiscal.documentNumber), width));
    out.push(...pair('ФП', fiscal.fiscalSign, width));
    if (fiscal.fnNumber) out.push(...pair('ФН', fiscal.fnNumber, width));
    if (fiscal.shiftNumber !== undefined) out.push(...pair('Смена', String(fiscal.shiftNumber), width));
  }
  // Nothing a printer would take as a command: the lines are plain text.
  return out.map((l) => l.replace(/\p{Cc}/gu, ' ').trimEnd());
}
