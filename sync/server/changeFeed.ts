import type { Database, Sql } from './db/database';

/**
 * Pulls page by `change_seq`, one sequence shared by every pulled table. A sequence number
 * is taken before its transaction commits, so transaction A may hold 100 while B takes 101
 * and commits first; a pull between the two would move its cursor past 100 for ever.
 *
 * Writers therefore take a shared advisory lock right before they take a change_seq and
 * hold it to commit (`guardChangeFeed`); a pull takes the same lock exclusively for a moment
 * to read the highest number handed out (`changeWatermark`), which waits only for writers in
 * that short window, and reads nothing above it. Every row at or below the watermark is then
 * committed. PGlite is one connection running one transaction at a time: no window there.
 */
const FEED_LOCK = 7_410_002;

export async function guardChangeFeed(tx: Sql): Promise<void> {
  if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [FEED_LOCK]);
}

/** The guard as an extra select-list item, to ride along with a query the writer makes anyway. */
export function guardSelect(tx: Sql): string {
  return tx.kind === 'postgres' ? `, pg_advisory_xact_lock_shared(${FEED_LOCK}) AS feed_guard` : '';
}

export async function changeWatermark(db: Database): Promise<number> {
  if (db.kind !== 'postgres') return Number.MAX_SAFE_INTEGER;
  // Both statements ride with BEGIN: the lock is held only until the COMMIT right after.
  return db.transaction(async (_tx, begun) => Number((begun[1]?.[0] as { last_value?: unknown } | undefined)?.last_value ?? 0), {
    begin: `SELECT pg_advisory_xact_lock(${FEED_LOCK}); SELECT last_value FROM change_seq`,
  });
}

/** Counting past this many rows costs more than a progress bar is worth: estimate instead. */
export const EXACT_REMAINING_UP_TO = 10_000;

/**
 * Rows after `cursor` for a progress bar. The planner's estimate from the column statistics
 * costs a plan and no scan; when it is small (near the end, or statistics not gathered yet)
 * the rows are counted exactly, at most EXACT_REMAINING_UP_TO of them (an index range scan).
 * `where` must use $1.. for its params.
 */
export async function remainingRows(db: Sql, table: string, where: string, params: readonly unknown[]): Promise<number> {
  const cap = EXACT_REMAINING_UP_TO;
  const estimate = await plannedRows(db, table, where, params);
  if (estimate > 4 * cap) return estimate;
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table} WHERE ${where} LIMIT ${cap + 1}) s`, params);
  const exact = Number(row?.n ?? 0);
  return exact <= cap ? exact : Math.max(cap + 1, estimate);
}

async function plannedRows(db: Sql, table: string, where: string, params: readonly unknown[]): Promise<number> {
  // EXPLAIN takes no parameters: inline them. Callers pass only integers they have validated.
  const inlined = where.replace(/\$(\d+)/g, (_, i: string) => {
    const v = params[Number(i) - 1];
    if (typeof v !== 'number' && !(typeof v === 'string' && /^\d{1,19}$/.test(v))) throw new TypeError('remainingRows: only integer parameters');
    return String(v);
  });
  const plan = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${table} WHERE ${inlined}`);
  const raw = plan[0]?.['QUERY PLAN'];
  const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  const estimate = Array.isArray(parsed) ? Number((parsed[0] as { Plan?: { 'Plan Rows'?: unknown } })?.Plan?.['Plan Rows'] ?? 0) : 0;
  return Number.isFinite(estimate) ? Math.round(estimate) : 0;
}
