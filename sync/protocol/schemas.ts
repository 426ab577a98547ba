import { z } from 'zod';
import { ScaleBarcodeSettings } from '../../core/scaleBarcode';

/** Wire schemas shared by the server, the host and the till. Version 1 of the protocol. */
export const PROTOCOL_VERSION = 1;

export const ApiError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiError>;

export const EnrolRequest = z.object({
  code: z.string().trim().min(6).max(64),
  deviceName: z.string().trim().min(1).max(100),
});
export type EnrolRequest = z.infer<typeof EnrolRequest>;

/** One version of a chain's phone-key secret with its Argon2id cost (core/lookupKey.ts PhoneSecret). */
export const PhoneSecretSchema = z.object({
  version: z.number().int().positive(),
  secret: z.string().min(16).max(200),
  memoryKiB: z
    .number()
    .int()
    .min(8)
    .max(4 * 1024 * 1024),
  iterations: z.number().int().min(1).max(100),
});

export const TerminalInfo = z.object({
  terminalId: z.string(),
  terminalName: z.string(),
  storeId: z.number().int(),
  storeName: z.string(),
  storeTimeZone: z.string(),
  /** The store's region as offers name it; absent from tills enrolled before it existed. */
  regionId: z.string().optional(),
  chainId: z.number().int(),
  chainName: z.string(),
  cardPrefix: z.string().regex(/^\d{1,6}$/),
  /** Key for bank-card lookup hashes (and phone keys made before versioned secrets). */
  lookupSecret: z.string().min(16),
  /**
   * The chain's phone-key secrets (core/lookupKey.ts), newest first: two while the server
   * re-keys its customers after a rotation. Absent from credentials saved before they existed.
   */
  phoneSecrets: z.array(PhoneSecretSchema).max(8).optional(),
  /** The chain's in-store scale label layouts (core/scaleBarcode.ts); absent: labels read as plain products. */
  scaleBarcodes: ScaleBarcodeSettings.optional(),
  /** The most one receipt may be paid by card (the programme's cardPaymentLimitKopecks); null or absent: no limit. */
  cardPaymentLimitKopecks: z.number().int().min(0).nullable().optional(),
});
export type TerminalInfo = z.infer<typeof TerminalInfo>;

export const EnrolResponse = TerminalInfo.extend({
  token: z.string().min(32),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

export const CreateEnrolmentCodeRequest = z.object({
  storeId: z.number().int().positive().max(2_147_483_647),
  ttlMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
});

export const EnrolmentCode = z.object({
  code: z.string(),
  storeId: z.number().int(),
  expiresAt: z.string(),
});
export type EnrolmentCode = z.infer<typeof EnrolmentCode>;

/** A yearly date without the year: what the till needs of a birthday, and all it gets. */
export const MonthDay = z.object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) });
export type MonthDay = z.infer<typeof MonthDay>;

/** What a till caches about a customer: display fields and lookup keys, nothing more. */
export const CachedCustomer = z.object({
  id: z.string(),
  firstName: z.string(),
  maskedPhone: z.string().nullable(),
  tier: z.string(),
  /** Spendable bonuses in kopecks, per the server's ledger. */
  balance: z.number().int(),
  /** Accrued but still inside the return window, in kopecks. */
  pending: z.number().int(),
  cards: z.array(z.string()),
  phoneKey: z.string().nullable(),
  bankKeys: z.array(z.string()),
  deleted: z.boolean().default(false),
  /**
   * Birthday as month and day, never the year; null when not on file. Optional so that rows
   * and servers older than it still parse: absent reads as null.
   */
  birthday: MonthDay.nullable().optional(),
});
export type CachedCustomer = z.infer<typeof CachedCustomer>;

/** The largest cursor there can be: the change sequence is a PostgreSQL bigint. */
export const MAX_CURSOR = '9223372036854775807';

export const PullQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,19}$/)
    .refine((c) => c.length < MAX_CURSOR.length || c <= MAX_CURSOR, 'a cursor is at most 2^63-1')
    .default('0'),
  limit: z.coerce.number().int().min(1).max(10_000).default(2_000),
});
export type PullQuery = z.infer<typeof PullQuery>;

export const CustomerPage = z.object({
  collection: z.literal('customers'),
  items: z.array(CachedCustomer),
  /** Opaque position after this page; store it together with the page, then ask again with it. */
  cursor: z.string(),
  hasMore: z.boolean(),
  /** Rows still to come after this page, for a progress bar. */
  remaining: z.number().int().nonnegative(),
});
export type CustomerPage = z.infer<typeof CustomerPage>;

export const LookupQuery = z
  .object({
    card: z
      .string()
      .regex(/^\d{6,19}$/)
      .optional(),
    phoneKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,64}$/)
      .optional(),
    bankKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,64}$/)
      .optional(),
  })
  .refine((q) => [q.card, q.phoneKey, q.bankKey].filter(Boolean).length === 1, {
    message: 'give exactly one of card, phoneKey, bankKey',
  });
export type LookupQuery = z.infer<typeof LookupQuery>;

export const LookupResponse = z.object({ customer: CachedCustomer });
