import { z } from 'zod';
import { EffectSchema, LocalisedTextSchema } from '../../core/engine';

/**
 * Store managers (protocol version 1). A manager unlocks the manager screens of a till with a
 * PIN (or a manager card); the server answers with a short-lived manager token. Manager
 * endpoints need BOTH the terminal's own credential (Authorization: Bearer) and that token
 * (header `x-manager-token`), and answer for the terminal's own store only: counts and sums,
 * never a customer's personal data.
 */

export const MANAGER_TOKEN_HEADER = 'x-manager-token';

/** The manager paths a till calls (for a host bridge that allow-lists paths). */
export const ManagerApiPath = z.string().regex(/^\/api\/v1\/manager\/(session|figures|offers|feedback)$/, 'not a manager API path');

export const ManagerPin = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');
/** A manager card as the reader gives it (digits). */
export const ManagerCard = z.string().regex(/^\d{6,19}$/, 'expected 6-19 digits');

/** POST /api/v1/manager/session: a PIN, or the number read from a manager card. */
export const ManagerSessionRequest = z
  .strictObject({ pin: ManagerPin.optional(), card: ManagerCard.optional() })
  .refine((r) => (r.pin === undefined) !== (r.card === undefined), { message: 'give either pin or card' });
export type ManagerSessionRequest = z.infer<typeof ManagerSessionRequest>;

export const ManagerSession = z.object({
  /** Send as `x-manager-token`, with the terminal's own credential, until `expiresAt`. */
  token: z.string().min(32),
  expiresAt: z.string(),
  managerId: z.string(),
  managerName: z.string(),
  storeId: z.number().int(),
});
export type ManagerSession = z.infer<typeof ManagerSession>;

/** Head office: POST /api/v1/admin/stores/:storeId/managers. */
export const CreateManagerRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  pin: ManagerPin,
  /** A manager card that unlocks like the PIN does. */
  card: ManagerCard.optional(),
});
export type CreateManagerRequest = z.infer<typeof CreateManagerRequest>;

