import { z } from 'zod';
import { SaleInputSchema } from '../../core/engine';
import { FeedbackToken } from './feedback';
import { PhoneConfirmation, SaleIdentity } from './phoneCodes';

/**
 * Till events pushed to the server (POST /api/v1/push). Every event carries an `eventId`
 * made at the till; the server applies each at most once and answers every resend of it
 * with the first answer.
 */

export const MAX_PUSH_BATCH = 500;

const kopecks = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const tillId = z.string().min(1).max(200);
const instant = z.iso.datetime({ offset: true });
/** Keyed hashes (phone, bank card) as core/lookupKey makes them. */
export const LookupKey = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'expected a lookup key (base64url)');
export const CardNumber = z.string().regex(/^\d{6,19}$/, 'expected 6-19 digits');

/** A customer as events name it: the server's id ("123"), or the till-made uuid of a registration. */
export const CustomerRef = z.union([z.string().regex(/^[1-9]\d{0,17}$/), z.uuid()]);
export type CustomerRef = z.infer<typeof CustomerRef>;

export const ConsentChannel = z.enum(['sms', 'email', 'push', 'messenger']);
export type ConsentChannel = z.infer<typeof ConsentChannel>;

/** One consent decision, kept as its own versioned record (never overwritten). */
export const ConsentRecord = z
  .object({
    purpose: z.enum(['personal_data', 'marketing']),
    /** Marketing is consented per channel; personal-data processing has none. */
    channel: ConsentChannel.nullable().default(null),
    granted: z.boolean(),
    /** Version of the consent text the customer was shown. */
    textVersion: z.string().trim().min(1).max(50),
    givenAt: instant,
  })
  .refine((c) => (c.purpose === 'marketing') === (c.channel !== null), {
    path: ['channel'],
    message: 'marketing consent needs a channel; personal-data consent has none',
  });
export type ConsentRecord = z.infer<typeof ConsentRecord>;

const base = {
  eventId: z.uuid(),
  /** When it happened at the till (the till's clock). */
  occurredAt: instant,
};

/** The server's id of a cashier of the store (sync/protocol/cashiers.ts). */
export const CashierId = z.string().regex(/^[1-9]\d{0,17}$/, "expected the server's cashier id");

/**
 * Who was signed in at the till. Optional: events made before cashiers existed, or on a till of
 * a store that has none, carry no cashier and count under "no cashier".
 */
const byCashier = { cashierId: CashierId.optional() };

export const SaleTotals = z.object({
  payable: kopecks,
  redeemed: kopecks,
  accrued: kopecks,
  discount: kopecks,
});
export type SaleTotals = z.infer<typeof SaleTotals>;

/**
 * A register's identifier (ФН, РН ККТ, ФП): digits only. Sixteen of them pass Luhn one time in
 * ten, yet they are no card number: the server's card-number screen skips these fields by name
 * (FISCAL_ID_FIELDS), which is safe because nothing but digits can be in them.
 */
export const FiscalId = (maxDigits: number) => z.string().regex(new RegExp(`^\\d{1,${maxDigits}}$`));

/** The sale's fiscal document (54-FZ) as the register's fiscal drive recorded it; absent on tills without a register. */
export const SaleFiscal = z.object({
  /** ФД: document number in the fiscal drive. */
  documentNumber: z.number().int().min(0),
  /** ФП: fiscal sign. */
  fiscalSign: FiscalId(20),
  dateTime: z.string().max(40),
  shiftNumber: z.number().int().min(0).optional(),
  /** ФН: the fiscal drive's serial number. */
  fnNumber: FiscalId(32).optional(),
  /** РН ККТ: the register's registration number. */
  registrationNumber: FiscalId(32).optional(),
});
/** The fields of SaleFiscal typed as FiscalId: digit-only register identifiers, not card numbers. */
export const FISCAL_ID_FIELDS = ['fiscalSign', 'fnNumber', 'registrationNumber'] as const satisfies readonly (keyof z.infer<typeof SaleFiscal>)[];
export type SaleFiscal = z.infer<typeof SaleFiscal>;

