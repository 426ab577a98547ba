/**
 * Server benchmark, on PostgreSQL (DATABASE_URL), in a fresh schema dropped at the end:
 * - PostgreSQL's own TPC-B-like benchmark (`pgbench -b tpcb-like`, its tables in a database
 *   this run creates and drops) at the same client count, as the yardstick;
 * - sale events per second through the real HTTP push endpoint, 8 terminals in parallel,
 *   batches of 100, and `server.push.vs_pgbench` = events/s / pgbench tps, the two taking turns.
 *   The server runs as BENCH_INSTANCES stateless instances, each in a worker thread with its own
 *   pool (as instances behind a load balancer would); terminal k talks to instance k mod n.
 *   Like for like: the push's tables are vacuumed before each push round, as pgbench vacuums its
 *   own before each run, and the tills' request bodies are serialised before the clock;
 * - the same with one sale per push, as tills online push them (`server.push1.*`);
 * - CPU per event in PostgreSQL (its backends for this run, from /proc, when it runs on this
 *   machine), in this Node process (server and HTTP clients), and the time the server's event
 *   loop was busy (its own share);
 * - a plain batched INSERT of the same events (the floor any exactly-once ledger write sits on);
 * - a 1M-customer initial pull through GET /api/v1/pull/customers, rows per second.
 * Prints one `name: value unit` per line. Run: DATABASE_URL=... npx tsx bench/server.ts
 * Settings: BENCH_TERMINALS (8), BENCH_SALE_CUSTOMERS (100000), BENCH_BATCHES (30 per terminal),
 * BENCH_WARMUP (40 batches per terminal before the clock), BENCH_ONLINE_PUSHES (100 single-sale
 * pushes per terminal), BENCH_INSTANCES (2: one per core, as pgbench's -j 2), BENCH_PULL_CUSTOMERS
 * (1000000), BENCH_PGBENCH (/usr/lib/postgresql/15/bin/pgbench), BENCH_PGBENCH_SCALE (= terminals),
 * BENCH_PGBENCH_SECONDS (30 in all), BENCH_ROUNDS (6: pgbench and the push alternate, a sixth of each per round, so
 * that load from other work on a shared machine falls on both alike).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { PushResponse, type TillEvent } from '../sync/protocol/events';
import { CustomerPage, EnrolResponse } from '../sync/protocol/schemas';
import { buildApp } from '../sync/server/app';
import { literal, openDatabase } from '../sync/server/db/database';
import { migrate } from '../sync/server/db/migrations';
import { seedDemo } from '../sync/server/demoSeed';
import { WORKER_YOUNG_GENERATION_MB } from '../sync/server/nodeFlags';
import { verifyLedger } from '../sync/server/ledger';
import { out, pct } from './report';
import { BENCH_KEY_COST, benchSales } from './server/sales';

/** A server instance in a worker thread: listens, says where, and stops when told. */
async function serveInstance(data: { url: string; adminToken: string }): Promise<never> {
  const db = await openDatabase({ url: data.url, poolSize: 10 });
  const app = await buildApp({ db, adminToken: data.adminToken, rateLimit: { burst: 1e9, perSecond: 1e9 } });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  parentPort!.once(
    'message',
    () =>
      void app
        .close()
        .then(() => db.close())
        .finally(() => process.exit(0)),
  );
  parentPort!.postMessage(base);
  return new Promise<never>(() => undefined);
}
if (!isMainThread) await serveInstance(workerData as { url: string; adminToken: string });

