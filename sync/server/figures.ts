import type { FiguresRow, Share, StoreFigures } from '../protocol/manager';
import type { Sql } from './db/database';
import { HttpError } from './httpError';

/**
 * A store's figures for one local calendar day (or a range of them), per terminal, per cashier and in total.
 *
 * The day runs from local midnight to local midnight in the store's time zone (PostgreSQL
 * works out the instants, DST included). Events count on the day the till says they happened
 * (sales by `sold_at`, registrations by `registered_at`, returns by `occurred_at`; all
 * clamped to the server's clock on arrival), so a sale made offline at 23:30 and pushed after
 * midnight still counts on its own day. Bonus figures are the ledger's postings for those
 * events. Totals are the sum of the terminal rows and equally of the cashier rows (every
 * figure is counted in one (terminal, cashier) cell), so they always add up.
 */
export async function storeFigures(db: Sql, storeId: number, date: string | null, lastDate: string | null = null): Promise<StoreFigures> {
  // `lastDate`: a range of local days, date..lastDate inclusive, added up the same way as one day.
  const [day] = await db.query<{ time_zone: string; day: string; last_day: string; from_ts: Date; to_ts: Date }>(
    `SELECT s.time_zone, d.day::text AS day, d.last_day::text AS last_day,
            (d.day::timestamp AT TIME ZONE s.time_zone) AS from_ts,
            ((d.last_day + 1)::timestamp AT TIME ZONE s.time_zone) AS to_ts
     FROM stores s
     CROSS JOIN LATERAL (SELECT COALESCE($2::date, (now() AT TIME ZONE s.time_zone)::date) AS day) d0
     CROSS JOIN LATERAL (SELECT d0.day, GREATEST(d0.day, COALESCE($3::date, d0.day)) AS last_day) d
     WHERE s.id = $1`,
    [storeId, date, lastDate],
  );
  if (!day) throw new HttpError(404, 'store_not_found', `Store ${storeId} does not exist.`);
  const from = new Date(day.from_ts).toISOString();
  const to = new Date(day.to_ts).toISOString();
  const range = [storeId, from, to];

  // Each query groups by terminal AND cashier: one set of cells, added up two ways, so the
  // terminal rows and the cashier rows both sum to the same totals.
  const sales = await db.query<{
    terminal_id: string;
    cashier_id: string | null;
    receipts: number;
    identified: number;
    sales: number;
    discount: number;
    accrued: number;
    redeemed: number;
  }>(
    `SELECT r.terminal_id::text AS terminal_id, r.cashier_id::text AS cashier_id, count(*)::int AS receipts, count(r.customer_id)::int AS identified,
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
     GROUP BY r.terminal_id, r.cashier_id`,
    range,
  );
  const registrations = await db.query<{ terminal_id: string | null; cashier_id: string | null; registrations: number; welcome: number }>(
    `SELECT e.terminal_id::text AS terminal_id, c.registered_by_cashier::text AS cashier_id, count(*)::int AS registrations,
            COALESCE(sum(w.amount), 0)::bigint AS welcome
     FROM customers c
     JOIN applied_events e ON e.event_id = c.registered_by_event
     LEFT JOIN LATERAL (
       SELECT sum(l.amount) AS amount FROM ledger l WHERE l.event_id = c.registered_by_event AND l.kind = 'welcome') w ON true
     WHERE c.store_id = $1 AND c.registered_at >= $2::timestamptz AND c.registered_at < $3::timestamptz
     GROUP BY e.terminal_id, c.registered_by_cashier`,
    range,
  );
  const offered = await db.query<{ terminal_id: string; cashier_id: string | null; offered: number }>(
    `SELECT terminal_id::text AS terminal_id, cashier_id::text AS cashier_id, count(*)::int AS offered
     FROM registration_offers
     WHERE store_id = $1 AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz
     GROUP BY terminal_id, cashier_id`,
    range,
  );
  const returns = await db.query<{ terminal_id: string; cashier_id: string | null; returns: number; refund: number; restored: number; reversed: number }>(
    `SELECT terminal_id::text AS terminal_id, cashier_id::text AS cashier_id, count(*)::int AS returns,
            COALESCE(sum((result->'totals'->>'refund')::bigint), 0)::bigint AS refund,
            COALESCE(sum((result->'totals'->>'restoredBonus')::bigint), 0)::bigint AS restored,
            COALESCE(sum((result->'totals'->>'reversedAccrual')::bigint), 0)::bigint AS reversed
     FROM receipt_returns
     WHERE store_id = $1 AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz
     GROUP BY terminal_id, cashier_id`,
    range,
  );
  const terminals = await db.query<{ id: string; name: string; revoked: boolean }>(
    'SELECT id::text, name, revoked_at IS NOT NULL AS revoked FROM terminals WHERE store_id = $1 ORDER BY enrolled_at, id',
    [storeId],
  );

  const rows = new Map<string, FiguresRow>();
  const byCashier = new Map<string, FiguresRow>();
  const cell = (map: Map<string, FiguresRow>, key: string): FiguresRow => {
    let r = map.get(key);
    if (!r) map.set(key, (r = emptyRow()));
    return r;
  };
  /** Add one cell's figures to its terminal's row and its cashier's row. */
  const add = (terminalId: string | null, cashierId: string | null, figures: Partial<Record<Summed, number>>) => {
    for (const r of [cell(rows, terminalId ?? 'unknown'), cell(byCashier, cashierId ?? NO_CASHIER)]) {
      for (const [k, v] of Object.entries(figures) as [Summed, number][]) r[k] += Number(v);
    }
  };
  for (const s of sales) {
    add(s.terminal_id, s.cashier_id, {
      receipts: s.receipts,
      identifiedReceipts: s.identified,
      salesKopecks: s.sales,
      discountKopecks: s.discount,
      accruedKopecks: s.accrued,
      redeemedKopecks: s.redeemed,
    });
  }
  for (const g of registrations) add(g.terminal_id, g.cashier_id, { registrations: g.registrations, welcomeKopecks: g.welcome });
  for (const o of offered) add(o.terminal_id, o.cashier_id, { registrationsOffered: o.offered });
  for (const x of returns) {
    add(x.terminal_id, x.cashier_id, { returns: x.returns, refundKopecks: x.refund, restoredBonusKopecks: x.restored, reversedAccrualKopecks: x.reversed });
  }
  // Every enrolled terminal shows, with zeros on a quiet day; a revoked one only if it did something.
  const names = new Map(terminals.map((t) => [t.id, t.name]));
  for (const t of terminals) if (!t.revoked) cell(rows, t.id);
  const order = [...terminals.map((t) => t.id), ...[...rows.keys()].filter((k) => !names.has(k)).sort()];
  const terminalRows = order
    .filter((id) => rows.has(id))
    .map((id) => ({ terminalId: id, terminalName: names.get(id) ?? '(unknown terminal)', ...withShare(rows.get(id)!) }));

  // Cashiers with figures that day, by personnel number; events without a cashier last.
  const ids = [...byCashier.keys()].filter((k) => k !== NO_CASHIER);
  const people =
    ids.length === 0
      ? []
      : await db.query<{ id: string; name: string; personnel_no: string }>('SELECT id::text, name, personnel_no FROM cashiers WHERE id = ANY($1::bigint[])', [
          ids,
        ]);
  const who = new Map(people.map((p) => [p.id, p]));
  const cashierRows = [
    ...ids
      .sort((a, b) => (who.get(a)?.personnel_no ?? '').localeCompare(who.get(b)?.personnel_no ?? '', 'en', { numeric: true }) || Number(a) - Number(b))
      .map((id) => ({
        cashierId: id,
        cashierName: who.get(id)?.name ?? null,
        personnelNo: who.get(id)?.personnel_no ?? null,
        ...withShare(byCashier.get(id)!),
      })),
    ...(byCashier.has(NO_CASHIER) ? [{ cashierId: null, cashierName: null, personnelNo: null, ...withShare(byCashier.get(NO_CASHIER)!) }] : []),
  ];

  const totals = emptyRow();
  for (const r of rows.values()) {
    for (const k of SUMMED) totals[k] += r[k];
  }
  return {
    storeId,
    date: day.day,
    ...(lastDate !== null ? { dateTo: day.last_day } : {}),
    timeZone: day.time_zone,
    from,
    to,
    totals: withShare(totals),
    terminals: terminalRows,
    cashiers: cashierRows,
  };
}

const NO_CASHIER = 'none';
type Summed = (typeof SUMMED)[number];

const SUMMED = [
  'receipts',
  'identifiedReceipts',
  'salesKopecks',
  'discountKopecks',
  'accruedKopecks',
  'redeemedKopecks',
  'registrations',
  'welcomeKopecks',
  'registrationsOffered',
  'returns',
  'refundKopecks',
  'restoredBonusKopecks',
  'reversedAccrualKopecks',
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
