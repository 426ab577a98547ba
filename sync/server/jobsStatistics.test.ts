import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse } from '../protocol/schemas';
import { demoBalance } from './demoSeed';
import { refreshPlannerStatistics } from './jobsStatistics';
import { testDatabases } from './testing/databases';
import { line, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('planner statistics from the ledger jobs on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 100 });
    till = await s.enrol(1);
    await refreshPlannerStatistics(s.db); // whatever seeding left behind
  });
  afterAll(async () => {
    await s?.close();
  });

  const planned = async (table: string) =>
    Number((await s.db.query<{ n: number }>(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass`, [table]))[0]?.n);

  it('analyzes the tables that grew, and leaves the others alone', async () => {
    expect(await refreshPlannerStatistics(s.db)).toEqual({ analyzed: [] });
    const before = await planned('receipts');

    const sales = Array.from(
      { length: 90 },
      (_, i) => sale({ customerId: String(1 + (i % 100)), available: demoBalance(1 + (i % 100)), lines: [line(2 + (i % 40), 2), line(50 + (i % 30))] }).event,
    );
    for (let k = 0; k < sales.length; k += 30) {
      expect((await s.push(till.token, sales.slice(k, k + 30))).every((r) => r.status === 'applied')).toBe(true);
    }
    const [{ n: receipts } = { n: 0 }] = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM receipts');

    // The scheduled jobs and the admin endpoint run the same jobs: run them as head office would.
    const run = await s.inject({ method: 'POST', url: '/api/v1/admin/jobs/run', headers: admin });
    expect(run.statusCode).toBe(200);
    const { analyzed } = run.json().statistics as { analyzed: string[] };
    expect(analyzed).toContain('receipts');
    expect(analyzed).not.toContain('programmes');
    expect(before).toBeLessThan(receipts);
    expect(await planned('receipts')).toBe(receipts);

    // Nothing grew since: nothing to do.
    expect(await refreshPlannerStatistics(s.db)).toEqual({ analyzed: [] });
  });
});
