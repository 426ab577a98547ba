/**
 * Server benchmark, on PostgreSQL (DATABASE_URL), in a fresh schema dropped at the end:
 * - sale events per second through the real HTTP push endpoint, 8 terminals in parallel,
 *   batches of 100, against a plain batched INSERT of the same events (the floor any
 *   exactly-once ledger write sits on), and their ratio;
 * - a 1M-customer initial pull through GET /api/v1/pull/customers, rows per second.
 * Prints one `name: value unit` per line. Run: DATABASE_URL=... npx tsx bench/server.ts
 * Settings: BENCH_TERMINALS (8), BENCH_BATCHES (10 per terminal), BENCH_PULL_CUSTOMERS (1000000).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PushResponse, type TillEvent } from '../sync/protocol/events';
import { CustomerPage, EnrolResponse } from '../sync/protocol/schemas';
import { buildApp } from '../sync/server/app';
import { openDatabase } from '../sync/server/db/database';
import { migrate } from '../sync/server/db/migrations';
import { demoBalance, seedDemo } from '../sync/server/demoSeed';
import { line, sale } from '../sync/server/testing/events';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench/server.ts needs DATABASE_URL (a PostgreSQL database it may create a schema in).');
  process.exit(2);
}
const TERMINALS = Number(process.env.BENCH_TERMINALS ?? 8);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 10);
const BATCH = 100;
const PULL_CUSTOMERS = Number(process.env.BENCH_PULL_CUSTOMERS ?? 1_000_000);
const SALE_CUSTOMERS = 10_000;
const ADMIN = randomBytes(24).toString('base64url');

const schema = `bench_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const sep = url.includes('?') ? '&' : '?';
const schemaUrl = `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
const report = (name: string, value: number, unit: string) => console.log(`${name}: ${value} ${unit}`);
const note = (text: string) => console.error(`# ${text}`);

try {
  const db = await openDatabase({ url: schemaUrl, poolSize: 10 });
  await migrate(db);
  await seedDemo(db, SALE_CUSTOMERS);
  const app = await buildApp({ db, adminToken: ADMIN, rateLimit: { burst: 1e9, perSecond: 1e9 } });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const call = async (method: string, path: string, token: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const terminals: EnrolResponse[] = [];
  for (let k = 0; k < TERMINALS; k++) {
    const { code } = (await call('POST', '/api/v1/admin/enrolment-codes', ADMIN, { storeId: 1 + (k % 2) })) as { code: string };
    const res = await fetch(`${base}/api/v1/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: `bench ${k}` }) });
    terminals.push(EnrolResponse.parse(await res.json()));
  }

  // Events made before the clock starts: sales of 1-4 lines, 9 in 10 with a card, a third of those spending bonuses.
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const batches: TillEvent[][][] = terminals.map((t) =>
    Array.from({ length: BATCHES }, () =>
      Array.from({ length: BATCH }, () => {
        const n = 1 + Math.floor(random() * SALE_CUSTOMERS);
        const products = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => 1 + Math.floor(random() * 299)))];
        const withCard = random() < 0.9;
        return sale({
          storeId: t.storeId,
          customerId: withCard ? String(n) : null,
          available: withCard ? demoBalance(n) : 0,
          lines: products.map((p) => line(p, 1 + Math.floor(random() * 3), t.storeId)),
          redeem: withCard && random() < 0.33 ? 1 + Math.floor(random() * 3_000) : 0,
        }).event;
      }),
    ),
  );
  const total = TERMINALS * BATCHES * BATCH;

  let started = performance.now();
  await Promise.all(
    terminals.map(async (t, k) => {
      for (const batch of batches[k]!) {
        const body = PushResponse.parse(await call('POST', '/api/v1/push', t.token, { events: batch }));
        const bad = body.results.find((r) => r.status !== 'applied');
        if (bad) throw new Error(`push answered ${JSON.stringify(bad)}`);
      }
    }),
  );
  const pushSeconds = (performance.now() - started) / 1000;
  const pushRate = Math.round(total / pushSeconds);
  note(`${total} sale events pushed by ${TERMINALS} terminals in ${pushSeconds.toFixed(1)} s`);

  // The floor: the same events as rows, 100 per INSERT, same concurrency, no ledger.
  await db.query('CREATE TABLE bench_events (event_id uuid PRIMARY KEY, terminal int NOT NULL, body jsonb NOT NULL)');
  started = performance.now();
  await Promise.all(
    batches.map(async (list, k) => {
      for (const batch of list) {
        await db.query(
          `INSERT INTO bench_events (event_id, terminal, body) SELECT x.id, $1, x.body::jsonb FROM unnest($2::uuid[], $3::text[]) AS x(id, body)`,
          [k, batch.map((e) => e.eventId), batch.map((e) => JSON.stringify(e))],
        );
      }
    }),
  );
  const insertSeconds = (performance.now() - started) / 1000;
  const insertRate = Math.round(total / insertSeconds);
  report('server.push.rate', pushRate, 'events/s');
  report('server.insert.rate', insertRate, 'rows/s');
  report('server.push.ratio', Number((pushRate / insertRate).toFixed(3)), '');

  // A million customers, written directly (card, phone key, balance each), then pulled as a new till would.
  started = performance.now();
  const from = SALE_CUSTOMERS + 1;
  const to = SALE_CUSTOMERS + PULL_CUSTOMERS;
  for (let lo = from; lo <= to; lo += 250_000) {
    const hi = Math.min(to, lo + 249_999);
    await db.query(
      `INSERT INTO customers (id, chain_id, first_name, phone_e164, tier) SELECT n, 1, 'Анна', '+7915' || lpad(n::text, 7, '0'), 'base' FROM generate_series($1::bigint, $2::bigint) n`,
      [lo, hi],
    );
    await db.query(
      `INSERT INTO identifiers (chain_id, kind, key, customer_id)
       SELECT 1, 'card', '28' || lpad(n::text, 11, '0'), n FROM generate_series($1::bigint, $2::bigint) n
       UNION ALL SELECT 1, 'phone', substr(md5(n::text), 1, 22), n FROM generate_series($1::bigint, $2::bigint) n`,
      [lo, hi],
    );
    await db.query(`INSERT INTO balances (customer_id, balance) SELECT n, n % 50000 FROM generate_series($1::bigint, $2::bigint) n`, [lo, hi]);
  }
  await db.exec('ANALYZE customers; ANALYZE identifiers; ANALYZE balances');
  note(`${PULL_CUSTOMERS} customers written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const t = terminals[0]!;
  for (const limit of [2_000, 10_000]) {
    let cursor = '0';
    let rows = 0;
    let pages = 0;
    let firstRemaining = 0;
    let slowest = 0;
    started = performance.now();
    for (;;) {
      const pageStarted = performance.now();
      const page = CustomerPage.parse(await call('GET', `/api/v1/pull/customers?cursor=${cursor}&limit=${limit}`, t.token));
      slowest = Math.max(slowest, performance.now() - pageStarted);
      if (pages === 0) firstRemaining = page.remaining;
      rows += page.items.length;
      pages++;
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const seconds = (performance.now() - started) / 1000;
    note(`pull limit ${limit}: ${rows} customers in ${pages} pages, ${seconds.toFixed(1)} s; first page said ${firstRemaining} remaining; slowest page ${slowest.toFixed(0)} ms`);
    report(`server.pull.customers.limit${limit}.rate`, Math.round(rows / seconds), 'rows/s');
    report(`server.pull.customers.limit${limit}.slowest_page`, Math.round(slowest), 'ms');
  }
  await app.close();
  await db.close();
} finally {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