export const ManagerInfo = z.object({
  managerId: z.string(),
  storeId: z.number().int(),
  name: z.string(),
  hasCard: z.boolean(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type ManagerInfo = z.infer<typeof ManagerInfo>;

const isoDay = z.iso.date().refine((d) => d >= '2000-01-01' && d <= '2999-12-31', 'a date between 2000 and 2999');

/**
 * GET /api/v1/manager/figures?date=YYYY-MM-DD[&to=YYYY-MM-DD] (default: today in the store's time
 * zone): one local day, or the days from `date` to `to` inclusive (at most 366).
 */
export const FiguresQuery = z
  .strictObject({ date: isoDay.optional(), to: isoDay.optional() })
  .refine((q) => q.to === undefined || (q.date !== undefined && q.date <= q.to), { path: ['to'], message: 'needs a date, and ends on or after it' })
  .refine((q) => q.to === undefined || q.date === undefined || Date.parse(q.to) - Date.parse(q.date) <= 365 * 86_400_000, {
    path: ['to'],
    message: 'at most 366 days',
  });

/**
 * A share as a fraction, so shares of parts add up to the share of the whole: numerators and
 * denominators of the terminal rows sum to the store's. `basisPoints` is for display
 * (rounded half up; null when there is nothing to divide by).
 */
export const Share = z.object({
  numerator: z.number().int().nonnegative(),
  denominator: z.number().int().nonnegative(),
  basisPoints: z.number().int().min(0).max(10_000).nullable(),
});
export type Share = z.infer<typeof Share>;

/** One store's or one terminal's figures for a local day. Money and bonuses in kopecks. */
export const FiguresRow = z.object({
  /** Sale receipts. */
  receipts: z.number().int().nonnegative(),
  /** Sale receipts with a loyalty customer identified. */
  identifiedReceipts: z.number().int().nonnegative(),
  identifiedShare: Share,
  /** What customers paid for those receipts: after discounts and bonuses spent. */
  salesKopecks: z.number().int(),
  discountKopecks: z.number().int(),
  /** Bonuses the ledger credited and debited for those receipts. */
  accruedKopecks: z.number().int(),
  redeemedKopecks: z.number().int(),
  /** New customers registered (a registration that joined a known customer is not new). */
  registrations: z.number().int().nonnegative(),
  /** Welcome bonuses the ledger credited for them. */
  welcomeKopecks: z.number().int(),
  /** Times the till offered to register a customer it could not find (at most once per sale). */
  registrationsOffered: z.number().int().nonnegative(),
  /** Returns made that day (of sales from any day): money back and bonuses moved back. */
  returns: z.number().int().nonnegative(),
  refundKopecks: z.number().int(),
  restoredBonusKopecks: z.number().int(),
  reversedAccrualKopecks: z.number().int(),
});
export type FiguresRow = z.infer<typeof FiguresRow>;

export const StoreFigures = z.object({
  storeId: z.number().int(),
  /** The local calendar day, and the instants it runs between (from inclusive, to exclusive). */
  date: z.string(),
  /** The last local day covered (inclusive) when a range was asked for; absent for one day. */
  dateTo: z.string().optional(),
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  totals: FiguresRow,
  /** Every terminal of the store with figures that day, or still enrolled; they sum to `totals`. */
  terminals: z.array(FiguresRow.extend({ terminalId: z.string(), terminalName: z.string() })),
  /**
   * The same day split by who was signed in at the till: every cashier with figures that day
   * (a revoked one too), then `cashierId: null` for events that carried no cashier. They sum
   * to `totals` as well.
   */
  cashiers: z.array(FiguresRow.extend({ cashierId: z.string().nullable(), cashierName: z.string().nullable(), personnelNo: z.string().nullable() })),
});
export type StoreFigures = z.infer<typeof StoreFigures>;

export const OfferStatus = z.enum(['active', 'upcoming', 'ended']);
export type OfferStatus = z.infer<typeof OfferStatus>;

/** GET /api/v1/manager/offers?status=&q=&limit= */
export const StoreOffersQuery = z.strictObject({
  status: OfferStatus.optional(),
  /** Case-insensitive part of the offer's title (Russian or English) or its id. */
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});

/**
 * An offer as a manager (or the head-office list) sees it. A personal offer carries how many
 * customers it targets, never who they are.
 */
export const OfferSummary = z.object({
  id: z.string(),
  name: LocalisedTextSchema,
  /** From the validity dates against today in the store's time zone; `withdrawn` offers are ended. */
  status: OfferStatus,
  /** Ended by head office before its dates ran out. */
  withdrawn: z.boolean(),
  priority: z.number().int(),
  exclusive: z.boolean(),
  scope: z.enum(['chain', 'regions', 'stores']),
  validity: z.object({
    from: z.string().optional(),
    to: z.string().optional(),
    weekdays: z.array(z.number().int()).optional(),
    hours: z.object({ from: z.string(), to: z.string() }).optional(),
  }),
  audience: z.object({
    tiers: z.array(z.string()).optional(),
    segments: z.array(z.string()).optional(),
    firstPurchase: z.boolean(),
    birthday: z.boolean(),
    /** A personal offer: only the customers it lists. */
    personal: z.boolean(),
    /** How many customers a personal offer lists; null for other offers. */
    customerCount: z.number().int().nonnegative().nullable(),
  }),
  target: z.object({ products: z.number().int().nonnegative(), categories: z.array(z.string()) }),
  effect: EffectSchema,
  limit: z.object({ perCustomer: z.number().int(), periodDays: z.number().int().optional() }).optional(),
});
export type OfferSummary = z.infer<typeof OfferSummary>;

export const StoreOffers = z.object({
  storeId: z.number().int(),
  /** Today in the store's time zone: what `status` was judged against. */
  today: z.string(),
  timeZone: z.string(),
  /** Offers matching the query, before `limit`. */
  total: z.number().int().nonnegative(),
  offers: z.array(OfferSummary),
});
export type StoreOffers = z.infer<typeof StoreOffers>;