export const SaleEvent = z
  .object({
    ...base,
    type: z.literal('sale'),
    ...byCashier,
    /** Exactly what the till priced, in the engine's input format. */
    sale: SaleInputSchema,
    /** What the till priced and the customer saw. */
    totals: SaleTotals,
    payment: z.object({
      method: z.enum(['cash', 'card']),
      amountKopecks: kopecks,
      /** Keyed hash of the bank card paid with, never the card number. */
      bankKey: LookupKey.optional(),
      /** The bank's reference of a card payment: a return refunds to the card against it, from any till. */
      rrn: z
        .string()
        .regex(/^[A-Za-z0-9]{1,12}$/)
        .optional(),
      /**
       * Gift certificates that paid part of the receipt (issue 16): each part was taken at the
       * server online as a redemption under `moveId` before the money; the sale applies the same
       * move again (a no-op). `amountKopecks` above is the money part only.
       */
      certificates: z
        .array(z.object({ code: z.string().regex(/^[A-Z0-9]{4,32}$/), amountKopecks: kopecks.min(1), moveId: z.uuid() }))
        .max(5)
        .optional(),
    }),
    fiscal: SaleFiscal.optional(),
    /**
     * Next-order coupons printed on this receipt (issue 16, core/engine/nextOrder.ts): each code is
     * derived from this event's id; the server issues it, once, when its own pricing agrees.
     */
    nextOrderCoupons: z
      .array(
        z.object({
          code: z.string().regex(/^[A-Z0-9]{4,32}$/),
          offerId: z.string().min(1).max(200),
          couponOfferId: z.string().min(1).max(200),
          /** As the till printed them; the server derives its own. */
          validFromMs: z.number().int().optional(),
          validToMs: z.number().int().optional(),
        }),
      )
      .max(5)
      .optional(),
    /**
     * How the till identified the customer; a spend by a typed phone needs a confirmation (an SMS
     * code) or stays within the chain's allowance (sync/protocol/phoneCodes.ts). Absent: a till
     * from before issue 13.
     */
    identity: SaleIdentity.optional(),
    /** The receipt's feedback token (issue 16), when the chain prints feedback links: the QR code and the SMS lead to it. */
    feedbackToken: FeedbackToken.optional(),
  })
  .refine((e) => e.sale.customer === null || CustomerRef.safeParse(e.sale.customer.id).success, {
    path: ['sale', 'customer', 'id'],
    message: "expected the server's customer id or a till-made registration uuid",
  });
export type SaleEvent = z.infer<typeof SaleEvent>;

export const ReturnEvent = z.object({
  ...base,
  type: z.literal('return'),
  ...byCashier,
  /** Till-made id of the return document. */
  returnId: tillId,
  original: z.object({ eventId: z.uuid(), receiptId: tillId }),
  lines: z
    .array(z.object({ lineId: tillId, quantityMilli: z.number().int().min(1).max(1_000_000_000) }))
    .min(1)
    .max(1_000),
  /** What the till computed, for comparison; the server posts its own figures. */
  totals: z.object({ refund: kopecks, restoredBonus: kopecks, reversedAccrual: kopecks }).optional(),
  /** The return receipt's fiscal document (чек возврата прихода), on tills with a register. */
  fiscal: SaleFiscal.optional(),
});
export type ReturnEvent = z.infer<typeof ReturnEvent>;

export const RegistrationEvent = z
  .object({
    ...base,
    type: z.literal('registration'),
    ...byCashier,
    /** Made at the till; later events may name the customer by it. */
    customerId: z.uuid(),
    firstName: z.string().trim().min(1).max(100),
    phone: z.e164(),
    email: z.email().max(254).optional(),
    birthday: z.iso.date().optional(),
    cardNumber: CardNumber.optional(),
    consents: z.array(ConsentRecord).min(1).max(10),
    /** The welcome bonus the till showed. */
    welcomeBonusKopecks: kopecks,
    /** Who invited the customer (issue 16): the referrer's loyalty card, or the referrer's id as the till found them. */
    referrer: z.union([z.object({ card: CardNumber }), z.object({ customerId: CustomerRef })]).optional(),
    /**
     * The phone's owner confirmed it by an SMS code (a registration naming a phone the chain has):
     * only then does it merge into that customer. Without it such a registration becomes a
     * customer of its own, flagged for head office.
     */
    phoneConfirmation: PhoneConfirmation.optional(),
  })
  .refine((r) => r.consents.some((c) => c.purpose === 'personal_data' && c.granted), {
    path: ['consents'],
    message: 'registration needs the personal-data consent, granted',
  });
export type RegistrationEvent = z.infer<typeof RegistrationEvent>;

export const CardLinkEvent = z
  .object({
    ...base,
    type: z.literal('cardLink'),
    customerId: CustomerRef,
    kind: z.enum(['card', 'bank']),
    /** A loyalty card number, or a bank card's lookup key. */
    key: z.string().min(6).max(64),
  })
  .refine((e) => (e.kind === 'card' ? CardNumber : LookupKey).safeParse(e.key).success, {
    path: ['key'],
    message: 'a card is 6-19 digits; a bank card is its lookup key',
  });
export type CardLinkEvent = z.infer<typeof CardLinkEvent>;

export const ConsentEvent = z.object({
  ...base,
  type: z.literal('consent'),
  customerId: CustomerRef,
  consent: ConsentRecord,
});
export type ConsentEvent = z.infer<typeof ConsentEvent>;

/**
 * The till showed the "register" choice for a customer it could not find (at most once per
 * sale in progress). An event of its own rather than a field of the sale: the offer counts
 * whether or not a sale follows (the basket may be cancelled, the customer may register
 * before paying), it needs no change to the engine's sale input, and it rides the same
 * exactly-once path. It carries no personal data: not the phone or card that was not found.
 */
export const RegistrationOfferedEvent = z.object({
  ...base,
  type: z.literal('registrationOffered'),
  ...byCashier,
  /** What the cashier looked the customer up by. */
  via: z.enum(['card', 'phone', 'bank']),
});
export type RegistrationOfferedEvent = z.infer<typeof RegistrationOfferedEvent>;

