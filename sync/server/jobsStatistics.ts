import type { Database } from './db/database';

/**
 * Planner statistics for tables that grew. PostgreSQL's autovacuum does this on its own when it
 * is on; an embedded PGlite server has no autovacuum at all, so without this its statistics
 * would stay as they were after the first load for ever: progress totals ("remaining") and
 * plans follow the statistics.
 *
 * Growth is judged from the table's size on disk against the pages its last ANALYZE saw
 * (pg_class.relpages), which every engine keeps without a statistics collector: a table never
 * analyzed, or more than GROWTH larger and MIN_PAGES pages more than it was, is analyzed again.
 * ANALYZE samples a bounded number of rows (30,000 by default), so its cost does not grow with
 * the table.
 */
const GROWTH = 0.1;
const MIN_PAGES = 8;
/** One instance at a time runs it (several may run the jobs at once); the others skip. */
const STATISTICS_LOCK = 7_410_003;

export async function refreshPlannerStatistics(db: Database): Promise<{ analyzed: string[] }> {
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') {
      const [got] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [STATISTICS_LOCK]);
      if (!got?.ok) return { analyzed: [] };
    }
    const stale = await tx.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c
       WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
         AND pg_relation_size(c.oid) / current_setting('block_size')::int >= $2
         AND (c.reltuples < 0 OR pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * (1 + $1::float8) + $2)
       ORDER BY c.relname`,
      [GROWTH, MIN_PAGES],
    );
    // Names come from the catalogue of our own schema; quoted all the same.
    for (const { name } of stale) await tx.exec(`ANALYZE "${name.replace(/"/g, '""')}"`);
    return { analyzed: stale.map((s) => s.name) };
  });
}