async function startInstance(url: string, adminToken: string): Promise<{ base: string; busyMs(): number; stop(): Promise<void> }> {
  // The worker runs this very file, compiled by tsx there too.
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  // Sized as the server process is started (sync/server/nodeFlags.ts).
  const worker = new Worker(boot, { eval: true, workerData: { url, adminToken }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  const base = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    base,
    // Time its event loop was busy: the server's own CPU, without the HTTP clients of this thread.
    busyMs: () => worker.performance.eventLoopUtilization().active,
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench/server.ts needs DATABASE_URL (a PostgreSQL database it may create a schema in).');
  process.exit(2);
}
const TERMINALS = Number(process.env.BENCH_TERMINALS ?? 8);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 30);
const BATCH = 100;
const PULL_CUSTOMERS = Number(process.env.BENCH_PULL_CUSTOMERS ?? 1_000_000);
// The customers the sales name. pgbench at scale 8 spreads its updates over 800,000 accounts; with
// 10,000 customers (the default until the runs in docs/scaling.md) a sale's customer was held by
// another terminal's run of ~90 customers about one time in sixteen (deferred to a second
// transaction), and each customer piled up a sale a minute, which a chain's tills do not do.
const SALE_CUSTOMERS = Number(process.env.BENCH_SALE_CUSTOMERS ?? 100_000);
// One instance per core, as pgbench runs one client thread per core (-j 2 below).
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 2);
// 40 batches per terminal (about 20 s of pushing): with 5, the first timed rounds still ran on
// code V8 had not finished optimising (Node's CPU per sale a quarter higher than later on).
const WARMUP = Number(process.env.BENCH_WARMUP ?? 40);
const ONLINE_PUSHES = Number(process.env.BENCH_ONLINE_PUSHES ?? 100);
const ADMIN = randomBytes(24).toString('base64url');
const PGBENCH = process.env.BENCH_PGBENCH ?? '/usr/lib/postgresql/15/bin/pgbench';
// TPC-B wants at least one branch per client, or the clients queue on a few branch rows.
const PGBENCH_SCALE = Number(process.env.BENCH_PGBENCH_SCALE ?? TERMINALS);
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 30);
/** Turns each of pgbench and the push take, alternating. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const run = promisify(execFile);
/**
 * What autovacuum would visit between rounds: the tables a sale updates rows of, and receipts,
 * whose visibility map lets the spend in a tier period be read from its index alone.
 */
const VACUUMED_TABLES = ['customers', 'balances', 'lots', 'applied_events', 'receipts'];

const schema = `bench_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const sep = url.includes('?') ? '&' : '?';
// The application name tells this run's backends apart in pg_stat_activity (CPU per event below).
const schemaUrl = `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}&application_name=${schema}`;
const note = (text: string) => console.error(`# ${text}`);

/** CPU seconds a process has used, from /proc (null when it is gone or /proc is not there). */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ
  } catch {
    return null;
  }
}

/**
 * CPU used by the PostgreSQL backends `filter` picks (a pg_stat_activity condition), sampled
 * every 200 ms while `fn` runs: PostgreSQL's own work for this load, not other databases'.
 * A backend that ends between samples loses at most its last 200 ms. Needs PostgreSQL on this
 * machine; elsewhere it reads 0.
 */
async function backendCpu(filter: string, fn: () => Promise<void>): Promise<number> {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let started = false;
  const sample = async () => {
    const { rows } = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE ${filter}`);
    for (const { pid } of rows) {
      const cpu = processCpuSeconds(pid);
      if (cpu === null) continue;
      if (!first.has(pid)) first.set(pid, started ? 0 : cpu);
      last.set(pid, cpu);
    }
  };
  await sample();
  started = true;
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(sample, () => undefined);
  }, 200);
  try {
    await fn();
  } finally {
    clearInterval(timer);
    await sampling.catch(() => undefined);
  }
  await sample();
  let total = 0;
  for (const [pid, cpu] of last) total += cpu - (first.get(pid) ?? 0);
  return total;
}
const nodeCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const ms = (seconds: number, per: number): number => Number(((seconds * 1000) / per).toFixed(3));

/**
 * pgbench's TPC-B-like load, in a database of its own made here (dropped by `drop`): one
 * round of `seconds` at `clients` clients at a time, so that rounds can alternate with the push.
 */
async function pgbenchDatabase(): Promise<{
  round(clients: number, seconds: number): Promise<{ tx: number; seconds: number; dbCpu: number }>;
  drop(): Promise<void>;
}> {
  const name = `pgbench_${randomBytes(5).toString('hex')}`;
  const target = new URL(url!);
  target.pathname = `/${name}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await run(PGBENCH, ['-i', '-q', '-s', String(PGBENCH_SCALE), target.href]);
  return {
    async round(clients, seconds) {
      let stdout = '';
      const dbCpu = await backendCpu(`datname = ${literal(name)}`, async () => {
        ({ stdout } = await run(PGBENCH, ['-b', 'tpcb-like', '-c', String(clients), '-j', '2', '-T', String(seconds), target.href]));
      });
      const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1]);
      const tx = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]);
      if (!Number.isFinite(tps) || !tx) throw new Error(`pgbench said: ${stdout}`);
      return { tx, seconds: tx / tps, dbCpu };
    },
    drop: async () => void (await admin.query(`DROP DATABASE ${name}`)),
  };
}