/** What needs a supervisor's card or PIN at the till (docs/till-session.md). */
export const ApprovalAction = z.enum(['voidLine', 'priceChange', 'manualDiscount', 'returnNoReceipt']);
export type ApprovalAction = z.infer<typeof ApprovalAction>;

/**
 * A supervisor approved an action at the till: who, for what, the amount before and after. A
 * fact for head office (no ledger effect), on the same exactly-once path as sales.
 */
export const ApprovalEvent = z.object({
  ...base,
  type: z.literal('approval'),
  ...byCashier,
  action: ApprovalAction,
  /** The manager's server id, as the manager session named it, and the name shown at the till. */
  managerId: z.string().regex(/^[1-9]\d{0,17}$/),
  managerName: z.string().trim().min(1).max(100),
  /** The line's product; absent for a return without a receipt of several goods. */
  productId: z.string().min(1).max(200).optional(),
  /** Kopecks before and after (a voided line goes to 0; a return without a receipt: 0 and the refund). */
  before: kopecks,
  after: kopecks,
  /** The return document an approved return without a receipt made. */
  returnId: tillId.optional(),
  /** What a return without a receipt gave back, at the price refunded (kopecks per piece or per kilogram). */
  lines: z
    .array(z.object({ productId: z.string().min(1).max(200), quantityMilli: z.number().int().min(1).max(1_000_000_000), priceKopecks: kopecks }))
    .min(1)
    .max(1_000)
    .optional(),
  /** The return receipt's fiscal document, on tills with a register. */
  fiscal: SaleFiscal.optional(),
});
export type ApprovalEvent = z.infer<typeof ApprovalEvent>;

/** The customer's rating of a purchase (issue 16): 1 to 5 and an optional comment, one per receipt. */
export const FeedbackEvent = z.object({
  ...base,
  type: z.literal('feedback'),
  ...byCashier,
  receiptId: z.string().min(1).max(200),
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().min(1).max(500).optional(),
});
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;

export const TillEvent = z.discriminatedUnion('type', [
  SaleEvent,
  ReturnEvent,
  RegistrationEvent,
  CardLinkEvent,
  ConsentEvent,
  RegistrationOfferedEvent,
  ApprovalEvent,
  FeedbackEvent,
]);
export type TillEvent = z.infer<typeof TillEvent>;
export type TillEventType = TillEvent['type'];

/**
 * The batch. Items are checked one by one so that one bad event is rejected alone; only an
 * item without a usable eventId fails the whole request (there is nothing to answer it by).
 */
export const PushRequest = z.object({
  events: z
    .array(z.looseObject({ eventId: z.uuid(), type: z.string().max(40).optional() }))
    .min(1)
    .max(MAX_PUSH_BATCH),
});
export type PushRequest = z.infer<typeof PushRequest>;

/** Bonus figures as posted to the ledger by one event. */
export const Posted = z.object({
  redeemed: z.number().int().optional(),
  accrued: z.number().int().optional(),
  welcome: z.number().int().optional(),
  restoredBonus: z.number().int().optional(),
  reversedAccrual: z.number().int().optional(),
  /** A manual adjustment by head office, signed. */
  adjusted: z.number().int().optional(),
});

export const AppliedResult = z.object({
  type: z.enum(['sale', 'return', 'registration', 'cardLink', 'consent', 'adjustment', 'registrationOffered', 'approval', 'feedback']),
  /** The server's id of the customer the event touched (after alias resolution), if any. */
  customerId: z.string().nullable(),
  /** A registration whose phone was already known: the customer it joined. */
  mergedInto: z.string().optional(),
  posted: Posted,
  /** Ledger balance after the event: spendable and pending, in kopecks. */
  balance: z.object({ available: z.number().int(), pending: z.number().int() }).nullable(),
  /** Exception kinds this event raised for head office (price differences, overdraft...). */
  flags: z.array(z.string()),
});
export type AppliedResult = z.infer<typeof AppliedResult>;

export const Rejected = z.object({
  code: z.string(),
  message: z.string(),
  /**
   * True when the event may succeed later as it is (e.g. it names a customer or receipt the
   * server has not received yet): such a rejection is not recorded; resend it later.
   */
  retryable: z.boolean(),
});

/** What the first delivery of an event got, stored and repeated for every resend. */
export const EventOutcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('applied'), result: AppliedResult }),
  Rejected.extend({ status: z.literal('rejected') }),
]);
export type EventOutcome = z.infer<typeof EventOutcome>;

export const PushResultItem = z.discriminatedUnion('status', [
  z.object({ eventId: z.string(), status: z.literal('applied'), result: AppliedResult }),
  z.object({ eventId: z.string(), status: z.literal('duplicate'), original: EventOutcome }),
  Rejected.extend({ eventId: z.string(), status: z.literal('rejected') }),
]);
export type PushResultItem = z.infer<typeof PushResultItem>;

export const PushResponse = z.object({ results: z.array(PushResultItem) });
export type PushResponse = z.infer<typeof PushResponse>;
