import { identify, type Identified } from '../../../core/identify';
import { normaliseCertificateCode } from '../../../core/loyalty/certificates';
import type { ScaleBarcodeSettings } from '../../../core/scaleBarcode';
import type { TillMode } from './tillMode';

/** Where a scan came from, as far as routing cares: a bank card read never shows its number. */
export type ScanInput = { kind: 'text'; text: string } | { kind: 'loyaltyCard'; cardNumber: string } | { kind: 'bankCard'; tokenHash: string; last4: string };

/** What the till does with one scan in one mode. Refusals name an i18n key the screen words. */
export type ScanEffect =
  | { do: 'addProduct'; code: string }
  /** An in-store scale label: the item code, and the weight or price it carries. */
  | { do: 'addWeighed'; itemCode: string; grams?: number | undefined; priceKopecks?: number | undefined }
  | { do: 'identify'; text: string }
  | { do: 'identifyBankCard'; tokenHash: string }
  | { do: 'openReturn'; receiptNo: string }
  | { do: 'registrationCard'; cardNumber: string }
  | { do: 'managerCard'; text: string }
  /** Letters and digits no product reads as: a gift certificate's barcode, maybe (the server knows). */
  | { do: 'certificate'; code: string }
  | { do: 'refuse'; reason: ScanRefusal }
  | { do: 'ignore' };

export type ScanRefusal =
  | 'paymentInProgress'
  | 'notInManager'
  | 'finishReturnFirst'
  | 'signInFirst'
  | 'notEnrolled'
  | 'closeScreenFirst'
  | 'unknownCode'
  | 'badCheckDigit'
  | 'bankCardInRegistration'
  | 'weightFirst';

function classify(scan: ScanInput, cardPrefix: string, scaleBarcodes?: ScaleBarcodeSettings): Identified | { kind: 'bankCard'; tokenHash: string } {
  if (scan.kind === 'loyaltyCard') return { kind: 'loyaltyCard', cardNumber: scan.cardNumber };
  if (scan.kind === 'bankCard') return { kind: 'bankCard', tokenHash: scan.tokenHash };
  return identify(scan.text, { cardPrefix, ...(scaleBarcodes ? { scaleBarcodes } : {}) });
}

/**
 * One table for every scan in every mode. A payment in progress refuses everything: a product
 * scanned under the card terminal's PIN prompt must never change what is being charged.
 */
export function routeScan(mode: TillMode, scan: ScanInput, cardPrefix: string, scaleBarcodes?: ScaleBarcodeSettings): ScanEffect {
  const what = classify(scan, cardPrefix, scaleBarcodes);
  switch (mode) {
    case 'setup':
      // A manager's card confirms re-enrolling a till its server still accepts (issue 13).
      return asManagerCard(scan, what) ?? { do: 'refuse', reason: 'notEnrolled' };
    case 'signIn':
      return { do: 'refuse', reason: 'signInFirst' };
    case 'payingCash':
    case 'payingCard':
      return { do: 'refuse', reason: 'paymentInProgress' };
    case 'manager':
      if (what.kind === 'product' || what.kind === 'weighedProduct' || what.kind === 'loyaltyCard' || what.kind === 'receipt')
        return { do: 'refuse', reason: 'notInManager' };
      if (what.kind === 'bankCard') return { do: 'refuse', reason: 'notInManager' };
      return asManagerCard(scan, what) ?? { do: 'ignore' };
    case 'diagnostics':
      // The diagnostics screen shows device events itself; the sale is not touched from here. A
      // manager's card goes to its re-enrolment form, which asks for one (issue 13).
      return asManagerCard(scan, what) ?? { do: 'ignore' };
    case 'rejected':
      return { do: 'refuse', reason: 'closeScreenFirst' };
    case 'returning':
      if (what.kind === 'receipt') return { do: 'openReturn', receiptNo: what.receiptNo };
      return { do: 'refuse', reason: 'finishReturnFirst' };
    case 'registering':
      if (what.kind === 'loyaltyCard') return { do: 'registrationCard', cardNumber: what.cardNumber };
      if (what.kind === 'product') return { do: 'addProduct', code: what.gtin };
      if (what.kind === 'weighedProduct') return weighed(what);
      if (what.kind === 'bankCard') return { do: 'refuse', reason: 'bankCardInRegistration' };
      if (what.kind === 'receipt') return { do: 'refuse', reason: 'closeScreenFirst' };
      return unknownRefusal(what);
    case 'selling':
    case 'history':
      if (what.kind === 'product') return { do: 'addProduct', code: what.gtin };
      if (what.kind === 'weighedProduct') return weighed(what);
      if (what.kind === 'receipt') return { do: 'openReturn', receiptNo: what.receiptNo };
      if (what.kind === 'loyaltyCard') return { do: 'identify', text: what.cardNumber };
      if (what.kind === 'bankCard') return { do: 'identifyBankCard', tokenHash: what.tokenHash };
      if (what.kind === 'phone') return { do: 'identify', text: what.e164 };
      if (mode === 'selling') return asCertificate(what) ?? unknownRefusal(what);
      return unknownRefusal(what);
  }
}

/** A manager card is any text scan that is not a product, a customer's card, a receipt or a bank card. */
function asManagerCard(scan: ScanInput, what: ReturnType<typeof classify>): ScanEffect | null {
  if (scan.kind !== 'text') return null;
  if (what.kind === 'product' || what.kind === 'weighedProduct' || what.kind === 'loyaltyCard' || what.kind === 'receipt' || what.kind === 'bankCard')
    return null;
  return { do: 'managerCard', text: scan.text };
}

function weighed(what: Extract<Identified, { kind: 'weighedProduct' }>): ScanEffect {
  return { do: 'addWeighed', itemCode: what.itemCode, grams: what.grams, priceKopecks: what.priceKopecks };
}

/** A code with a letter in it, of a certificate's shape; digits alone stay unknown product codes. */
function asCertificate(what: Identified | { kind: 'bankCard' }): ScanEffect | null {
  if (what.kind !== 'unknown' || what.reason !== 'unrecognised') return null;
  const code = normaliseCertificateCode(what.text);
  return code && /[A-Z]/.test(code) ? { do: 'certificate', code } : null;
}

function unknownRefusal(what: Identified | { kind: 'bankCard' }): ScanEffect {
  if (what.kind === 'unknown' && what.reason === 'badCheckDigit') return { do: 'refuse', reason: 'badCheckDigit' };
  return { do: 'refuse', reason: 'unknownCode' };
}
