import { z } from 'zod';
import { ConsentChannel } from './events';

/**
 * 152-FZ consents at head office (protocol version 1). Every decision a customer made is kept
 * as its own record, never changed or removed (the database refuses it); the history lists
 * them all, `current` the decision in force per purpose and channel.
 */

export const ConsentPurpose = z.enum(['personal_data', 'marketing']);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;

export const ConsentHistoryItem = z.object({
  id: z.string(),
  purpose: ConsentPurpose,
  channel: ConsentChannel.nullable(),
  granted: z.boolean(),
  textVersion: z.string(),
  /** When the customer gave it, by the till's clock (null on records older than that field). */
  givenAt: z.string().nullable(),
  /** When the server recorded it. */
  recordedAt: z.string(),
  /** Where it was given or withdrawn: 'till', or 'head_office' (a withdrawal there). */
  source: z.string(),
  terminalId: z.string().nullable(),
  eventId: z.string().nullable(),
});
export type ConsentHistoryItem = z.infer<typeof ConsentHistoryItem>;

/** GET /api/v1/admin/customers/:customerId/consents */
export const ConsentHistory = z.object({
  customerId: z.string(),
  /** Oldest first. */
  items: z.array(ConsentHistoryItem),
  /** The latest decision per purpose and channel. */
  current: z.array(ConsentHistoryItem),
});
export type ConsentHistory = z.infer<typeof ConsentHistory>;

/**
 * Body of POST /api/v1/admin/customers/:customerId/consents/withdraw: the customer withdraws a
 * consent (marketing on one channel, or the processing of personal data altogether, which also
 * ends every marketing consent, erases their contact data at the server and removes them from
 * every till's cache; the ledger is kept).
 */
export const WithdrawConsentRequest = z
  .strictObject({ purpose: ConsentPurpose, channel: ConsentChannel.optional() })
  .refine((r) => (r.purpose === 'marketing') === (r.channel !== undefined), {
    path: ['channel'],
    message: 'marketing is withdrawn per channel; personal-data consent has none',
  });
export type WithdrawConsentRequest = z.infer<typeof WithdrawConsentRequest>;

/** A version of a consent text a chain has published; consents must name one, given after it. */
export const ConsentText = z.object({
  purpose: ConsentPurpose,
  version: z.string(),
  publishedAt: z.string(),
});
export type ConsentText = z.infer<typeof ConsentText>;

/** Path part of PUT /api/v1/admin/chains/:chainId/consent-texts/:version */
export const ConsentTextVersion = z.string().regex(/^[A-Za-z0-9._-]{1,50}$/, 'a version is 1-50 letters, digits, dots, dashes or underscores');

/** Body of PUT /api/v1/admin/chains/:chainId/consent-texts/:version; publishedAt defaults to now. */
export const PutConsentTextRequest = z.strictObject({
  purpose: ConsentPurpose,
  publishedAt: z.iso.datetime({ offset: true }).optional(),
});
export type PutConsentTextRequest = z.infer<typeof PutConsentTextRequest>;
