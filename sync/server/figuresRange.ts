import { z } from 'zod';
import { RANGE_SUMMED, UptakeRow, type RangeFigures, type RangeFiguresRow, type RangeFiguresTotals } from '../protocol/headOffice';

/** Also described in the OpenAPI document. */
export { UptakeRow };
import type { Sql } from './db/database';
import { HttpError } from './httpError';
import { offerReturns, type OfferEffect, type ReturnedLineFigures, type SoldLine } from './uptakeReturns';

const isoDay = z.iso.date().refine((d) => d >= '2000-01-01' && d <= '2999-12-31', 'a date between 2000 and 2999');
const positiveId = z.coerce.number().int().positive().max(2_147_483_647);

/** GET /api/v1/admin/chains/:chainId/figures?from&to[&storeId][&regionId]: local dates, both inclusive. */
export const RangeQuery = z
  .strictObject({ from: isoDay, to: isoDay, storeId: positiveId.optional(), regionId: positiveId.optional() })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'ends before it starts' })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 3_660 * 86_400_000, { path: ['to'], message: 'at most ten years at a time' });
export type RangeQuery = z.infer<typeof RangeQuery>;

/**
 * The figures head office reads (see sync/protocol/headOffice.ts). A sale counts on its local day
 * and till; a return on its own day and till (a Monday sale returned on Tuesday lowers Tuesday's
 * net), so a day's net can be negative.
 */
export const SUMMED = RANGE_SUMMED;
export type Figures = RangeFiguresTotals;

export interface Cell extends Figures {
  storeId: number;
  terminalId: string;
  cashierId: string | null;
  day: string;
}

export function emptyFigures(): Figures {
  return Object.fromEntries(SUMMED.map((k) => [k, 0])) as Figures;
}

/** The three gross figures and what returns took back, as one cell's net figures. */
export function withNet(f: Omit<Figures, 'revenueNet' | 'accruedNet' | 'redeemedNet'>): Figures {
  return {
    ...f,
    revenueNet: f.revenueGross - f.revenueReturns,
    accruedNet: f.accruedGross - f.accruedReturns,
    redeemedNet: f.redeemedGross - f.redeemedReturns,
  };
}

function addInto(target: Figures, source: Figures): void {
  for (const k of SUMMED) target[k] += source[k];
}

/**
 * One set of cells (store × till × cashier × day) added up four ways. Every figure sits in
 * exactly one cell, so each grouping sums to the same totals.
 */
export function rollUp(
  cells: readonly Cell[],
  names: { store(id: number): string; terminal(id: string): string; cashier(id: string | null): string },
): Omit<RangeFigures, 'from' | 'to'> {
  const totals = emptyFigures();
  const groups = {
    stores: new Map<string, RangeFiguresRow>(),
    terminals: new Map<string, RangeFiguresRow>(),
    cashiers: new Map<string, RangeFiguresRow>(),
    days: new Map<string, RangeFiguresRow>(),
  };
  const into = (map: Map<string, RangeFiguresRow>, key: string, label: () => string, detail: string | null, cell: Cell) => {
    let row = map.get(key);
    if (!row) map.set(key, (row = { key, label: label(), detail, ...emptyFigures() }));
    addInto(row, cell);
  };
  for (const c of cells) {
    addInto(totals, c);
    into(groups.stores, String(c.storeId), () => names.store(c.storeId), null, c);
    into(groups.terminals, c.terminalId, () => names.terminal(c.terminalId), names.store(c.storeId), c);
    into(groups.cashiers, c.cashierId ?? 'none', () => names.cashier(c.cashierId), names.store(c.storeId), c);
    into(groups.days, c.day, () => c.day, null, c);
  }
  const sorted = (m: Map<string, RangeFiguresRow>, by: (a: RangeFiguresRow, b: RangeFiguresRow) => number) => [...m.values()].sort(by);
  const byLabel = (a: RangeFiguresRow, b: RangeFiguresRow) => a.label.localeCompare(b.label, 'ru', { numeric: true }) || a.key.localeCompare(b.key);
  return {
    totals,
    stores: sorted(groups.stores, (a, b) => Number(a.key) - Number(b.key)),
    terminals: sorted(groups.terminals, byLabel),
    cashiers: sorted(groups.cashiers, (a, b) => (a.key === 'none' ? 1 : b.key === 'none' ? -1 : byLabel(a, b))),
    days: sorted(groups.days, (a, b) => a.key.localeCompare(b.key)),
  };
}

