import { classify, mergeSegments, SegmentRulesSchema, type Lifecycle, type SegmentRules } from '../../core/loyalty/segments';
import type { SegmentCounts } from '../protocol/segments';
import { guardChangeFeed } from './changeFeed';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';

/**
 * The segments job: each customer's lifecycle segment and RFM scores from their receipts
 * (core/loyalty/segments.ts), written into customers.segments, which offers target and tills
 * pull (a change bumps change_seq, so the customer and context feeds carry it). Running it
 * twice changes nothing the second time.
 */

const BATCH = 1_000;

export async function segmentRules(db: Sql, chainId: number): Promise<SegmentRules> {
  const [row] = await db.query<{ body: unknown }>('SELECT body FROM segment_rules WHERE chain_id = $1', [chainId]);
  const parsed = SegmentRulesSchema.safeParse(row?.body ?? {});
  return parsed.success ? parsed.data : SegmentRulesSchema.parse({});
}

export async function putSegmentRules(db: Database, chainId: number, body: unknown): Promise<SegmentRules> {
  const parsed = SegmentRulesSchema.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_segment_rules', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  await db.query(
    `INSERT INTO segment_rules (chain_id, body) VALUES ($1, $2::jsonb)
     ON CONFLICT (chain_id) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
    [chainId, JSON.stringify(parsed.data)],
  );
  return parsed.data;
}

interface FigureRow extends Record<string, unknown> {
  id: number;
  segments: string[];
  first_ms: number | null;
  last_ms: number | null;
  purchases: number;
  spend: number;
  store_id: number | null;
}

/** Compute every customer of every chain (or one chain); returns how many customers' segments changed. */
export async function runSegmentsJob(db: Database, now = new Date(), chainId?: number): Promise<{ customers: number; changed: number }> {
  const chains = chainId !== undefined ? [chainId] : (await db.query<{ id: number }>('SELECT id FROM chains ORDER BY id')).map((r) => Number(r.id));
  let customers = 0;
  let changed = 0;
  for (const chain of chains) {
    const rules = await segmentRules(db, chain);
    const nowMs = now.getTime();
    for (let after = 0; ;) {
      const rows = await db.query<FigureRow>(
        `SELECT c.id, c.segments,
           (SELECT (extract(epoch FROM min(r.sold_at)) * 1000)::float8 FROM receipts r WHERE r.customer_id = c.id AND r.sold_at <= $3) AS first_ms,
           (SELECT (extract(epoch FROM max(r.sold_at)) * 1000)::float8 FROM receipts r WHERE r.customer_id = c.id AND r.sold_at <= $3) AS last_ms,
           (SELECT count(*)::int FROM receipts r WHERE r.customer_id = c.id AND r.sold_at > $3 - make_interval(days => $4::int) AND r.sold_at <= $3) AS purchases,
           (SELECT COALESCE(sum(r.eligible_net), 0)::bigint FROM receipts r
             WHERE r.customer_id = c.id AND r.sold_at > $3 - make_interval(days => $4::int) AND r.sold_at <= $3) AS spend,
           (SELECT r.store_id FROM receipts r WHERE r.customer_id = c.id AND r.sold_at <= $3 ORDER BY r.sold_at DESC LIMIT 1) AS store_id
         FROM customers c WHERE c.chain_id = $1 AND c.id > $2 ORDER BY c.id LIMIT ${BATCH}`,
        [chain, after, now, rules.periodDays],
      );
      if (rows.length === 0) break;
      after = Number(rows.at(-1)!.id);
      const results = rows.map((r) => {
        const res = classify(
          {
            firstPurchaseMs: r.first_ms === null ? null : Number(r.first_ms),
            lastPurchaseMs: r.last_ms === null ? null : Number(r.last_ms),
            purchases: Number(r.purchases),
            spendKopecks: Number(r.spend),
          },
          rules,
          nowMs,
        );
        const segments = mergeSegments(r.segments, res.segments);
        return { id: Number(r.id), res, segments, storeId: r.store_id === null ? null : Number(r.store_id), same: sameSet(segments, r.segments) };
      });
      customers += rows.length;
      const moved = results.filter((x) => !x.same);
      changed += moved.length;
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO customer_segments (customer_id, chain_id, lifecycle, r, f, m, store_id, computed_at)
           SELECT x.id, $1, x.l, x.r, x.f, x.m, x.s, $8 FROM unnest($2::bigint[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[]) AS x(id, l, r, f, m, s)
           ON CONFLICT (customer_id) DO UPDATE SET lifecycle = EXCLUDED.lifecycle, r = EXCLUDED.r, f = EXCLUDED.f, m = EXCLUDED.m,
             store_id = EXCLUDED.store_id, computed_at = EXCLUDED.computed_at`,
          [
            chain,
            results.map((x) => x.id),
            results.map((x) => x.res.lifecycle),
            results.map((x) => x.res.r),
            results.map((x) => x.res.f),
            results.map((x) => x.res.m),
            results.map((x) => x.storeId),
            now,
          ],
        );
        if (moved.length === 0) return;
        // Only customers whose segments changed get a new change_seq: tills pull just those.
        await guardChangeFeed(tx);
        await tx.query(
          `UPDATE customers c SET segments = ARRAY(SELECT jsonb_array_elements_text(x.s)), change_seq = nextval('change_seq')
           FROM unnest($1::bigint[], $2::jsonb[]) AS x(id, s) WHERE c.id = x.id`,
          [moved.map((x) => x.id), moved.map((x) => JSON.stringify(x.segments))],
        );
      });
    }
  }
  return { customers, changed };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s) => b.includes(s));
}

