import { z } from 'zod';
import { CardNumber, CashierId } from './events';

/**
 * Cashiers (protocol version 1). Head office (or the store's IT) creates the store's cashiers
 * with a personnel number and a PIN; every till of the store pulls the list with the PINs as
 * salted PBKDF2 hashes, so a cashier signs in at shift start with number + PIN even when the
 * server is away. Sales, returns, registrations and registration offers then carry the
 * cashier's id, and the manager's figures are split per cashier.
 */

/** A personnel number as printed on the staff badge: 1-12 digits. */
export const PersonnelNo = z.string().regex(/^\d{1,12}$/, 'a personnel number is 1 to 12 digits');
export const CashierPin = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');

/** Head office: POST /api/v1/admin/stores/:storeId/cashiers. */
export const CreateCashierRequest = z.strictObject({
  personnelNo: PersonnelNo,
  name: z.string().trim().min(1).max(100),
  pin: CashierPin,
  /** The cashier's own loyalty card: a till warns when a cashier identifies a customer with it (issue 13). */
  card: CardNumber.optional(),
  /**
   * The cashier's own phone, as they gave it as a customer (E.164, checked with the full numbering
   * plan at the server): a sale to the account holding it is theirs too. Kept at the server only.
   */
  phone: z.e164().optional(),
});
export type CreateCashierRequest = z.infer<typeof CreateCashierRequest>;

export const CashierInfo = z.object({
  cashierId: CashierId,
  storeId: z.number().int(),
  personnelNo: PersonnelNo,
  name: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type CashierInfo = z.infer<typeof CashierInfo>;

/**
 * What the till verifies a PIN against (core/pinHash.ts): `argon2id$<KiB>$<passes>$<salt>$<key>`,
 * or the older `pbkdf2-sha256$<iterations>$<salt>$<key>`, upgraded after the next sign-in.
 */
export const PinHash = z
  .string()
  .regex(/^(pbkdf2-sha256\$\d{4,7}|argon2id\$\d{1,7}\$\d{1,3})\$[A-Za-z0-9_-]{11,64}\$[A-Za-z0-9_-]{22,128}$/, 'expected an Argon2id or PBKDF2 PIN hash');

/**
 * POST /api/v1/cashiers/pin-upgrade (a till, right after a cashier signed in against an older
 * PBKDF2 hash): the server checks the PIN against that hash and stores an Argon2id one instead.
 */
export const PinUpgradeRequest = z.strictObject({ cashierId: CashierId, pin: CashierPin });

/** GET /api/v1/pull/cashiers: the store's active cashiers, the whole list (a store has tens). */
export const CashierListItem = z.object({
  cashierId: CashierId,
  personnelNo: PersonnelNo,
  name: z.string().min(1).max(100),
  pinHash: PinHash,
  /** The cashier's own loyalty card, if they linked one; absent from servers before it existed. */
  card: CardNumber.nullable().optional(),
  /**
   * The loyalty account that is the cashier's own (by their card or phone), so the till warns when
   * the cashier identifies it, however identified; null or absent: none known. Never the phone itself.
   */
  customerId: z.string().max(40).nullable().optional(),
});
export type CashierListItem = z.infer<typeof CashierListItem>;

export const CashierList = z.object({ storeId: z.number().int(), cashiers: z.array(CashierListItem).max(10_000) });
export type CashierList = z.infer<typeof CashierList>;