/** The stores a query covers: one chain's, narrowed to a store or a region. */
async function storesOf(db: Sql, chainId: number, q: Pick<RangeQuery, 'storeId' | 'regionId'>) {
  const stores = await db.query<{ id: number; name: string; region_id: number | null; region: string | null }>(
    `SELECT s.id, s.name, s.region_id, r.name AS region FROM stores s LEFT JOIN regions r ON r.id = s.region_id
     WHERE s.chain_id = $1 AND ($2::int IS NULL OR s.id = $2) AND ($3::int IS NULL OR s.region_id = $3) ORDER BY s.id`,
    [chainId, q.storeId ?? null, q.regionId ?? null],
  );
  if (q.storeId !== undefined && stores.length === 0) throw new HttpError(404, 'store_not_found', `Store ${q.storeId} is not in chain ${chainId}.`);
  return stores;
}

/**
 * Figures of a chain (or one store, or one region) over local dates `from`..`to` inclusive, each
 * store in its own time zone. A sale counts by the till's `sold_at`, a return by its
 * `occurred_at`, a registration by `registered_at` (all clamped to the server's clock).
 */
export async function rangeFigures(db: Sql, chainId: number, q: RangeQuery): Promise<RangeFigures> {
  const stores = await storesOf(db, chainId, q);
  const ids = stores.map((s) => s.id);
  const args = [ids, q.from, q.to];
  type Row = { store_id: number; terminal_id: string; cashier_id: string | null; day: string } & Record<string, string | number>;
  // Each store's day by its own zone; the index on (store_id, sold_at) narrows by a day's margin first.
  const local = (col: string) => `(${col} AT TIME ZONE s.time_zone)::date`;
  const window = (col: string) => `s.id = ANY($1::int[]) AND ${col} >= $2::date - 1 AND ${col} < $3::date + 2 AND ${local(col)} BETWEEN $2::date AND $3::date`;
  const sales = await db.query<Row>(
    `SELECT r.store_id, r.terminal_id::text AS terminal_id, r.cashier_id::text AS cashier_id, ${local('r.sold_at')}::text AS day,
            count(*)::int AS receipts, count(r.customer_id)::int AS identified,
            COALESCE(sum((r.till_totals->>'payable')::bigint), 0)::bigint AS revenue,
            COALESCE(sum((r.till_totals->>'discount')::bigint), 0)::bigint AS discount,
            COALESCE(sum(b.accrued), 0)::bigint AS accrued, COALESCE(sum(b.redeemed), 0)::bigint AS redeemed
     FROM receipts r JOIN stores s ON s.id = r.store_id
     LEFT JOIN LATERAL (
       SELECT sum(l.amount) FILTER (WHERE l.kind = 'accrual') AS accrued, -sum(l.amount) FILTER (WHERE l.kind = 'redemption') AS redeemed
       FROM ledger l WHERE l.event_id = r.event_id) b ON true
     WHERE ${window('r.sold_at')}
     GROUP BY 1, 2, 3, 4`,
    args,
  );
  const returns = await db.query<Row>(
    `SELECT x.store_id, x.terminal_id::text AS terminal_id, x.cashier_id::text AS cashier_id, ${local('x.occurred_at')}::text AS day,
            count(*)::int AS returns,
            COALESCE(sum((x.result->'totals'->>'refund')::bigint), 0)::bigint AS refund,
            COALESCE(sum((x.result->'totals'->>'restoredBonus')::bigint), 0)::bigint AS restored,
            COALESCE(sum((x.result->'totals'->>'reversedAccrual')::bigint), 0)::bigint AS reversed
     FROM receipt_returns x JOIN stores s ON s.id = x.store_id
     WHERE ${window('x.occurred_at')}
     GROUP BY 1, 2, 3, 4`,
    args,
  );
  const registrations = await db.query<Row>(
    `SELECT c.store_id, COALESCE(e.terminal_id::text, 'unknown') AS terminal_id, c.registered_by_cashier::text AS cashier_id,
            ${local('c.registered_at')}::text AS day, count(*)::int AS registrations, COALESCE(sum(w.amount), 0)::bigint AS welcome
     FROM customers c JOIN stores s ON s.id = c.store_id
     JOIN applied_events e ON e.event_id = c.registered_by_event
     LEFT JOIN LATERAL (SELECT sum(l.amount) AS amount FROM ledger l WHERE l.event_id = c.registered_by_event AND l.kind = 'welcome') w ON true
     WHERE ${window('c.registered_at')}
     GROUP BY 1, 2, 3, 4`,
    args,
  );

  const cells = new Map<string, Cell>();
  const cell = (r: Row): Cell => {
    const key = `${r.store_id}|${r.terminal_id}|${r.cashier_id ?? ''}|${r.day}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { storeId: Number(r.store_id), terminalId: r.terminal_id, cashierId: r.cashier_id, day: r.day, ...emptyFigures() }));
    return c;
  };
  for (const r of sales) {
    const c = cell(r);
    c.receipts += Number(r.receipts);
    c.identifiedReceipts += Number(r.identified);
    c.revenueGross += Number(r.revenue);
    c.discount += Number(r.discount);
    c.accruedGross += Number(r.accrued);
    c.redeemedGross += Number(r.redeemed);
  }
  for (const r of returns) {
    const c = cell(r);
    c.returns += Number(r.returns);
    c.revenueReturns += Number(r.refund);
    // A return takes back the accrual it reverses and gives back the bonuses it restores.
    c.accruedReturns += Number(r.reversed);
    c.redeemedReturns += Number(r.restored);
  }
  for (const r of registrations) {
    const c = cell(r);
    c.registrations += Number(r.registrations);
    c.welcome += Number(r.welcome);
  }
  const all = [...cells.values()].map((c) => ({ ...c, ...withNet(c) }));

  const terminalIds = [...new Set(all.map((c) => c.terminalId).filter((t) => t !== 'unknown'))];
  const cashierIds = [...new Set(all.flatMap((c) => (c.cashierId === null ? [] : [c.cashierId])))];
  const terminals = terminalIds.length
    ? await db.query<{ id: string; name: string }>('SELECT id::text, name FROM terminals WHERE id = ANY($1::uuid[])', [terminalIds])
    : [];
  const cashiers = cashierIds.length
    ? await db.query<{ id: string; name: string; personnel_no: string }>('SELECT id::text, name, personnel_no FROM cashiers WHERE id = ANY($1::bigint[])', [
        cashierIds,
      ])
    : [];
  const storeName = new Map(stores.map((s) => [s.id, s.name]));
  const terminalName = new Map(terminals.map((t) => [t.id, t.name]));
  const cashierName = new Map(cashiers.map((c) => [c.id, `${c.name} (${c.personnel_no})`]));
  const rolled = rollUp(all, {
    store: (id) => storeName.get(id) ?? String(id),
    terminal: (id) => terminalName.get(id) ?? id,
    cashier: (id) => (id === null ? '' : (cashierName.get(id) ?? id)),
  });
  return { from: q.from, to: q.to, ...rolled };
}

/**
 * Per-offer uptake over local dates, per store (with its region), net of returns: receipts the
 * offer touched, the money discount it gave (percent and n-for-m) and the bonuses it cost (its
 * extra accrual and fixed bonuses), from the engine's explanations on the receipt the ledger
 * posted; then what returns took back of each offer's share (uptakeReturns.ts). A sale counts on
 * its own day and store, a return on its own, as in the range figures.
 */
export async function offerUptake(db: Sql, chainId: number, q: RangeQuery): Promise<UptakeRow[]> {
  const stores = await storesOf(db, chainId, q);
  const regionOf = new Map(stores.map((s) => [s.id, s.region_id === null ? null : Number(s.region_id)]));
  const args = [stores.map((s) => s.id), q.from, q.to];
  const window = (col: string) =>
    `s.id = ANY($1::int[]) AND ${col} >= $2::date - 1 AND ${col} < $3::date + 2 AND (${col} AT TIME ZONE s.time_zone)::date BETWEEN $2::date AND $3::date`;
  const sold = await db.query<{ offer_id: string; store_id: number; receipts: number; discount: string; bonus: string }>(
    `SELECT e->>'offerId' AS offer_id, r.store_id, count(DISTINCT r.event_id)::int AS receipts,
            COALESCE(sum((e->>'amount')::bigint) FILTER (WHERE e->>'code' IN ('offerDiscount', 'offerFreeItems')), 0)::bigint AS discount,
            COALESCE(sum((e->>'amount')::bigint) FILTER (WHERE e->>'code' IN ('offerAccrual', 'offerFixedBonus')), 0)::bigint AS bonus
     FROM receipts r JOIN stores s ON s.id = r.store_id
     CROSS JOIN LATERAL jsonb_array_elements(r.posted->'explanations') e
     WHERE ${window('r.sold_at')}
       AND e->>'offerId' IS NOT NULL AND e->>'code' IN ('offerDiscount', 'offerFreeItems', 'offerAccrual', 'offerFixedBonus')
     GROUP BY 1, 2`,
    args,
  );
  type Acc = Omit<UptakeRow, 'offerName' | 'regionId' | 'discountNet' | 'bonusCostNet'> & { returnedSales: Set<string> };
  const acc = new Map<string, Acc>();
  const rowOf = (offerId: string, storeId: number): Acc => {
    const key = `${offerId}|${storeId}`;
    let row = acc.get(key);
    if (!row) {
      row = {
        offerId,
        storeId,
        receipts: 0,
        discount: 0,
        bonusCost: 0,
        returnedReceipts: 0,
        discountReturned: 0,
        bonusCostReturned: 0,
        returnedSales: new Set(),
      };
      acc.set(key, row);
    }
    return row;
  };
  for (const r of sold) {
    const row = rowOf(r.offer_id, Number(r.store_id));
    row.receipts += Number(r.receipts);
    row.discount += Number(r.discount);
    row.bonusCost += Number(r.bonus);
  }

  // Returns made in the period, each priced against its sale after the sale's earlier returns.
  const returned = await db.query<{ event_id: string; sale_event_id: string; store_id: number }>(
    `SELECT x.event_id::text AS event_id, x.sale_event_id::text AS sale_event_id, x.store_id
     FROM receipt_returns x JOIN stores s ON s.id = x.store_id WHERE ${window('x.occurred_at')}`,
    args,
  );
  if (returned.length > 0) {
    const saleIds = [...new Set(returned.map((x) => x.sale_event_id))];
    const sales = await db.query<{ event_id: string; lines: SoldLine[] | null; explanations: OfferEffect[] | null }>(
      `SELECT event_id::text AS event_id, posted->'lines' AS lines, posted->'explanations' AS explanations
       FROM receipts WHERE event_id = ANY($1::uuid[])`,
      [saleIds],
    );
    // Every return of those sales, in the order applyReturn priced them.
    const all = await db.query<{ event_id: string; sale_event_id: string; lines: ReturnedLineFigures[] | null }>(
      `SELECT event_id::text AS event_id, sale_event_id::text AS sale_event_id, result->'lines' AS lines
       FROM receipt_returns WHERE sale_event_id = ANY($1::uuid[]) ORDER BY sale_event_id, returned_at, event_id`,
      [saleIds],
    );
    const inPeriod = new Map(returned.map((x) => [x.event_id, Number(x.store_id)]));
    const bySale = new Map<string, (typeof all)[number][]>();
    for (const x of all) {
      const list = bySale.get(x.sale_event_id);
      if (list) list.push(x);
      else bySale.set(x.sale_event_id, [x]);
    }
    for (const sale of sales) {
      const list = bySale.get(sale.event_id) ?? [];
      // An old receipt may lack either list: it then has no offer share to give back.
      const taken = offerReturns(
        { lines: sale.lines ?? [], explanations: sale.explanations ?? [] },
        list.map((x) => ({ lines: x.lines ?? [] })),
      );
      list.forEach((x, k) => {
        const storeId = inPeriod.get(x.event_id);
        if (storeId === undefined) return;
        for (const [offerId, back] of taken[k] ?? []) {
          const row = rowOf(offerId, storeId);
          row.returnedSales.add(sale.event_id);
          row.discountReturned += back.discount;
          row.bonusCostReturned += back.bonusCost;
        }
      });
    }
  }
  const rows = [...acc.values()].sort((a, b) => (a.offerId < b.offerId ? -1 : a.offerId > b.offerId ? 1 : a.storeId - b.storeId));
  const ids = [...new Set(rows.map((r) => r.offerId))];
  const offers = ids.length
    ? await db.query<{ id: string; name: { ru?: unknown; en?: unknown } | null }>(
        "SELECT id, body->'name' AS name FROM offers WHERE chain_id = $1 AND id = ANY($2::text[])",
        [chainId, ids],
      )
    : [];
  const names = new Map(
    offers.flatMap((o) => (typeof o.name?.ru === 'string' && typeof o.name.en === 'string' ? [[o.id, { ru: o.name.ru, en: o.name.en }] as const] : [])),
  );
  return rows.map(({ returnedSales, ...r }) => ({
    offerId: r.offerId,
    offerName: names.get(r.offerId) ?? null,
    storeId: r.storeId,
    regionId: regionOf.get(r.storeId) ?? null,
    receipts: r.receipts,
    discount: r.discount,
    bonusCost: r.bonusCost,
    returnedReceipts: returnedSales.size,
    discountReturned: r.discountReturned,
    bonusCostReturned: r.bonusCostReturned,
    discountNet: r.discount - r.discountReturned,
    bonusCostNet: r.bonusCost - r.bonusCostReturned,
  }));
}
