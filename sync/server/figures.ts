import type { FiguresRow, Share, StoreFigures } from '../protocol/manager';
import type { Sql } from './db/database';
import { HttpError } from './httpError';

/**
 * A store's figures for one local calendar day, per terminal and in total.
 *
 * The day runs from local midnight to local midnight in the store's time zone (PostgreSQL
 * works out the instants, DST included). Events count on the day the till says they happened
 * (sales by `sold_at`, registrations by `registered_at`, returns by `occurred_at`; all
 * clamped to the server's clock on arrival), so a sale made offline at 23:30 and pushed after
 * midnight still counts on its own day. Bonus figures are the ledger's postings for those
 * events. Totals are the sum of the terminal rows, so they always add up.
 */
export async function storeFigures(db: Sql, storeId: number, date: string | null): Promise<StoreFigures> {
  const [day] = await db.query<{ time_zone: string; day: string; from_ts: Date; to_ts: Date }>(
    `SELECT s.time_zone, d.day::text AS day,
            (d.day::timestamp AT TIME ZONE s.time_zone) AS from_ts,
            ((d.day + 1)::timestamp AT TIME ZONE s.time_zone) AS to_ts
     FROM stores s CROSS JOIN LATERAL (SELECT COALESCE($2::date, (now() AT TIME ZONE s.time_zone)::date) AS day) d
     WHERE s.id = $1`,
    [storeId, date],
  );
  if (!day) throw new HttpError(404, 'store_not_found', `Store ${storeId} does not exist.`);
  const from = new Date(day.from_ts).toISOString();
  const to = new Date(day.to_ts).toISOString();
  const range = [storeId, from, to];

  const sales = await db.query<{
    terminal_id: string; receipts: number; identified: number; sales: number; discount: number; accrued: number; redeemed: number;
  }>(
    `SELECT r.terminal_id::text AS terminal_id, count(*)::int AS receipts, count(r.customer_id)::int AS identified,
            COALESCE(sum((r.till_totals->>'payable')::bigint), 0)::bigint AS sales,
            COALESCE(sum((r.till_totals->>'discount')::bigint), 0)::bigint AS discount,
            COALESCE(sum(b.accrued), 0)::bigint AS accrued,
            COALESCE(sum(b.redeemed), 0)::bigint AS redeemed
     FROM receipts r
     LEFT JOIN LATERAL (
       SELECT sum(l.amount) FILTER (WHERE l.kind = 'accrual') AS accrued,
              -sum(l.amount) FILTER (WHERE l.kind = 'redemption') AS redeemed
       FROM ledger l WHERE l.event_id = r.event_id) b ON true
     WHERE r.store_id = $1 AND r.sold_at >= $2::timestamptz AND r.sold_at < $3::timestamptz
     GROUP BY r.terminal_id`,
    range,
  );
  const registrations = await db.query<{ terminal_id: string | null; registrations: number; welcome: number }>(
    `SELECT e.terminal_id::text AS terminal_id, count(*)::int AS registrations, COALESCE(sum(w.amount), 0)::bigint AS welcome
     FROM customers c
     JOIN applied_events e ON e.event_id = c.registered_by_event
     LEFT JOIN LATERAL (
       SELECT sum(l.amount) AS amount FROM ledger l WHERE l.event_id = c.registered_by_event AND l.kind = 'welcome') w ON true
     WHERE c.store_id = $1 AND c.registered_at >= $2::timestamptz AND c.registered_at < $3::timestamptz
     GROUP BY e.terminal_id`,
    range,
  );
  const returns = await db.query<{ terminal_id: string; returns: number; refund: number; restored: number; reversed: number }>(
    `SELECT terminal_id::text AS terminal_id, count(*)::int AS returns,
            COALESCE(sum((result->'totals'->>'refund')::bigint), 0)::bigint AS refund,
            COALESCE(sum((result->'totals'->>'restoredBonus')::bigint), 0)::bigint AS restored,
            COALESCE(sum((result->'totals'->>'reversedAccrual')::bigint), 0)::bigint AS reversed
     FROM receipt_returns
     WHERE store_id = $1 AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz
     GROUP BY terminal_id`,
    range,
  );
  const terminals = await db.query<{ id: string; name: string; revoked: boolean }>(
    'SELECT id::text, name, revoked_at IS NOT NULL AS revoked FROM terminals WHERE store_id = $1 ORDER BY enrolled_at, id',
    [storeId],
  );

  const rows = new Map<string, FiguresRow>();
  const row = (terminalId: string | null): FiguresRow => {
    const key = terminalId ?? 'unknown';
    let r = rows.get(key);
    if (!r) rows.set(key, (r = emptyRow()));
    return r;
  };
  for (const s of sales) {
    Object.assign(row(s.terminal_id), {
      receipts: Number(s.receipts), identifiedReceipts: Number(s.identified), salesKopecks: Number(s.sales),
      discountKopecks: Number(s.discount), accruedKopecks: Number(s.accrued), redeemedKopecks: Number(s.redeemed),
    });
  }
  for (const g of registrations) Object.assign(row(g.terminal_id), { registrations: Number(g.registrations), welcomeKopecks: Number(g.welcome) });
  for (const x of returns) {
    Object.assign(row(x.terminal_id), {
      returns: Number(x.returns), refundKopecks: Number(x.refund), restoredBonusKopecks: Number(x.restored), reversedAccrualKopecks: Number(x.reversed),
    });
  }
  // Every enrolled terminal shows, with zeros on a quiet day; a revoked one only if it did something.
  const names = new Map(terminals.map((t) => [t.id, t.name]));
  for (const t of terminals) if (!t.revoked) row(t.id);
  const order = [...terminals.map((t) => t.id), ...[...rows.keys()].filter((k) => !names.has(k)).sort()];
  const terminalRows = order
    .filter((id) => rows.has(id))
    .map((id) => ({ terminalId: id, terminalName: names.get(id) ?? '(unknown terminal)', ...withShare(rows.get(id)!) }));

  const totals = emptyRow();
  for (const r of rows.values()) {
    for (const k of SUMMED) totals[k] += r[k];
  }
  return { storeId, date: day.day, timeZone: day.time_zone, from, to, totals: withShare(totals), terminals: terminalRows };
}

const SUMMED = [
  'receipts', 'identifiedReceipts', 'salesKopecks', 'discountKopecks', 'accruedKopecks', 'redeemedKopecks',
  'registrations', 'welcomeKopecks', 'returns', 'refundKopecks', 'restoredBonusKopecks', 'reversedAccrualKopecks',
] as const satisfies readonly (keyof FiguresRow)[];

function emptyRow(): FiguresRow {
  const r = {} as FiguresRow;
  for (const k of SUMMED) {
    r[k] = 0;
    if (k === 'identifiedReceipts') r.identifiedShare = share(0, 0);
  }
  return r;
}

function withShare(r: FiguresRow): FiguresRow {
  return { ...r, identifiedShare: share(r.identifiedReceipts, r.receipts) };
}

/** n / d in basis points, rounded half up, in integers. */
export function share(numerator: number, denominator: number): Share {
  return {
    numerator,
    denominator,
    basisPoints: denominator === 0 ? null : Math.floor((2 * numerator * 10_000 + denominator) / (2 * denominator)),
  };
}
