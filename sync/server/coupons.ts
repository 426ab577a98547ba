import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { couponCodeFrom, normaliseCouponCode, type Coupon } from '../../core/loyalty/coupons';
import type { SaleEvent } from '../protocol/events';
import type { CouponPage } from '../protocol/pull';
import { changeWatermark, guardChangeFeed, remainingRows } from './changeFeed';
import type { Database, Sql } from './db/database';
import type { ExceptionDraft } from './exceptions';
import { HttpError } from './httpError';

/**
 * Coupons at the server (core/loyalty/coupons.ts): head office issues a batch of codes for a
 * coupon offer, tills pull them, and a pushed sale presenting codes has each checked again here.
 * A single-use code goes to exactly one sale chain-wide: a conditional UPDATE takes it for the
 * sale (or finds the sale already holds it, a resend), so of two tills pushing the same code at
 * once one wins and the other's sale is priced without the coupon and flagged `coupon_refused`.
 */

const isoInstant = z.string().datetime({ offset: true });

/** A batch of codes: `count` random ones (with an optional prefix), or the `codes` themselves. Shared with certificates.ts. */
export const CodeBatchFields = {
  count: z.number().int().min(1).max(10_000).optional(),
  codes: z.array(z.string().min(1).max(64)).min(1).max(10_000).optional(),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9]{0,8}$/)
    .optional(),
};
export const oneWayOfCodes = (r: { count?: number | undefined; codes?: string[] | undefined }) => (r.count === undefined) !== (r.codes === undefined);

/** The batch's codes, normalised (null where a given code is not one), or made at random from `bytes` bytes each. */
export function batchCodes(r: { count?: number | undefined; codes?: string[] | undefined; prefix?: string | undefined }, bytes: number): (string | null)[] {
  return r.codes ? r.codes.map((c) => normaliseCouponCode(c)) : Array.from({ length: r.count ?? 0 }, () => couponCodeFrom(randomBytes(bytes), r.prefix ?? ''));
}

export const IssueCouponsSchema = z
  .object({
    offerId: z.string().min(1).max(200),
    ...CodeBatchFields,
    singleUse: z.boolean().default(true),
    customerId: z
      .string()
      .regex(/^\d{1,18}$/)
      .optional(),
    segment: z.string().min(1).max(200).optional(),
    validFrom: isoInstant.optional(),
    validTo: isoInstant.optional(),
  })
  .refine(oneWayOfCodes, { message: 'give either count or codes' })
  .refine((r) => !r.validFrom || !r.validTo || Date.parse(r.validFrom) < Date.parse(r.validTo), { path: ['validTo'], message: 'ends before it starts' });
export type IssueCoupons = z.input<typeof IssueCouponsSchema>;

/** Issue a batch; the offer must be one of the chain's coupon offers. */
export async function issueCoupons(db: Database, chainId: number, body: unknown): Promise<{ batchId: string; codes: string[] }> {
  const parsed = IssueCouponsSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'invalid_coupons', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const r = parsed.data;
  const codes = batchCodes(r, 10);
  if (codes.some((c) => c === null)) throw new HttpError(400, 'invalid_coupons', 'codes: 4 to 32 Latin letters and digits (spaces and dashes are ignored).');
  const unique = [...new Set(codes as string[])];
  const [offer] = await db.query<{ body: { audience?: { coupon?: boolean } } }>('SELECT body FROM offers WHERE chain_id = $1 AND id = $2', [
    chainId,
    r.offerId,
  ]);
  if (!offer) throw new HttpError(404, 'offer_not_found', `The chain has no offer "${r.offerId}".`);
  const body2 = typeof offer.body === 'string' ? (JSON.parse(offer.body) as typeof offer.body) : offer.body;
  if (body2.audience?.coupon !== true) throw new HttpError(400, 'not_a_coupon_offer', `Offer "${r.offerId}" is not a coupon offer (audience.coupon).`);
  const batchId = randomUUID();
  const inserted = await db.transaction(async (tx) => {
    await guardChangeFeed(tx);
    return tx.query<{ code: string }>(
      `INSERT INTO coupons (chain_id, code, batch_id, offer_id, single_use, customer_id, segment, valid_from, valid_to)
       SELECT $1, c, $2, $3, $4, $5, $6, $7, $8 FROM unnest($9::text[]) AS x(c)
       ON CONFLICT (chain_id, code) DO NOTHING RETURNING code`,
      [chainId, batchId, r.offerId, r.singleUse, r.customerId ?? null, r.segment ?? null, r.validFrom ?? null, r.validTo ?? null, unique],
    );
  });
  if (r.codes && inserted.length < unique.length) {
    const taken = unique.filter((c) => !inserted.some((i) => i.code === c));
    throw new HttpError(409, 'coupon_code_taken', `Already issued: ${taken.slice(0, 10).join(', ')}. The other codes of the batch were issued.`);
  }
  return { batchId, codes: inserted.map((i) => i.code) };
}

type CouponRow = {
  code: string;
  batch_id: string;
  offer_id: string;
  single_use: boolean;
  customer_id: string | null;
  segment: string | null;
  from_ms: number | null;
  to_ms: number | null;
  redeemed: boolean;
  change_seq: string;
};

const COUPON_COLUMNS = `code, batch_id, offer_id, single_use, customer_id::text AS customer_id, segment,
  (extract(epoch FROM valid_from) * 1000)::float8 AS from_ms, (extract(epoch FROM valid_to) * 1000)::float8 AS to_ms,
  redeemed_event IS NOT NULL AS redeemed, change_seq`;

