import { describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '../../../core/luhn';
import { encodeScaleBarcode, ScaleBarcodeSettings } from '../../../core/scaleBarcode';
import { routeScan, type ScanEffect, type ScanInput } from './scanRouter';
import type { TillMode } from './tillMode';

const ean = (body12: string) => `${body12}${gtinCheckDigit(body12)}`;
const PRODUCT = ean('460100000001');
const CARD = ean('270000000005');
const BAD_CHECK = `${PRODUCT.slice(0, 12)}${(Number(PRODUCT[12]) + 1) % 10}`;
const RECEIPT_NO = 'ABCD1234-MX5C0W1K';

/** Every kind of scan a till meets: each device and what it reads. */
const SCANS: Record<string, ScanInput> = {
  product: { kind: 'text', text: PRODUCT },
  loyaltyCardBarcode: { kind: 'text', text: CARD },
  loyaltyCardStripe: { kind: 'loyaltyCard', cardNumber: CARD },
  phone: { kind: 'text', text: '+7 916 000-00-07' },
  receipt: { kind: 'text', text: `R-${RECEIPT_NO}` },
  bankCard: { kind: 'bankCard', tokenHash: 'bank-token-hash-aaaaaaaaaaaa', last4: '4242' },
  badCheckDigit: { kind: 'text', text: BAD_CHECK },
  garbage: { kind: 'text', text: 'hello' },
  digits: { kind: 'text', text: '12345' },
  // A gift certificate's barcode (issue 16): letters and digits no product reads as.
  certificate: { kind: 'text', text: 'gc-7k2m 9qxa' },
};

type Row = Record<keyof typeof SCANS, ScanEffect>;
const refuse = (reason: Extract<ScanEffect, { do: 'refuse' }>['reason']): ScanEffect => ({ do: 'refuse', reason });
const all = (effect: ScanEffect): Row => Object.fromEntries(Object.keys(SCANS).map((k) => [k, effect])) as Row;

const SALE: Row = {
  product: { do: 'addProduct', code: PRODUCT },
  loyaltyCardBarcode: { do: 'identify', text: CARD },
  loyaltyCardStripe: { do: 'identify', text: CARD },
  phone: { do: 'identify', text: '+79160000007' },
  receipt: { do: 'openReturn', receiptNo: RECEIPT_NO },
  bankCard: { do: 'identifyBankCard', tokenHash: 'bank-token-hash-aaaaaaaaaaaa' },
  badCheckDigit: refuse('badCheckDigit'),
  garbage: refuse('unknownCode'),
  digits: refuse('unknownCode'),
  certificate: refuse('unknownCode'),
};

const EXPECTED: Record<TillMode, Row> = {
  // Not enrolled: only a manager's card means something (it confirms replacing a live credential).
  setup: {
    ...all(refuse('notEnrolled')),
    phone: { do: 'managerCard', text: '+7 916 000-00-07' },
    badCheckDigit: { do: 'managerCard', text: BAD_CHECK },
    garbage: { do: 'managerCard', text: 'hello' },
    digits: { do: 'managerCard', text: '12345' },
    certificate: { do: 'managerCard', text: 'gc-7k2m 9qxa' },
  },
  signIn: all(refuse('signInFirst')),
  // On the sale screen a code with letters may be a certificate: the session asks the server whether
  // to sell it or to send the cashier to the payment dialog. Digits alone stay unknown product codes.
  selling: { ...SALE, garbage: { do: 'certificate', code: 'HELLO' }, certificate: { do: 'certificate', code: 'GC7K2M9QXA' } },
  history: SALE,
  // A payment in progress: nothing reaches the sale being paid.
  payingCash: all(refuse('paymentInProgress')),
  payingCard: all(refuse('paymentInProgress')),
  returning: { ...all(refuse('finishReturnFirst')), receipt: { do: 'openReturn', receiptNo: RECEIPT_NO } },
  registering: {
    product: { do: 'addProduct', code: PRODUCT },
    // A card read into the open form is the new customer's card (the session refuses one that has an owner).
    loyaltyCardBarcode: { do: 'registrationCard', cardNumber: CARD },
    loyaltyCardStripe: { do: 'registrationCard', cardNumber: CARD },
    phone: refuse('unknownCode'),
    receipt: refuse('closeScreenFirst'),
    bankCard: refuse('bankCardInRegistration'),
    badCheckDigit: refuse('badCheckDigit'),
    garbage: refuse('unknownCode'),
    digits: refuse('unknownCode'),
    certificate: refuse('unknownCode'),
  },
  rejected: all(refuse('closeScreenFirst')),
  // The manager screen takes a manager's card (any other code); products and customers' cards are not tries.
  manager: {
    product: refuse('notInManager'),
    loyaltyCardBarcode: refuse('notInManager'),
    loyaltyCardStripe: refuse('notInManager'),
    phone: { do: 'managerCard', text: '+7 916 000-00-07' },
    receipt: refuse('notInManager'),
    bankCard: refuse('notInManager'),
    badCheckDigit: { do: 'managerCard', text: BAD_CHECK },
    garbage: { do: 'managerCard', text: 'hello' },
    digits: { do: 'managerCard', text: '12345' },
    certificate: { do: 'managerCard', text: 'gc-7k2m 9qxa' },
  },
  // A manager's card confirms re-enrolment from the diagnostics screen (issue 13); nothing else does anything.
  diagnostics: {
    ...all({ do: 'ignore' }),
    phone: { do: 'managerCard', text: '+7 916 000-00-07' },
    badCheckDigit: { do: 'managerCard', text: BAD_CHECK },
    garbage: { do: 'managerCard', text: 'hello' },
    digits: { do: 'managerCard', text: '12345' },
    certificate: { do: 'managerCard', text: 'gc-7k2m 9qxa' },
  },
};

describe('scan router', () => {
  for (const [mode, row] of Object.entries(EXPECTED) as [TillMode, Row][]) {
    it(`${mode}: each scan kind has its one defined effect`, () => {
      const got = Object.fromEntries(Object.entries(SCANS).map(([kind, scan]) => [kind, routeScan(mode, scan, '27')]));
      expect(got).toEqual(row);
    });
  }

  it('a loyalty card is told from a product by the chain prefix', () => {
    expect(routeScan('selling', { kind: 'text', text: CARD }, '99')).toEqual({ do: 'addProduct', code: CARD });
    expect(routeScan('selling', { kind: 'text', text: CARD }, '27')).toEqual({ do: 'identify', text: CARD });
  });
});

describe('scale labels (issue 15)', () => {
  const settings = ScaleBarcodeSettings.parse({
    prefixes: { '22': { kind: 'weight', itemDigits: 5, valueDigits: 5 }, '23': { kind: 'price', itemDigits: 5, valueDigits: 5 } },
  });
  const weightLabel = encodeScaleBarcode(settings, '22', '00003', 1_234);
  const priceLabel = encodeScaleBarcode(settings, '23', '00003', 45_678);

  it('a weight or price label in the chain settings goes to a weighed line; without settings it is a plain product code', () => {
    expect(routeScan('selling', { kind: 'text', text: weightLabel }, '27', settings)).toEqual({
      do: 'addWeighed',
      itemCode: '00003',
      grams: 1_234,
      priceKopecks: undefined,
    });
    expect(routeScan('selling', { kind: 'text', text: priceLabel }, '27', settings)).toEqual({
      do: 'addWeighed',
      itemCode: '00003',
      grams: undefined,
      priceKopecks: 45_678,
    });
    expect(routeScan('selling', { kind: 'text', text: weightLabel }, '27')).toEqual({ do: 'addProduct', code: weightLabel });
  });

  it('a label with a bad check digit is refused, and under a payment or in the manager screen labels are refused', () => {
    const bad = `${weightLabel.slice(0, 12)}${(Number(weightLabel[12]) + 1) % 10}`;
    expect(routeScan('selling', { kind: 'text', text: bad }, '27', settings)).toEqual({ do: 'refuse', reason: 'badCheckDigit' });
    expect(routeScan('payingCard', { kind: 'text', text: weightLabel }, '27', settings)).toEqual({ do: 'refuse', reason: 'paymentInProgress' });
    expect(routeScan('manager', { kind: 'text', text: weightLabel }, '27', settings)).toEqual({ do: 'refuse', reason: 'notInManager' });
  });
});
