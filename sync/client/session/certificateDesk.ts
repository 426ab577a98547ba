import { certificateRoom, type CertificatePayment } from '../../../core/loyalty/certificates';
import type { SaleEvent } from '../../protocol/events';
import type { ApiCaller } from '../api';
import {
  certificateToSell,
  electronicCertificateToSell,
  holdCertificate,
  releaseCertificate,
  scannedCertificate,
  type CertificateCheck,
} from '../certificates';
import type { BasketItem } from '../records';
import type { SaleView, TillState } from './tillState';

/** The session as the certificate desk sees it (tillSession.ts lends it). */
export interface CertificateHost {
  state(): TillState;
  setSale(patch: Partial<SaleView>, persist?: boolean): void;
  notice(key: string, params?: Record<string, string | number>, tone?: 'warn' | 'info'): void;
  api: ApiCaller;
  /** The receipt number a payment starting now would get. */
  newReceiptId(): string;
  draftWritten(): Promise<void>;
}

/** Kopecks the sale's certificates pay. */
export function certificatesPaid(sale: Pick<SaleView, 'certificates'>): number {
  return (sale.certificates?.parts ?? []).reduce((s, p) => s + p.amountKopecks, 0);
}

/** What is left to pay in money once the certificates' parts are taken. */
export function moneyDue(sale: Pick<SaleView, 'certificates' | 'priced'>): number {
  return Math.max(0, (sale.priced?.totals.payable ?? 0) - certificatesPaid(sale));
}

/** The parts as the sale event carries them (the money amount is the rest). */
export function eventCertificates(sale: Pick<SaleView, 'certificates'>): Pick<SaleEvent['payment'], 'certificates'> {
  const parts = sale.certificates?.parts ?? [];
  return parts.length ? { certificates: parts.map((p) => ({ code: p.code, amountKopecks: p.amountKopecks, moveId: p.moveId })) } : {};
}

/**
 * Gift certificates at the sale (sync/client/certificates.ts says why both need the server):
 * one sold goes into the basket as a line; one paid with is taken in the payment dialog, its
 * part held at the server and kept in the durable draft with the receipt number the payment
 * will use, until the sale is committed or the payment cancelled (the parts given back).
 */
export class CertificateDesk {
  constructor(private readonly h: CertificateHost) {}

  /** Scanned or typed on the sale screen: the certificate becomes a line at its nominal. */
  async sell(text: string): Promise<boolean> {
    if (this.h.state().mode !== 'selling') return (this.h.notice('certificate.refused.paying'), false);
    return this.addLine(await certificateToSell(this.h.api, text, this.h.state().sale.items));
  }

  /** An electronic certificate to the customer's phone: a line at the nominal; the phone stays at the server only. */
  async sellElectronic(nominalRubles: number, phone: string): Promise<boolean> {
    if (this.h.state().mode !== 'selling') return (this.h.notice('certificate.refused.paying'), false);
    return this.addLine(await electronicCertificateToSell(this.h.api, nominalRubles, phone));
  }

  /**
   * A certificate's barcode scanned on the sale screen: sold when unsold; an active one is money
   * for the payment dialog. Not a certificate the server knows: an unknown code, as before.
   */
  async scanned(code: string): Promise<boolean> {
    const r = await scannedCertificate(this.h.api, code, this.h.state().sale.items);
    // Offline, a code with letters may as well be a product's or a typo: say both, not "certificates only online".
    const refusal = r.ok ? null : r.reason === 'notFound' ? 'scan.refused.unknownCode' : r.reason === 'offline' ? 'scan.refused.unknownCodeOffline' : null;
    if (!r.ok) return (this.h.notice(refusal ?? `certificate.refused.${r.reason}`), false);
    if ('payInDialog' in r.value) return (this.h.notice('certificate.payInDialog', { code: r.value.payInDialog }, 'info'), false);
    return this.addLine({ ok: true, value: r.value.sell });
  }

  private addLine(r: CertificateCheck<BasketItem>): boolean {
    if (!r.ok) return (this.h.notice(`certificate.refused.${r.reason}`), false);
    this.h.setSale({ items: [...this.h.state().sale.items, r.value] });
    this.h.notice('certificate.added', { code: r.value.product.id.split(':')[1] ?? '' }, 'info');
    return true;
  }

  /** In the payment dialog: take what the certificate can pay of the goods, never more than its balance. */
  async pay(text: string): Promise<boolean> {
    const sale = this.h.state().sale;
    if (this.h.state().mode !== 'payingCash' || !sale.priced || sale.fiscal || sale.payment) return false;
    const receiptId = sale.certificates?.receiptId ?? this.h.newReceiptId();
    const taken = sale.certificates?.parts ?? [];
    const r = await holdCertificate(this.h.api, text, { room: certificateRoom(sale.priced, taken), taken, receiptId });
    if (!r.ok) return (this.h.notice(`certificate.refused.${r.reason}`), false);
    this.h.setSale({ certificates: { receiptId, parts: [...taken, r.value] } });
    await this.h.draftWritten();
    this.h.notice('certificate.taken', { code: r.value.code }, 'info');
    return true;
  }

  /**
   * The payment is cancelled: each part goes back to its certificate. Offline the parts stay on
   * the sale (the dialog stays open) rather than be lost: the cashier pays the rest or retries.
   */
  async release(): Promise<boolean> {
    const c = this.h.state().sale.certificates;
    if (!c || c.parts.length === 0) return true;
    const kept: CertificatePayment[] = [];
    for (const part of c.parts) {
      const r = await releaseCertificate(this.h.api, part, c.receiptId);
      if (!r.ok) kept.push(part);
    }
    this.h.setSale({ certificates: kept.length ? { ...c, parts: kept } : undefined });
    await this.h.draftWritten();
    if (kept.length) this.h.notice('certificate.releaseFailed');
    return kept.length === 0;
  }
}
