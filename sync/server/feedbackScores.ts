import { addCounts, feedbackScore } from '../../core/loyalty/feedbackScore';
import type { ChainFeedback, StoreFeedback } from '../protocol/feedback';
import type { Sql } from './db/database';
import type { RangeQuery } from './figuresRange';
import { HttpError } from './httpError';

/**
 * Customers' ratings after a purchase (issue 16), added up for the manager (the store and each
 * cashier) and head office (each store and region). A rating counts on the local day, in its
 * store's time zone, the customer gave it.
 */

const counts = (rows: readonly { rating: number; n: number }[], key: 'rating' | 'cashier_rating' = 'rating') => {
  const c = [0, 0, 0, 0, 0];
  for (const r of rows) c[Number((r as Record<string, unknown>)[key] ?? r.rating) - 1]! += Number(r.n);
  return c;
};

export async function storeFeedback(db: Sql, storeId: number, date: string | null, lastDate: string | null): Promise<StoreFeedback> {
  const [day] = await db.query<{ day: string; last_day: string; from_ts: Date; to_ts: Date }>(
    `SELECT d.day::text AS day, d.last_day::text AS last_day,
            (d.day::timestamp AT TIME ZONE s.time_zone) AS from_ts, ((d.last_day + 1)::timestamp AT TIME ZONE s.time_zone) AS to_ts
     FROM stores s
     CROSS JOIN LATERAL (SELECT COALESCE($2::date, (now() AT TIME ZONE s.time_zone)::date) AS day) d0
     CROSS JOIN LATERAL (SELECT d0.day, GREATEST(d0.day, COALESCE($3::date, d0.day)) AS last_day) d
     WHERE s.id = $1`,
    [storeId, date, lastDate],
  );
  if (!day) throw new HttpError(404, 'store_not_found', `Store ${storeId} does not exist.`);
  // A link's answer rates the visit and the cashier apart (issue 16): the store counts the visit,
  // each cashier their own rating; a till-screen answer has one rating for both.
  const rows = await db.query<{ cashier_id: string | null; name: string | null; rating: number; cashier_rating: number; n: number }>(
    `SELECT f.cashier_id::text AS cashier_id, c.name, f.rating::int AS rating, COALESCE(f.cashier_rating, f.rating)::int AS cashier_rating, count(*)::int AS n
     FROM feedback f LEFT JOIN cashiers c ON c.id = f.cashier_id
     WHERE f.store_id = $1 AND f.answered_at >= $2::timestamptz AND f.answered_at < $3::timestamptz
     GROUP BY f.cashier_id, c.name, f.rating, COALESCE(f.cashier_rating, f.rating)`,
    [storeId, new Date(day.from_ts).toISOString(), new Date(day.to_ts).toISOString()],
  );
  const byCashier = new Map<string, { cashierId: string | null; cashierName: string | null; rows: typeof rows }>();
  for (const r of rows) {
    const key = r.cashier_id ?? '';
    const g = byCashier.get(key) ?? { cashierId: r.cashier_id, cashierName: r.name, rows: [] };
    g.rows.push(r);
    byCashier.set(key, g);
  }
  const cashiers = [...byCashier.values()]
    .map((g) => ({ cashierId: g.cashierId, cashierName: g.cashierName, ...feedbackScore(counts(g.rows, 'cashier_rating')) }))
    .sort((a, b) => (a.cashierId === null ? 1 : b.cashierId === null ? -1 : (a.cashierName ?? '').localeCompare(b.cashierName ?? '')));
  return { storeId, date: day.day, dateTo: day.last_day, store: feedbackScore(counts(rows)), cashiers };
}

export async function chainFeedback(db: Sql, chainId: number, q: RangeQuery): Promise<ChainFeedback> {
  const rows = await db.query<{ store_id: number; store: string; region_id: number | null; region: string | null; rating: number | null; n: number }>(
    `SELECT s.id AS store_id, s.name AS store, s.region_id, r.name AS region, f.rating::int AS rating, count(f.event_id)::int AS n
     FROM stores s
     LEFT JOIN regions r ON r.id = s.region_id
     LEFT JOIN feedback f ON f.store_id = s.id
       AND f.answered_at >= ($2::date::timestamp AT TIME ZONE s.time_zone) AND f.answered_at < (($3::date + 1)::timestamp AT TIME ZONE s.time_zone)
     WHERE s.chain_id = $1 AND ($4::int IS NULL OR s.id = $4) AND ($5::int IS NULL OR s.region_id = $5)
     GROUP BY s.id, s.name, s.region_id, r.name, f.rating
     ORDER BY s.id`,
    [chainId, q.from, q.to, q.storeId ?? null, q.regionId ?? null],
  );
  type Group = { storeId: number; store: string; regionId: number | null; region: string | null; counts: number[] };
  const stores = new Map<number, Group>();
  for (const r of rows) {
    const id = Number(r.store_id);
    const g = stores.get(id) ?? {
      storeId: id,
      store: r.store,
      regionId: r.region_id === null ? null : Number(r.region_id),
      region: r.region,
      counts: [0, 0, 0, 0, 0],
    };
    if (r.rating !== null) g.counts[r.rating - 1]! += Number(r.n);
    stores.set(id, g);
  }
  const regions = new Map<string, { regionId: number | null; region: string | null; parts: number[][] }>();
  for (const s of stores.values()) {
    const key = String(s.regionId);
    const g = regions.get(key) ?? { regionId: s.regionId, region: s.region, parts: [] };
    g.parts.push(s.counts);
    regions.set(key, g);
  }
  return {
    from: q.from,
    to: q.to,
    chain: feedbackScore(addCounts([...stores.values()].map((s) => s.counts))),
    regions: [...regions.values()].map((g) => ({ regionId: g.regionId, region: g.region, ...feedbackScore(addCounts(g.parts)) })),
    stores: [...stores.values()].map((s) => ({ storeId: s.storeId, store: s.store, regionId: s.regionId, region: s.region, ...feedbackScore(s.counts) })),
  };
}