function couponOf(r: CouponRow): Coupon {
  return {
    code: r.code,
    batchId: r.batch_id,
    offerId: r.offer_id,
    singleUse: r.single_use,
    customerId: r.customer_id,
    segment: r.segment,
    validFromMs: r.from_ms === null ? null : Math.round(Number(r.from_ms)),
    validToMs: r.to_ms === null ? null : Math.round(Number(r.to_ms)),
    redeemed: r.redeemed,
  };
}

/** Coupons changed after `cursor` (issued, or redeemed): the tills' list, checked offline. */
export async function pullCoupons(db: Database, chainId: number, cursor: string, limit: number): Promise<CouponPage> {
  const upTo = await changeWatermark(db);
  const rows = await db.query<CouponRow>(
    `SELECT ${COUPON_COLUMNS} FROM coupons
     WHERE chain_id = $1 AND change_seq > $2::bigint AND change_seq <= $3::bigint
       AND ($2::bigint > 0 OR ((valid_to IS NULL OR valid_to > now()) AND (NOT single_use OR redeemed_event IS NULL)))
     ORDER BY change_seq LIMIT $4`,
    [chainId, cursor, upTo, limit + 1],
  );
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const next = page.length > 0 ? String(page.at(-1)!.change_seq) : cursor;
  const remaining = hasMore
    ? Math.max(1, await remainingRows(db, 'coupons', 'chain_id = $1 AND change_seq > $2 AND change_seq <= $3', [chainId, next, upTo]))
    : 0;
  return { collection: 'coupons', items: page.map(couponOf), cursor: next, hasMore, remaining };
}

/** Why the server did not let a presented code unlock its offer. */
export type CouponRefusalAtServer = 'unknown' | 'offer' | 'customer' | 'segment' | 'dates' | 'used';

/**
 * Check the sale's presented codes and take the single-use ones for this sale, inside the
 * sale's transaction (a rejected sale's savepoint gives them back). Returns the coupon offers
 * the engine may apply, and a flag per code refused.
 */
export async function claimSaleCoupons(
  tx: Sql,
  args: { chainId: number; eventId: string; customerId: number | null; segments: readonly string[]; soldAtMs: number; sale: SaleEvent['sale'] },
): Promise<{ offerIds: string[]; flags: ExceptionDraft[] }> {
  const presented = args.sale.coupons ?? [];
  const offerIds: string[] = [];
  const flags: ExceptionDraft[] = [];
  for (const p of presented) {
    const code = normaliseCouponCode(p.code) ?? p.code;
    const [row] = await tx.query<CouponRow & { redeemed_event: string | null }>(
      `SELECT ${COUPON_COLUMNS}, redeemed_event FROM coupons WHERE chain_id = $1 AND code = $2 FOR UPDATE`,
      [args.chainId, code],
    );
    const refuse = (reason: CouponRefusalAtServer, holder?: string | null) => {
      flags.push({
        kind: 'coupon_refused',
        customerId: args.customerId,
        // Taken at a till that could not reach the server: within its offline allowance of single-use coupons.
        details: { receiptId: args.sale.receiptId, code, reason, ...(holder ? { redeemedBy: holder } : {}), ...(args.sale.online ? {} : { offline: true }) },
      });
    };
    let reason: CouponRefusalAtServer | null = null;
    const c = row ? couponOf(row) : null;
    if (!c) reason = 'unknown';
    else if (c.offerId !== p.offerId) reason = 'offer';
    else if (args.customerId === null || (c.customerId !== null && c.customerId !== String(args.customerId))) reason = 'customer';
    else if (c.segment !== null && !args.segments.includes(c.segment)) reason = 'segment';
    else if ((c.validFromMs !== null && args.soldAtMs < c.validFromMs) || (c.validToMs !== null && args.soldAtMs >= c.validToMs)) reason = 'dates';
    if (reason) {
      refuse(reason);
      continue;
    }
    let accepted = true;
    if (c!.singleUse) {
      const took = await tx.query(
        `UPDATE coupons SET redeemed_event = $3, redeemed_at = now(), change_seq = nextval('change_seq')
         WHERE chain_id = $1 AND code = $2 AND (redeemed_event IS NULL OR redeemed_event = $3) RETURNING code`,
        [args.chainId, code, args.eventId],
      );
      accepted = took.length > 0;
      if (!accepted) refuse('used', row!.redeemed_event);
    }
    await tx.query(
      `INSERT INTO coupon_uses (chain_id, code, event_id, customer_id, receipt_id, accepted) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (chain_id, code, event_id) DO NOTHING`,
      [args.chainId, code, args.eventId, args.customerId, args.sale.receiptId, accepted],
    );
    if (accepted && !offerIds.includes(p.offerId)) offerIds.push(p.offerId);
  }
  return { offerIds, flags };
}

/** Head office: a batch's codes and which were used. */
export async function couponBatch(db: Database, chainId: number, batchId: string): Promise<{ batchId: string; coupons: Coupon[] }> {
  const rows = await db.query<CouponRow>(`SELECT ${COUPON_COLUMNS} FROM coupons WHERE chain_id = $1 AND batch_id = $2 ORDER BY code LIMIT 10000`, [
    chainId,
    batchId,
  ]);
  return { batchId, coupons: rows.map(couponOf) };
}