/** Customers per lifecycle segment, per store of their last purchase, and per RFM score, as the job last computed them. */
export async function segmentCounts(db: Sql, chainId: number): Promise<SegmentCounts> {
  const rows = await db.query<{ store_id: number | null; lifecycle: string; n: number; at_ms: number | null }>(
    `SELECT store_id, lifecycle, count(*)::int AS n, (extract(epoch FROM max(computed_at)) * 1000)::float8 AS at_ms
     FROM customer_segments WHERE chain_id = $1
     GROUP BY store_id, lifecycle ORDER BY store_id NULLS FIRST, lifecycle`,
    [chainId],
  );
  const scores = await db.query<{ k: string; score: number; n: number }>(
    `SELECT 'r' AS k, r AS score, count(*)::int AS n FROM customer_segments WHERE chain_id = $1 GROUP BY r
     UNION ALL SELECT 'f', f, count(*)::int FROM customer_segments WHERE chain_id = $1 GROUP BY f
     UNION ALL SELECT 'm', m, count(*)::int FROM customer_segments WHERE chain_id = $1 GROUP BY m`,
    [chainId],
  );
  const totals = new Map<Lifecycle, number>();
  for (const r of rows) totals.set(r.lifecycle as Lifecycle, (totals.get(r.lifecycle as Lifecycle) ?? 0) + Number(r.n));
  const atMs = Math.max(...rows.map((r) => (r.at_ms === null ? 0 : Number(r.at_ms))), 0);
  const rfm = { r: [0, 0, 0, 0, 0], f: [0, 0, 0, 0, 0], m: [0, 0, 0, 0, 0] };
  for (const x of scores) {
    const score = Number(x.score);
    if ((x.k === 'r' || x.k === 'f' || x.k === 'm') && score >= 1 && score <= 5) rfm[x.k][score - 1] = Number(x.n);
  }
  return {
    computedAt: atMs > 0 ? new Date(atMs).toISOString() : null,
    bySegment: [...totals].map(([lifecycle, customers]) => ({ lifecycle, customers })),
    byStore: rows.map((r) => ({ storeId: r.store_id === null ? null : Number(r.store_id), lifecycle: r.lifecycle as Lifecycle, customers: Number(r.n) })),
    rfm,
  };
}
