/**
 * Scale-out benchmark, on PostgreSQL (DATABASE_URL), each configuration in a fresh schema dropped
 * at the end: SCALE_INSTANCES server processes (`node` on the server bundle, as `npm run build`
 * makes it) behind haproxy over one PostgreSQL, and SCALE_TILLS simulated tills, enrolled
 * through the real API, each on its own keep-alive connection to haproxy. Every till pushes
 * SCALE_BATCHES batches of SCALE_BATCH sales (9 in 10 with a loyalty customer, a third of those
 * spending bonuses) and after each push pulls the customer changes since its cursor (one page of
 * SCALE_PULL_LIMIT), as the till's sync loops do; one push in SCALE_RESEND_EVERY is sent again
 * at once, as after a lost answer, and must be answered all duplicate. Events a push answers
 * retryable go again with the till's next push. Then the exactly-once check of the concurrency
 * test: every event answered once, applied once, the ledger as the answers say, balances equal
 * a recomputation from the ledger.
 *
 * Prints one `name: value unit` per line and a table: tills, instances, events/s, push latency
 * p50/p99, pulls/s, errors (requests that failed: HTTP errors or broken connections), exactly
 * once. Run: DATABASE_URL=... npm run bench:scaleout
 * Settings: SCALE_TILLS (1000), SCALE_INSTANCES (2; a list such as "1,2" runs each in turn),
 * SCALE_BATCHES (2), SCALE_BATCH (5), SCALE_PULL_LIMIT (500), SCALE_RESEND_EVERY (20),
 * SCALE_CUSTOMERS (10000), SCALE_PER_SERVER (16 requests at a time per instance),
 * SCALE_DB_POOL (10 per instance), BENCH_SERVER_BUNDLE (a built server.mjs to run instead of
 * bundling one), BENCH_HAPROXY (/usr/sbin/haproxy).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TillEvent } from '../sync/protocol/events';
import { EnrolResponse } from '../sync/protocol/schemas';
import { openDatabase } from '../sync/server/db/database';
import { migrate } from '../sync/server/db/migrations';
import { seedDemo } from '../sync/server/demoSeed';
import { out, pct } from './report';
import { BENCH_KEY_COST, benchSales } from './server/sales';
import { checkSalesExactlyOnce, type ExactlyOnceReport } from './server/exactlyOnce';
import { serverCommand, startHaproxy, startServer } from './server/processes';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench/scaleout.ts needs DATABASE_URL (a PostgreSQL database it may create schemas in).');
  process.exit(2);
}
const TILLS = Number(process.env.SCALE_TILLS ?? 1_000);
const INSTANCES = (process.env.SCALE_INSTANCES ?? '2').split(',').map(Number);
const BATCHES = Number(process.env.SCALE_BATCHES ?? 2);
const BATCH = Number(process.env.SCALE_BATCH ?? 5);
const PULL_LIMIT = Number(process.env.SCALE_PULL_LIMIT ?? 500);
const RESEND_EVERY = Number(process.env.SCALE_RESEND_EVERY ?? 20);
const CUSTOMERS = Number(process.env.SCALE_CUSTOMERS ?? 10_000);
const PER_SERVER = Number(process.env.SCALE_PER_SERVER ?? 16);
const DB_POOL = Number(process.env.SCALE_DB_POOL ?? 10);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const note = (text: string) => console.error(`# ${text}`);

interface Row {
  tills: number;
  instances: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  pushP50: number;
  pushP99: number;
  pullP50: number;
  pullP99: number;
  pulls: number;
  pullsPerSecond: number;
  pulledRows: number;
  errors: number;
  retried: number;
  rejected: number;
  duplicatesOk: boolean;
  enrolSeconds: number;
  byInstance: number[];
  check: ExactlyOnceReport;
}

/** Keep-alive HTTP to one address, a connection per till at most. */
function client(port: number, connections: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  return {
    agent,
    request(method: string, path: string, token: string | null, body?: string): Promise<{ status: number; text: string }> {
      return new Promise((resolve, reject) => {
        const headers: Record<string, string> = {};
        if (token) headers.authorization = `Bearer ${token}`;
        if (body !== undefined) {
          headers['content-type'] = 'application/json';
          headers['content-length'] = String(Buffer.byteLength(body));
        }
        const req = http.request({ agent, host: '127.0.0.1', port, method, path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}

/** Run `fn` over `items`, `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runConfiguration(instances: number, command: readonly string[]): Promise<Row> {
  const schema = `scale_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const sep = url!.includes('?') ? '&' : '?';
  const schemaUrl = `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}&application_name=${schema}`;
  const dir = mkdtempSync(join(tmpdir(), 'lt-scaleout-'));
  const adminToken = randomBytes(24).toString('base64url');
  const stops: (() => Promise<void>)[] = [];
  try {
    const db = await openDatabase({ url: schemaUrl, poolSize: 4 });
    stops.push(() => db.close());
    await migrate(db);
    await seedDemo(db, CUSTOMERS, BENCH_KEY_COST);

    const servers = await Promise.all(
      Array.from({ length: instances }, () =>
        startServer(command, {
          DATABASE_URL: schemaUrl,
          LT_ADMIN_TOKEN: adminToken,
          HOST: '127.0.0.1',
          LT_DB_POOL: String(DB_POOL),
          // Request logs off: on two shared cores they would be measured instead of the server.
          LT_LOG: '0',
          LT_JOBS_INTERVAL_SECONDS: '0',
          LT_RATE_BURST: '1000000',
          LT_RATE_PER_SECOND: '1000000',
          LT_TRUST_PROXY: '127.0.0.1',
        }),
      ),
    );
    stops.unshift(...servers.map((s) => s.stop));
    const lb = await startHaproxy(
      dir,
      servers.map((s) => s.base),
      PER_SERVER,
    );
    stops.unshift(lb.stop);
    const http1 = client(lb.port, TILLS);
    stops.push(async () => http1.agent.destroy());
    note(`${instances} instance(s) behind haproxy on 127.0.0.1:${lb.port}; ${CUSTOMERS} customers`);

    // Enrolment through the API: a code from the head office, then the till's request with it.
    const enrolStarted = performance.now();
    const tills: EnrolResponse[] = new Array<EnrolResponse>(TILLS);
    await inParallel(
      Array.from({ length: TILLS }, (_, k) => k),
      50,
      async (k) => {
        const made = await http1.request('POST', '/api/v1/admin/enrolment-codes', adminToken, JSON.stringify({ storeId: 1 + (k % 2) }));
        if (made.status !== 200) throw new Error(`enrolment code: ${made.status} ${made.text.slice(0, 300)}`);
        const { code } = JSON.parse(made.text) as { code: string };
        const enrolled = await http1.request('POST', '/api/v1/enrol', null, JSON.stringify({ code, deviceName: `till ${k}` }));
        if (enrolled.status !== 200) throw new Error(`enrol: ${enrolled.status} ${enrolled.text.slice(0, 300)}`);
        tills[k] = EnrolResponse.parse(JSON.parse(enrolled.text));
      },
    );
    const enrolSeconds = (performance.now() - enrolStarted) / 1000;
    note(`${TILLS} tills enrolled in ${enrolSeconds.toFixed(1)} s`);

    // The tills hold the customers as of now (bootstrapped before), and pull what changes.
    const [{ seq } = { seq: '0' }] = await db.query<{ seq: string }>(`SELECT COALESCE(max(change_seq), 0)::text AS seq FROM customers`);

    // Sales made before the clock starts, as tills ring them up.
    const saleFor = benchSales(7, CUSTOMERS, 1_000);
    const plans = tills.map((t) => Array.from({ length: BATCHES * BATCH }, () => saleFor(t.storeId)));
    const total = TILLS * BATCHES * BATCH;

    const pushLatencies: number[] = [];
    const pullLatencies: number[] = [];
    let pulls = 0;
    let pulledRows = 0;
    let errors = 0;
    let retried = 0;
    let duplicatesOk = true;
    /** Each event's outcome as the answers settled it: applied, or rejected for good. */
    const outcomes = new Map<string, string>();
    type Answer = { results: { eventId: string; status: string; retryable?: boolean; original?: { status: string } }[] };
    /** Record what an answer settled; returns the events it answered retryable, to send again. */
    const settle = (sent: readonly TillEvent[], answer: Answer): TillEvent[] => {
      const again: TillEvent[] = [];
      for (const [i, r] of answer.results.entries()) {
        if (r.status === 'rejected' && r.retryable) {
          retried++;
          again.push(sent[i]!);
        } else if (!outcomes.has(r.eventId)) outcomes.set(r.eventId, r.status === 'duplicate' ? (r.original?.status ?? 'duplicate') : r.status);
      }
      return again;
    };

    /** A request until it gets an answer: a failed one counts as an error and goes again. */
    const until = async (method: string, path: string, token: string, body?: string): Promise<string> => {
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await http1.request(method, path, token, body);
          if (res.status === 200) return res.text;
          errors++;
          if (attempt > 20) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
        } catch (err) {
          errors++;
          if (attempt > 20) throw err;
        }
        await sleep(100 + Math.random() * 400);
      }
    };

    const started = performance.now();
    await Promise.all(
      tills.map(async (t, k) => {
        // Tills do not start in step.
        await sleep(Math.random() * 500);
        let cursor = seq;
        let outbox: TillEvent[] = [];
        const plan = plans[k]!;
        for (let b = 0; b < BATCHES || outbox.length > 0; b++) {
          if (b >= BATCHES + 30) throw new Error(`till ${k}: events still retryable after 30 extra pushes`);
          outbox = [...outbox, ...plan.slice(b * BATCH, (b + 1) * BATCH)];
          const body = JSON.stringify({ events: outbox });
          const sent = performance.now();
          const answer = JSON.parse(await until('POST', '/api/v1/push', t.token, body)) as Answer;
          pushLatencies.push(performance.now() - sent);
          const settledBefore = new Set(outbox.filter((e) => outcomes.has(e.eventId)).map((e) => e.eventId));
          let again = settle(outbox, answer);
          // A lost answer: the till sends the same push again; all of it that was settled is a duplicate now.
          if ((k * BATCHES + b) % RESEND_EVERY === 0) {
            const settled = new Set(outbox.filter((e) => outcomes.has(e.eventId) && !settledBefore.has(e.eventId)).map((e) => e.eventId));
            const resent = JSON.parse(await until('POST', '/api/v1/push', t.token, body)) as Answer;
            if (resent.results.some((r) => settled.has(r.eventId) && r.status !== 'duplicate')) duplicatesOk = false;
            again = settle(outbox, resent);
          }
          outbox = again;
          const asked = performance.now();
          const page = JSON.parse(await until('GET', `/api/v1/pull/customers?cursor=${cursor}&limit=${PULL_LIMIT}`, t.token)) as {
            cursor: string;
            items: unknown[];
          };
          pullLatencies.push(performance.now() - asked);
          pulls++;
          pulledRows += page.items.length;
          cursor = page.cursor;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const byServer = await lb.requestsByServer();
    const applied = [...outcomes.values()].filter((o) => o === 'applied').length;
    const check = await checkSalesExactlyOnce(db, total, applied);
    if (!check.ok) note(`exactly-once check failed: ${check.problems.join('; ')}`);
    return {
      tills: TILLS,
      instances,
      events: total,
      seconds,
      eventsPerSecond: Math.round(total / seconds),
      pushP50: Math.round(pct(pushLatencies, 0.5)),
      pushP99: Math.round(pct(pushLatencies, 0.99)),
      pullP50: Math.round(pct(pullLatencies, 0.5)),
      pullP99: Math.round(pct(pullLatencies, 0.99)),
      pulls,
      pullsPerSecond: Math.round(pulls / seconds),
      pulledRows,
      errors,
      retried,
      rejected: outcomes.size - applied,
      duplicatesOk,
      enrolSeconds,
      byInstance: [...byServer.values()],
      check,
    };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

const command = await serverCommand(root);
const rows: Row[] = [];
for (const n of INSTANCES) {
  const r = await runConfiguration(n, command);
  rows.push(r);
  const p = `scaleout.i${n}`;
  note(
    `${n} instance(s): ${r.events} sales from ${r.tills} tills in ${r.seconds.toFixed(1)} s; requests per instance ${r.byInstance.join(' / ')}; ` +
      `${r.retried} answers retryable (sent again), ${r.rejected} rejected for good; ${r.pulledRows} customer rows pulled; enrolment ${r.enrolSeconds.toFixed(1)} s`,
  );
  out(`${p}.tills`, r.tills);
  out(`${p}.events_per_second`, r.eventsPerSecond, 'events/s');
  out(`${p}.push_p50`, r.pushP50, 'ms');
  out(`${p}.push_p99`, r.pushP99, 'ms');
  out(`${p}.pulls_per_second`, r.pullsPerSecond, 'pulls/s');
  out(`${p}.pull_p50`, r.pullP50, 'ms');
  out(`${p}.pull_p99`, r.pullP99, 'ms');
  out(`${p}.errors`, r.errors);
  out(`${p}.exactly_once`, r.check.ok && r.duplicatesOk ? 'ok' : 'FAILED');
}

const header = ['tills', 'instances', 'events/s', 'push p50 ms', 'push p99 ms', 'pulls/s', 'errors', 'exactly once'];
const table = rows.map((r) => [
  String(r.tills),
  String(r.instances),
  String(r.eventsPerSecond),
  String(r.pushP50),
  String(r.pushP99),
  String(r.pullsPerSecond),
  String(r.errors),
  r.check.ok && r.duplicatesOk ? 'OK' : 'FAILED',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
const print = (cells: string[]) => console.log(`| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`);
print(header);
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const t of table) print(t);
if (rows.some((r) => !r.check.ok || !r.duplicatesOk)) process.exit(1);