try {
  const db = await openDatabase({ url: schemaUrl, poolSize: 10 });
  await migrate(db);
  await seedDemo(db, SALE_CUSTOMERS, BENCH_KEY_COST);
  const instances = await Promise.all(Array.from({ length: INSTANCES }, () => startInstance(schemaUrl, ADMIN)));
  const base = instances[0]!.base;
  const call = async (method: string, path: string, token: string, body?: unknown, at = base): Promise<unknown> => {
    const res = await fetch(`${at}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const terminals: EnrolResponse[] = [];
  for (let k = 0; k < TERMINALS; k++) {
    const { code } = (await call('POST', '/api/v1/admin/enrolment-codes', ADMIN, { storeId: 1 + (k % 2) })) as { code: string };
    const res = await fetch(`${base}/api/v1/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, deviceName: `bench ${k}` }),
    });
    terminals.push(EnrolResponse.parse(await res.json()));
  }

  // Events made before the clock starts: sales of 1-4 lines, 9 in 10 with a card, a third of those spending bonuses.
  const saleFor = benchSales(42, SALE_CUSTOMERS, 3_000);
  // Made in the order they are pushed (every terminal's first batch, then every second one...), as the till's knowledge of its customers assumes.
  const batches: TillEvent[][][] = terminals.map(() => []);
  for (let b = 0; b < WARMUP + BATCHES; b++) {
    terminals.forEach((t, k) => batches[k]!.push(Array.from({ length: BATCH }, () => saleFor(t.storeId))));
  }
  const total = TERMINALS * BATCHES * BATCH;

  // Off the clock: the first batches of each terminal, so the server's code is compiled (JIT) before it is timed, as it is after minutes in service.
  await Promise.all(
    terminals.map(async (t, k) => {
      for (const batch of batches[k]!.splice(0, WARMUP)) await call('POST', '/api/v1/push', t.token, { events: batch }, instances[k % instances.length]!.base);
    }),
  );

  // The tills' request bodies, serialised before the clock as each till serialises its own: the
  // bench's clients share the server's two cores, where pgbench's C client costs next to nothing.
  // The events themselves are let go (but the batch resent below): millions of small objects that
  // the bench's thread would otherwise mark at every full collection, on the clock.
  const bodies = batches.map((own) => own.map((batch) => JSON.stringify({ events: batch })));
  const resend = batches[0]![0]!;
  batches.length = 0;

  // What the push leaves on disk, per sale: its rows and their indexes.
  const eventTables = ['receipts', 'ledger', 'lots', 'balances', 'applied_events', 'exceptions', 'offer_uses', 'customers'];
  const bytesOf = async (tables: string[]) =>
    Number(
      (
        await db.query<{ b: number }>(
          `SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::float8 AS b FROM pg_class c
           WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname = ANY($1::text[])`,
          [tables],
        )
      )[0]?.b,
    );
  const warmedUp = TERMINALS * WARMUP * BATCH;
  const bytesBefore = await bytesOf(eventTables);
  const latencies: number[] = [];

  // pgbench and the push take turns, ROUNDS times each, so that both meet the same machine: on a
  // shared one, load that comes and goes would otherwise favour whichever ran in the quiet.
  const yardstick = await pgbenchDatabase();
  const pgbench = { tx: 0, seconds: 0, dbCpu: 0 };
  const push = { events: 0, seconds: 0, dbCpu: 0, nodeCpu: 0, serverMs: 0 };
  let vacuumMs = 0;
  const serverBusyMs = () => instances.reduce((t, i) => t + i.busyMs(), 0);
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const p = await yardstick.round(TERMINALS, PGBENCH_SECONDS / ROUNDS);
      pgbench.tx += p.tx;
      pgbench.seconds += p.seconds;
      pgbench.dbCpu += p.dbCpu;
      // pgbench vacuums the tables its transactions update before each of its runs (its default),
      // off its clock; this PostgreSQL runs with autovacuum off, so the push's tables get the same.
      const vacuumStarted = performance.now();
      await admin.query(`VACUUM ${VACUUMED_TABLES.map((t) => `${schema}.${t}`).join(', ')}`);
      vacuumMs += performance.now() - vacuumStarted;
      const from = Math.floor((r * BATCHES) / ROUNDS);
      const to = Math.floor(((r + 1) * BATCHES) / ROUNDS);
      const nodeBefore = nodeCpuSeconds();
      const serverBefore = serverBusyMs();
      const started = performance.now();
      const dbCpu = await backendCpu(`application_name = ${literal(schema)}`, async () => {
        await Promise.all(
          terminals.map(async (t, k) => {
            for (const request of bodies[k]!.slice(from, to)) {
              // Tills run elsewhere: on the clock the answers are only counted (the full check follows, off the clock).
              const sent = performance.now();
              const body = (await call('POST', '/api/v1/push', t.token, request, instances[k % instances.length]!.base)) as {
                results?: { status?: unknown }[];
              };
              latencies.push(performance.now() - sent);
              const bad = body.results?.length === BATCH ? body.results.find((x) => x.status !== 'applied') : body;
              if (bad) throw new Error(`push answered ${JSON.stringify(bad).slice(0, 500)}`);
            }
          }),
        );
      });
      const seconds = (performance.now() - started) / 1000;
      const events = (to - from) * TERMINALS * BATCH;
      push.events += events;
      push.seconds += seconds;
      push.dbCpu += dbCpu;
      const nodeCpu = nodeCpuSeconds() - nodeBefore;
      push.nodeCpu += nodeCpu;
      push.serverMs += serverBusyMs() - serverBefore;
      note(
        `round ${r + 1}: pgbench ${Math.round(p.tx / p.seconds)} tps, push ${Math.round(events / seconds)} events/s (${(events / seconds / (p.tx / p.seconds)).toFixed(2)}x); CPU per sale: database ${ms(dbCpu, events)} ms, Node ${ms(nodeCpu, events)} ms`,
      );
    }
  } finally {
    await yardstick.drop();
  }
  const tps = pgbench.tx / pgbench.seconds;
  const pushRate = Math.round(push.events / push.seconds);
  note(`pgbench -b tpcb-like -s ${PGBENCH_SCALE} -c ${TERMINALS} -j 2: ${pgbench.tx} transactions in ${pgbench.seconds.toFixed(1)} s`);
  note(`${push.events} sale events pushed by ${TERMINALS} terminals to ${instances.length} instance(s) in ${push.seconds.toFixed(1)} s`);
  note(`vacuum of ${VACUUMED_TABLES.join(', ')} before each push round: ${Math.round(vacuumMs / ROUNDS)} ms a round, off the clock`);

  // Exactly once, checked outside the clock: each event applied once, a resend is all duplicates, the caches agree with the ledger.
  const resent = PushResponse.parse(await call('POST', '/api/v1/push', terminals[0]!.token, { events: resend }));
  const [counts] = await db.query<{ events: number; receipts: number }>(
    `SELECT (SELECT count(*)::int FROM applied_events WHERE status = 'applied') AS events, (SELECT count(*)::int FROM receipts) AS receipts`,
  );
  const mismatches = await verifyLedger(db);
  const bytesAfterPush = await bytesOf(eventTables);
  if (
    counts?.events !== total + warmedUp ||
    counts.receipts !== total + warmedUp ||
    resent.results.some((r) => r.status !== 'duplicate') ||
    mismatches.length > 0
  ) {
    throw new Error(`exactly-once check failed: ${JSON.stringify({ counts, mismatches: mismatches.slice(0, 5) })}`);
  }
  note('exactly once: every event applied once, a resent batch all duplicates, ledger caches verified');

  // Online, a till pushes each sale as it rings it up: the same terminals, one sale per push.
  const single = terminals.map((t) => Array.from({ length: ONLINE_PUSHES }, () => saleFor(t.storeId)));
  const singleLatencies: number[] = [];
  const singleNodeBefore = nodeCpuSeconds();
  const singleServerBefore = serverBusyMs();
  const singleStarted = performance.now();
  const singleDbCpu = await backendCpu(`application_name = ${literal(schema)}`, async () => {
    await Promise.all(
      terminals.map(async (t, k) => {
        for (const ev of single[k]!) {
          const sent = performance.now();
          const body = (await call('POST', '/api/v1/push', t.token, { events: [ev] }, instances[k % instances.length]!.base)) as {
            results?: { status?: unknown }[];
          };
          singleLatencies.push(performance.now() - sent);
          if (body.results?.[0]?.status !== 'applied') throw new Error(`push answered ${JSON.stringify(body).slice(0, 500)}`);
        }
      }),
    );
  });
  const singleSeconds = (performance.now() - singleStarted) / 1000;
  const singleServerMs = serverBusyMs() - singleServerBefore;
  const singleEvents = TERMINALS * ONLINE_PUSHES;

  // The floor: the same events as rows, 100 per INSERT, same concurrency, no ledger.
  await db.query('CREATE TABLE bench_events (event_id uuid PRIMARY KEY, terminal int NOT NULL, body jsonb NOT NULL)');
  let started = performance.now();
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
  out('server.pgbench.tps', Math.round(tps), 'tx/s');
  out('server.pgbench.db_cpu_per_tx', ms(pgbench.dbCpu, pgbench.tx), 'ms');
  out('server.push.instances', instances.length);
  out('server.push.rate', pushRate, 'events/s');
  out('server.push.vs_pgbench', Number((pushRate / tps).toFixed(3)));
  out('server.push.db_cpu_per_event', ms(push.dbCpu, push.events), 'ms');
  out('server.push.node_cpu_per_event', ms(push.nodeCpu, push.events), 'ms');
  out('server.push.server_busy_per_event', Number((push.serverMs / push.events).toFixed(3)), 'ms');
  out('server.push.request_p50', Math.round(pct(latencies, 0.5)), 'ms');
  out('server.push.request_p99', Math.round(pct(latencies, 0.99)), 'ms');
  out('server.push.db_bytes_per_event', Math.round((bytesAfterPush - bytesBefore) / total), 'B');
  out('server.push1.rate', Math.round(singleEvents / singleSeconds), 'events/s');
  out('server.push1.db_cpu_per_event', ms(singleDbCpu, singleEvents), 'ms');
  out('server.push1.node_cpu_per_event', ms(nodeCpuSeconds() - singleNodeBefore, singleEvents), 'ms');
  out('server.push1.server_busy_per_event', Number((singleServerMs / singleEvents).toFixed(3)), 'ms');
  out('server.push1.request_p50', Number(pct(singleLatencies, 0.5).toFixed(1)), 'ms');
  out('server.push1.request_p99', Number(pct(singleLatencies, 0.99).toFixed(1)), 'ms');
  out('server.insert.rate', insertRate, 'rows/s');
  out('server.push.ratio', Number((pushRate / insertRate).toFixed(3)));

  // A million customers, written directly (card, phone key, balance each), then pulled as a new till would.
  const customerTables = ['customers', 'identifiers', 'balances'];
  const customerBytesBefore = await bytesOf(customerTables);
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
  out('server.db.bytes_per_customer', Math.round(((await bytesOf(customerTables)) - customerBytesBefore) / PULL_CUSTOMERS), 'B');

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
    note(
      `pull limit ${limit}: ${rows} customers in ${pages} pages, ${seconds.toFixed(1)} s; first page said ${firstRemaining} remaining; slowest page ${slowest.toFixed(0)} ms`,
    );
    out(`server.pull.customers.limit${limit}.rate`, Math.round(rows / seconds), 'rows/s');
    out(`server.pull.customers.limit${limit}.slowest_page`, Math.round(slowest), 'ms');
  }
  await Promise.all(instances.map((i) => i.stop()));
  await db.close();
} finally {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
