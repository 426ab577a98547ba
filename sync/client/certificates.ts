import { CERTIFICATE_CATEGORY } from '../../core/engine';
import { certificateProductId, normaliseCertificateCode, soldCertificateCode, type CertificatePayment } from '../../core/loyalty/certificates';
import { normalisePhone } from '../../core/phone';
import { CertificateView, type ElectronicCertificateRequest } from '../protocol/certificates';
import type { ApiAnswer, ApiCaller } from './api';
import { randomId } from './ids';
import type { BasketItem } from './records';

/**
 * Gift certificates at the till (core/loyalty/certificates.ts). Both moves need the server:
 * - selling one: the server knows its nominal and whether it was sold already, so the till asks
 *   before it becomes a line; the sale's push then activates it (in the ledger, once);
 * - paying with one: the till takes the part at the server at once (a redemption under a move id
 *   of its own, before any money), so two tills can never spend one balance twice, and pushes the
 *   same move with the sale (a no-op there). Offline a certificate is refused, not guessed: a
 *   cached balance could be spent at two tills at once.
 * A part taken and then not used (the payment cancelled) is given back by a refund under the same id.
 */

export type CertificateRefusal =
  | 'notACode'
  | 'offline'
  | 'notFound'
  | 'alreadySold'
  | 'notActive'
  | 'void'
  | 'expired'
  | 'empty'
  | 'inSale'
  | 'nothingDue'
  | 'insufficient'
  | 'tooMany'
  | 'serverError'
  | 'badPhone'
  | 'badNominal';

/** The most certificates one receipt takes (the sale event's limit). */
export const MAX_CERTIFICATES_PER_RECEIPT = 5;

export type CertificateCheck<T> = { ok: true; value: T } | { ok: false; reason: CertificateRefusal };

const path = (code: string) => `/api/v1/certificates/${code}`;

function refusal(res: Extract<ApiAnswer, { ok: false }>): CertificateRefusal {
  if (res.offline) return 'offline';
  const known: Record<string, CertificateRefusal> = {
    certificate_not_found: 'notFound',
    alreadyActive: 'alreadySold',
    notActive: 'notActive',
    void: 'void',
    expired: 'expired',
    insufficient: 'insufficient',
  };
  return known[res.code] ?? 'serverError';
}

async function ask(api: ApiCaller, method: 'GET' | 'POST', p: string, body?: unknown): Promise<CertificateCheck<CertificateView>> {
  const res = await api(method, p, undefined, body);
  if (!res.ok) return { ok: false, reason: refusal(res) };
  const v = CertificateView.safeParse(res.body);
  return v.success ? { ok: true, value: v.data } : { ok: false, reason: 'serverError' };
}

/** The basket line that sells a certificate; its product name is what the fiscal receipt prints. */
export function certificateLine(c: Pick<CertificateView, 'code' | 'nominalKopecks'>): BasketItem {
  return {
    lineId: randomId(),
    quantityMilli: 1000,
    product: {
      id: certificateProductId(c.code),
      ean: null,
      name: `Подарочный сертификат ${c.code}`,
      categories: [CERTIFICATE_CATEGORY],
      priceKopecks: c.nominalKopecks,
      weighed: false,
      deleted: false,
    },
  };
}

/** A certificate scanned or typed to be sold: one the server issued and nobody bought yet, once per sale. */
export async function certificateToSell(api: ApiCaller, text: string, items: readonly BasketItem[]): Promise<CertificateCheck<BasketItem>> {
  const code = normaliseCertificateCode(text);
  if (!code) return { ok: false, reason: 'notACode' };
  if (items.some((i) => soldCertificateCode(i.product.id) === code)) return { ok: false, reason: 'inSale' };
  const c = await ask(api, 'GET', path(code));
  return c.ok ? sellable(c.value) : c;
}

function sellable(c: CertificateView): CertificateCheck<BasketItem> {
  if (c.state === 'void') return { ok: false, reason: 'void' };
  if (c.state === 'active') return { ok: false, reason: 'alreadySold' };
  if (c.expiresAt !== null && Date.parse(c.expiresAt) <= Date.now()) return { ok: false, reason: 'expired' };
  return { ok: true, value: certificateLine(c) };
}

