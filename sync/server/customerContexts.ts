import { liveUses, limitedOffers, type ServerContext } from '../../core/loyalty/customerContext';
import { DEFAULT_EXPIRY_WARNING_DAYS } from '../../core/loyalty/prompts';
import type { ContextPage } from '../protocol/pull';
import { changeWatermark, remainingRows } from './changeFeed';
import type { Database } from './db/database';
import type { RulesCache } from './rules';

/** A till's own sales the server lists back for this long, so the till counts each once. */
export const RECENT_DAYS = 7;

type ContextRow = {
  id: number;
  tier: string;
  segments: string[];
  purchase_count: number;
  change_seq: number;
  spend: number;
  now_ms: number;
  uses: { o: string; t: number; e: string }[];
  recent: string[];
  expiring: { a: number; t: number } | string | null;
};

/**
 * Per-customer contexts changed after `cursor` (ContextPage): what push re-prices a sale with
 * (saleOutcome.ts customerForEngine), read from the same rows. Every write that changes one of
 * them (a sale's purchase count, tier and offer uses, a segment job) bumps the customer's
 * change_seq, so the customers' change feed carries them.
 */
export async function pullContexts(db: Database, rules: RulesCache, chainId: number, cursor: string, limit: number): Promise<ContextPage> {
  const chainRules = await rules.get(db, chainId);
  const limited = chainRules ? chainRules.limited : [];
  const periodDays = chainRules?.programme.tierPeriodDays ?? 365;
  const warnDays = chainRules?.programme.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
  const upTo = await changeWatermark(db);
  // The first pull skips customers who never bought and are in no segment: the till's default.
  const rows = await db.query<ContextRow>(
    `SELECT c.id, c.tier, c.segments, c.purchase_count, c.change_seq,
       (extract(epoch FROM now()) * 1000)::float8 AS now_ms,
       (SELECT COALESCE(sum(r.eligible_net), 0) FROM receipts r
         WHERE r.customer_id = c.id AND r.sold_at > now() - make_interval(days => $5::int) AND r.sold_at <= now()) AS spend,
       COALESCE((SELECT json_agg(json_build_object('o', u.offer_id, 't', (extract(epoch FROM u.used_at) * 1000)::float8, 'e', u.event_id))
         FROM offer_uses u WHERE u.customer_id = c.id AND u.offer_id = ANY($6::text[])), '[]') AS uses,
       ARRAY(SELECT r.event_id::text FROM receipts r
         WHERE r.customer_id = c.id AND r.received_at > now() - make_interval(days => ${RECENT_DAYS})) AS recent,
       (SELECT json_build_object('a', sum(lo.remaining), 't', (extract(epoch FROM lo.expires_at) * 1000)::float8)
         FROM lots lo WHERE lo.customer_id = c.id AND lo.remaining > 0 AND lo.expires_at > now()
         GROUP BY lo.expires_at ORDER BY lo.expires_at LIMIT 1) AS expiring
     FROM customers c
     WHERE c.chain_id = $1 AND c.change_seq > $2::bigint AND c.change_seq <= $3::bigint
       AND ($2::bigint > 0 OR c.purchase_count > 0 OR c.segments <> '{}'
         OR EXISTS (SELECT 1 FROM lots lo WHERE lo.customer_id = c.id AND lo.remaining > 0
           AND lo.expires_at > now() AND lo.expires_at <= now() + make_interval(days => $7::int)))
     ORDER BY c.change_seq LIMIT $4`,
    [chainId, cursor, upTo, limit + 1, periodDays, limited.map((o) => o.id), warnDays],
  );
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const items = page.map((r) => contextOf(r, limitedOffers(limited)));
  const next = page.length > 0 ? String(page.at(-1)!.change_seq) : cursor;
  const remaining = hasMore
    ? Math.max(1, await remainingRows(db, 'customers', 'chain_id = $1 AND change_seq > $2 AND change_seq <= $3', [chainId, next, upTo]))
    : 0;
  return { collection: 'contexts', items, cursor: next, hasMore, remaining };
}

function contextOf(r: ContextRow, limited: ReturnType<typeof limitedOffers>): ServerContext {
  const asOfMs = Number(r.now_ms);
  const uses = (typeof r.uses === 'string' ? (JSON.parse(r.uses) as ContextRow['uses']) : r.uses).map((u) => ({
    offerId: u.o,
    atMs: Number(u.t),
    eventId: String(u.e),
  }));
  return {
    customerId: String(r.id),
    tier: r.tier,
    segments: r.segments,
    purchaseCount: Number(r.purchase_count),
    spendKopecks: Number(r.spend),
    asOfMs,
    uses: liveUses(uses, limited, asOfMs),
    recentEventIds: r.recent.map(String),
    expiring: expiringOf(r.expiring),
  };
}

function expiringOf(raw: ContextRow['expiring']): ServerContext['expiring'] {
  const e = typeof raw === 'string' ? (JSON.parse(raw) as { a: number; t: number }) : raw;
  return e && Number(e.a) > 0 ? { amountKopecks: Number(e.a), atMs: Math.round(Number(e.t)) } : null;
}
