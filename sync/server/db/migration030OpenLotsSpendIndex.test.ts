import { describe, expect, it } from 'vitest';
import { seedDemo } from '../demoSeed';
import { testDatabases } from '../testing/databases';

describe.each(testDatabases())('migration 30: open lots and spend indexes on $name', ({ open }) => {
  it('reads a customer’s open lots past their spent ones, and keeps the eligible spend in the receipts index', async () => {
    const db = await open();
    try {
      await seedDemo(db, 20);
      // The customers' history: a thousand spent lots each.
      await db.exec(`
        INSERT INTO lots (id, customer_id, amount, remaining, earned_at, available_at, expires_at, activated)
        SELECT 900000 + g, 1 + g % 20, 100, 0, now(), now(), now() + interval '300 days', true FROM generate_series(1, 20000) g;
        ANALYZE lots;`);
      const indexes = await db.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('lots', 'receipts') AND indexname IN ('lots_open', 'lots_customer', 'receipts_customer', 'receipts_customer_spend') ORDER BY indexname`,
      );
      expect(indexes.map((i) => i.indexname)).toEqual(['lots_open', 'receipts_customer_spend']);
      expect(indexes.find((i) => i.indexname === 'receipts_customer_spend')?.indexdef).toContain('INCLUDE (eligible_net)');
      const plan = async (sql: string) => (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).map((r) => r['QUERY PLAN']).join('\n');
      // The book's read of open lots goes through the index of open lots only.
      expect(await plan(`SELECT id FROM lots WHERE customer_id = 5 AND (remaining > 0 OR NOT activated)`)).toContain('lots_open');
      // A return's book asks for its sale's lots by id as well (CustomerBook.open): still no scan of every lot.
      expect(
        await plan(`SELECT id FROM lots WHERE customer_id = 5 AND (remaining > 0 OR NOT activated OR id = ANY('{900005,900025}'::bigint[]))`),
      ).not.toContain('Seq Scan');
      const open5 = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM lots WHERE customer_id = 5 AND (remaining > 0 OR NOT activated)`);
      expect(open5[0]?.n).toBeLessThan(10);
    } finally {
      await db.close();
    }
  });
});
