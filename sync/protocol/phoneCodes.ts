import { z } from 'zod';

/**
 * SMS one-time codes that confirm a customer's phone (issue 13). The till asks the server to
 * send a code, the customer reads it out, the till sends it back and gets a confirmation: a
 * bearer proof that a sale's spend or a registration's merge carries to the server in its event.
 */

export const PhoneCodePurpose = z.enum(['spend', 'register']);
export type PhoneCodePurpose = z.infer<typeof PhoneCodePurpose>;

/** What the server answers a right code with; the events carry it (never the code). */
export const PhoneConfirmation = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a phone confirmation');

export const PhoneCodeRequest = z.discriminatedUnion('purpose', [
  /** Spending bonuses of a customer the till found by a typed phone: the server's id or a till-made uuid. */
  z.object({ purpose: z.literal('spend'), customerId: z.union([z.string().regex(/^[1-9]\d{0,17}$/), z.uuid()]) }).strict(),
  /** A registration that names a phone: the code goes to the customer who already has it. */
  z.object({ purpose: z.literal('register'), phone: z.e164() }).strict(),
]);
export type PhoneCodeRequest = z.infer<typeof PhoneCodeRequest>;

export const PhoneCodeSent = z.object({
  challengeId: z.uuid(),
  /** The server's id of the customer whose phone got the code. */
  customerId: z.string(),
  maskedPhone: z.string(),
  expiresAt: z.string(),
  attempts: z.number().int(),
  resendAfterSeconds: z.number().int(),
});
export type PhoneCodeSent = z.infer<typeof PhoneCodeSent>;

export const PhoneCodeCheck = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }).strict();
export const PhoneCodeParams = z.object({ challengeId: z.uuid() });

export const PhoneCodeVerified = z.object({
  confirmation: PhoneConfirmation,
  customerId: z.string(),
  purpose: PhoneCodePurpose,
  expiresAt: z.string(),
});
export type PhoneCodeVerified = z.infer<typeof PhoneCodeVerified>;

/**
 * The error codes of these endpoints (the till shows each in Russian or English):
 * - phone_code_resend_too_soon (429, retryAfterSeconds), phone_code_phone_limit (429),
 *   phone_code_till_limit (429): throttles;
 * - phone_not_registered (404): no customer has the phone (a registration needs no code);
 * - customer_not_found (404), customer_has_no_phone (409);
 * - sms_gateway_not_configured (503), sms_unavailable (503): the code could not be sent;
 * - phone_code_unknown (404), phone_code_expired (410), phone_code_used (409),
 *   phone_code_wrong (422, attemptsLeft), phone_code_attempts_exhausted (429).
 */
export const PHONE_CODE_ERRORS = [
  'phone_code_resend_too_soon',
  'phone_code_phone_limit',
  'phone_code_till_limit',
  'phone_not_registered',
  'customer_not_found',
  'customer_has_no_phone',
  'sms_gateway_not_configured',
  'sms_unavailable',
  'phone_code_unknown',
  'phone_code_expired',
  'phone_code_used',
  'phone_code_wrong',
  'phone_code_attempts_exhausted',
] as const;
export type PhoneCodeError = (typeof PHONE_CODE_ERRORS)[number];

/** How the till identified a sale's customer: the server checks the proof before it posts a spend. */
export const SaleIdentity = z.discriminatedUnion('via', [
  z.object({ via: z.literal('card'), card: z.string().regex(/^\d{6,19}$/) }).strict(),
  /** The bank card paid with: its key is the payment's bankKey. */
  z.object({ via: z.literal('bank') }).strict(),
  z.object({ via: z.literal('phone'), confirmation: PhoneConfirmation.optional() }).strict(),
]);
export type SaleIdentity = z.infer<typeof SaleIdentity>;

/** A typed-phone customer spends at most this without a code unless the chain's programme says otherwise. */
export const DEFAULT_PHONE_SPEND_ALLOWANCE_KOPECKS = 10_000;

/** The chain's allowance for a typed-phone spend without a code (its programme, pulled by every till). */
export function phoneSpendAllowance(programme: { phoneSpendAllowanceKopecks?: number | undefined }): number {
  return programme.phoneSpendAllowanceKopecks ?? DEFAULT_PHONE_SPEND_ALLOWANCE_KOPECKS;
}
