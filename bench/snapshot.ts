/**
 * Server CPU per till bootstrap: `--tills` tills bootstrap at once, first by today's paged
 * pull (every customer out of SQL, page by page), then from the chain's snapshot (one static
 * file by Range, then the changes after its cursor), against the same server in the same run.
 * The server runs as its own process (embedded PGlite, so the database's work is inside it);
 * its CPU is read from /proc before and after each phase. The tills only drain bytes.
 * Run: npx tsx bench/snapshot.ts [--customers 100000] [--tills 20]
 * Prints `name: value unit` lines.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomerPage } from '../sync/protocol/schemas';
import { SnapshotOffer } from '../sync/protocol/snapshot';
import { out } from './report';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
const N = arg('customers', 100_000);
const TILLS = arg('tills', 20);
const PORT = 20_000 + Math.floor(Math.random() * 20_000);
const ADMIN = 'bench-admin-token-0123456789abcdef';
const base = `http://127.0.0.1:${PORT}`;

/** utime + stime of a process, seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const dataDir = mkdtempSync(join(tmpdir(), 'lt-snapshot-bench-'));
const server = spawn(process.execPath, ['--import', 'tsx', 'sync/server/cli.ts', 'serve'], {
  env: {
    ...process.env,
    DATABASE_URL: '',
    LT_DATA_DIR: join(dataDir, 'db'),
    LT_SNAPSHOT_DIR: join(dataDir, 'snapshots'),
    LT_DEMO: '1',
    LT_DEMO_CUSTOMERS: String(N),
    LT_ADMIN_TOKEN: ADMIN,
    LT_LOG: '0',
    LT_JOBS_INTERVAL_SECONDS: '0',
    LT_RATE_BURST: '1000000',
    LT_RATE_PER_SECOND: '1000000',
    PORT: String(PORT),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((ready, fail) => {
  server.stdout!.on('data', (d: Buffer) => {
    if (d.toString().includes('listening on')) ready();
  });
  server.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
});

async function json(path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`${base}${path}`, init);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function enrol(i: number): Promise<Record<string, string>> {
  const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  const { code } = (await json('/api/v1/admin/enrolment-codes', { method: 'POST', headers: admin, body: JSON.stringify({ storeId: 1 }) })) as { code: string };
  const { token } = (await json('/api/v1/enrol', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deviceName: `Bench till ${i}` }),
  })) as {
    token: string;
  };
  return { authorization: `Bearer ${token}` };
}

/** Today's bootstrap: every customer page by page. */
async function pagedBootstrap(auth: Record<string, string>, from = '0'): Promise<number> {
  let cursor = from;
  let n = 0;
  for (;;) {
    const page = CustomerPage.parse(await json(`/api/v1/pull/customers?cursor=${cursor}&limit=5000`, { headers: auth }));
    n += page.items.length;
    cursor = page.cursor;
    if (!page.hasMore) return n;
  }
}

/** The snapshot bootstrap: the offer, the file in 4 MB ranges, then the changes after it. */
async function snapshotBootstrap(auth: Record<string, string>): Promise<number> {
  const { snapshot } = SnapshotOffer.parse(await json('/api/v1/pull/snapshot', { headers: auth }));
  if (!snapshot) throw new Error('no snapshot offered');
  for (let at = 0; at < snapshot.bytes; at += 4 << 20) {
    const res = await fetch(`${base}${snapshot.path}`, { headers: { ...auth, range: `bytes=${at}-${Math.min(snapshot.bytes, at + (4 << 20)) - 1}` } });
    if (res.status !== 206) throw new Error(`range answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  return snapshot.customers + (await pagedBootstrap(auth, snapshot.cursor));
}

async function phase(
  tills: Record<string, string>[],
  run: (auth: Record<string, string>) => Promise<number>,
): Promise<{ cpu: number; wall: number; customers: number }> {
  const cpu0 = cpuSeconds(server.pid!);
  const t = performance.now();
  const counts = await Promise.all(tills.map(run));
  return { cpu: cpuSeconds(server.pid!) - cpu0, wall: (performance.now() - t) / 1000, customers: counts[0]! };
}

try {
  const tills = await Promise.all(Array.from({ length: TILLS }, (_, i) => enrol(i)));
  out('customers', N);
  out('tills', TILLS, 'concurrent bootstraps');

  // Once per chain and epoch: the first offer starts the build; wait for it.
  const cpu0 = cpuSeconds(server.pid!);
  const t0 = performance.now();
  while (!SnapshotOffer.parse(await json('/api/v1/pull/snapshot', { headers: tills[0]! })).snapshot) await new Promise((r) => setTimeout(r, 200));
  out('server.snapshot.build.cpu', (cpuSeconds(server.pid!) - cpu0).toFixed(2), 's (once per chain and epoch)');
  out('server.snapshot.build.wall', ((performance.now() - t0) / 1000).toFixed(1), 's');

  // Warm both paths once (JIT, PGlite caches, the local copy of the file).
  await pagedBootstrap(tills[0]!);
  await snapshotBootstrap(tills[0]!);

  const paged = await phase(tills, (a) => pagedBootstrap(a));
  const snap = await phase(tills, (a) => snapshotBootstrap(a));
  if (paged.customers !== snap.customers) throw new Error(`paged pull saw ${paged.customers} customers, snapshot ${snap.customers}`);
  out('server.bootstrap.paged.cpu', ((paged.cpu / TILLS) * 1000).toFixed(0), 'ms server CPU per till');
  out('server.bootstrap.paged.wall', paged.wall.toFixed(1), `s for ${TILLS} tills`);
  out('server.bootstrap.snapshot.cpu', ((snap.cpu / TILLS) * 1000).toFixed(0), 'ms server CPU per till');
  out('server.bootstrap.snapshot.wall', snap.wall.toFixed(1), `s for ${TILLS} tills`);
  out('server.bootstrap.cpu_ratio', (paged.cpu / Math.max(snap.cpu, 0.01)).toFixed(1), 'x less server CPU with the snapshot (goal >= 10)');
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
