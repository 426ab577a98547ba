import { z } from 'zod';
import { normaliseCouponCode } from './coupons';

/**
 * Gift certificates: a code with a nominal, sold at the till (activated by the sale), then
 * accepted as a payment, in part or whole, until its balance is spent. The balance lives at the
 * server; each change is a move with the till's event id, applied once (a resend changes
 * nothing), and a redemption never takes the balance below zero.
 *
 * Fiscal treatment (54-FZ): selling a certificate is an advance (признак способа расчёта
 * «аванс», предмет расчёта «платёж»), not revenue; a purchase paid by a certificate records that
 * part as payment type «предварительная оплата (зачёт аванса)». The ATOL adapter has both
 * (drivers/fiscal/atolWebSchemas.ts: paymentMethod 'advance', payment type 'prepaid').
 */

/** Certificate codes read like coupon codes: Latin letters and digits, case and dashes ignored. */
export const normaliseCertificateCode = normaliseCouponCode;

export const CertificateMoveSchema = z.object({
  eventId: z.string().min(1).max(100),
  kind: z.enum(['activation', 'redemption', 'refund']),
  amountKopecks: z.number().int().min(0).max(100_000_000),
  receiptId: z.string().min(1).max(200).optional(),
});
export type CertificateMove = z.infer<typeof CertificateMoveSchema>;

export type CertificateState = 'issued' | 'active' | 'void';

export interface Certificate {
  code: string;
  nominalKopecks: number;
  balanceKopecks: number;
  state: CertificateState;
  /** Event ids of the moves applied, per kind: a resend of one is answered, not applied again. */
  applied: ReadonlySet<string>;
}

export type MoveRefusal = 'notActive' | 'alreadyActive' | 'void' | 'insufficient' | 'overRefund';
export type MoveOutcome = { ok: true; certificate: Certificate; duplicate: boolean } | { ok: false; reason: MoveRefusal; certificate: Certificate };

/**
 * Apply one move. Activation makes an issued certificate spendable for its nominal (the amount
 * must be the nominal); a redemption takes at most the balance (more is refused, nothing taken);
 * a refund (a returned purchase paid by it) gives back at most what would bring it to the nominal.
 */
export function applyMove(c: Certificate, m: CertificateMove): MoveOutcome {
  const key = `${m.kind}/${m.eventId}`;
  if (c.applied.has(key)) return { ok: true, certificate: c, duplicate: true };
  const done = (next: Partial<Certificate>): MoveOutcome => ({
    ok: true,
    duplicate: false,
    certificate: { ...c, ...next, applied: new Set([...c.applied, key]) },
  });
  if (c.state === 'void') return { ok: false, reason: 'void', certificate: c };
  switch (m.kind) {
    case 'activation':
      if (c.state === 'active') return { ok: false, reason: 'alreadyActive', certificate: c };
      return done({ state: 'active', balanceKopecks: c.nominalKopecks });
    case 'redemption':
      if (c.state !== 'active') return { ok: false, reason: 'notActive', certificate: c };
      if (m.amountKopecks > c.balanceKopecks) return { ok: false, reason: 'insufficient', certificate: c };
      return done({ balanceKopecks: c.balanceKopecks - m.amountKopecks });
    case 'refund':
      if (c.state !== 'active') return { ok: false, reason: 'notActive', certificate: c };
      if (c.balanceKopecks + m.amountKopecks > c.nominalKopecks) return { ok: false, reason: 'overRefund', certificate: c };
      return done({ balanceKopecks: c.balanceKopecks + m.amountKopecks });
  }
}

/** How much of a receipt's `payableKopecks` a certificate pays: all of it, or its whole balance. */
export function certificatePart(balanceKopecks: number, payableKopecks: number): { paid: number; rest: number; balanceAfter: number } {
  const paid = Math.max(0, Math.min(balanceKopecks, payableKopecks));
  return { paid, rest: payableKopecks - paid, balanceAfter: balanceKopecks - paid };
}

/** A certificate sold at the till is a basket line whose product id names its code. */
const CERTIFICATE_PRODUCT = 'gift-certificate:';

export function certificateProductId(code: string): string {
  return `${CERTIFICATE_PRODUCT}${code}`;
}

/** The certificate code a basket line sells, or null for goods. */
export function soldCertificateCode(productId: string): string | null {
  return productId.startsWith(CERTIFICATE_PRODUCT) ? productId.slice(CERTIFICATE_PRODUCT.length) : null;
}

/** A certificate taken as part of a receipt's payment, held at the server under `moveId`. */
export interface CertificatePayment {
  code: string;
  amountKopecks: number;
  /** The redemption's id at the server: the sale's push applies the same move again, a no-op. */
  moveId: string;
  /** The certificate's balance once this part is taken, as the server answered. */
  balanceAfterKopecks: number;
}

/**
 * What certificates may still pay of a receipt: its goods, never a certificate sold on it (an
 * advance cannot pay for another advance), less the parts already taken.
 */
export function certificateRoom(
  priced: { lines: readonly { productId: string; payable: number }[]; totals: { payable: number } },
  taken: readonly Pick<CertificatePayment, 'amountKopecks'>[],
): number {
  const advances = priced.lines.reduce((s, l) => s + (soldCertificateCode(l.productId) === null ? 0 : l.payable), 0);
  const paid = taken.reduce((s, p) => s + p.amountKopecks, 0);
  return Math.max(0, priced.totals.payable - advances - paid);
}