/**
 * An electronic certificate sold to the customer's phone: the server issues its code now (online
 * only) and keeps the phone until the sale's push activates it and the code goes by SMS. The
 * phone goes to the server in this one request and is kept nowhere at the till.
 */
export async function electronicCertificateToSell(api: ApiCaller, nominalRubles: number, phoneText: string): Promise<CertificateCheck<BasketItem>> {
  const nominalKopecks = Math.round(nominalRubles * 100);
  if (!Number.isFinite(nominalKopecks) || nominalKopecks < 100 || nominalKopecks > 100_000_000) return { ok: false, reason: 'badNominal' };
  const phone = normalisePhone(phoneText);
  if (!phone.ok) return { ok: false, reason: 'badPhone' };
  const body: ElectronicCertificateRequest = { nominalKopecks, phone: phone.e164 };
  const c = await ask(api, 'POST', '/api/v1/certificates/electronic', body);
  return c.ok ? sellable(c.value) : c;
}

/**
 * A certificate's barcode scanned on the sale screen, outside its field: one unsold is sold (a
 * line at its nominal); one active is for the payment dialog, not a product.
 */
export async function scannedCertificate(
  api: ApiCaller,
  code: string,
  items: readonly BasketItem[],
): Promise<CertificateCheck<{ sell: BasketItem } | { payInDialog: string }>> {
  if (items.some((i) => soldCertificateCode(i.product.id) === code)) return { ok: false, reason: 'inSale' };
  const c = await ask(api, 'GET', path(code));
  if (!c.ok) return c;
  if (c.value.state === 'active') return { ok: true, value: { payInDialog: c.value.code } };
  const line = sellable(c.value);
  return line.ok ? { ok: true, value: { sell: line.value } } : line;
}

/**
 * Take up to `room` kopecks of a certificate for receipt `receiptId` at the server: its whole
 * balance or what is due, whichever is less. Never more than the balance (the server refuses it).
 */
export async function holdCertificate(
  api: ApiCaller,
  text: string,
  sale: { room: number; taken: readonly CertificatePayment[]; receiptId: string },
): Promise<CertificateCheck<CertificatePayment>> {
  const code = normaliseCertificateCode(text);
  if (!code) return { ok: false, reason: 'notACode' };
  if (sale.taken.some((p) => p.code === code)) return { ok: false, reason: 'inSale' };
  if (sale.taken.length >= MAX_CERTIFICATES_PER_RECEIPT) return { ok: false, reason: 'tooMany' };
  if (sale.room <= 0) return { ok: false, reason: 'nothingDue' };
  const c = await ask(api, 'GET', path(code));
  if (!c.ok) return c;
  if (c.value.state !== 'active') return { ok: false, reason: c.value.state === 'void' ? 'void' : 'notActive' };
  const amount = Math.min(c.value.balanceKopecks, sale.room);
  if (amount <= 0) return { ok: false, reason: 'empty' };
  const moveId = randomId();
  const held = await ask(api, 'POST', `${path(code)}/moves`, { eventId: moveId, kind: 'redemption', amountKopecks: amount, receiptId: sale.receiptId });
  if (!held.ok) return held;
  return { ok: true, value: { code, amountKopecks: amount, moveId, balanceAfterKopecks: held.value.balanceKopecks } };
}

/**
 * A certificate sold and now returned: its whole nominal is taken off it at the server (under the
 * return's id, applied once) before the money goes back, so it cannot be both refunded and spent.
 * One already spent from (insufficient) or unreachable (offline) is refused.
 */
export async function takeBackCertificate(
  api: ApiCaller,
  code: string,
  nominalKopecks: number,
  returnId: string,
  receiptId: string,
): Promise<CertificateCheck<CertificateView>> {
  return ask(api, 'POST', `${path(code)}/moves`, { eventId: returnId, kind: 'redemption', amountKopecks: nominalKopecks, receiptId });
}

/** Give a part back (the payment was cancelled): a refund under the hold's id, applied once. */
export async function releaseCertificate(api: ApiCaller, part: CertificatePayment, receiptId: string): Promise<CertificateCheck<CertificateView>> {
  return ask(api, 'POST', `${path(part.code)}/moves`, { eventId: part.moveId, kind: 'refund', amountKopecks: part.amountKopecks, receiptId });
}
