import { test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForLine } from '../../scripts/processLines';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export interface RunningServer {
  url: string;
  dataDir: string;
  adminToken: string;
  process: ChildProcess;
  stop(): Promise<void>;
  admin<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
}

/** The central server as a real process on embedded PGlite with demo data, in a fresh data folder. */
export async function startServer(
  customers = 10_000,
  /** Start again on a previous run's data, port and admin token (a server coming back). */
  again?: { dataDir: string; url: string; adminToken: string },
): Promise<RunningServer> {
  const dataDir = again?.dataDir ?? (await mkdtemp(join(tmpdir(), 'lt-e2e-server-')));
  const adminToken = again?.adminToken ?? randomBytes(24).toString('base64url');
  const port = again ? new URL(again.url).port : '0';
  const child = spawn(process.execPath, [join(root, 'dist/node/server.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      LT_DEMO: '1',
      LT_DEMO_CUSTOMERS: String(customers),
      LT_DATA_DIR: dataDir,
      LT_ADMIN_TOKEN: adminToken,
      PORT: port,
      LT_LOG: '0',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const m = await waitForLine(child, /listening on (http:\/\/\S+)/, 120_000);
  const url = m[1]!;
  return {
    url,
    dataDir,
    adminToken,
    process: child,
    stop: stopper(child),
    async admin<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
  };
}

export interface RunningHost {
  openUrl: string;
  stop(): Promise<void>;
}

/**
 * The till host (browser mode) as a real process, enrolled with `server` for store 1 by a
 * fresh code — or, with `enrol: false`, left for the setup screen.
 */
export async function startTillHost(server: RunningServer, storeId = 1, options: { enrol?: boolean; env?: Record<string, string> } = {}): Promise<RunningHost> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lt-e2e-till-'));
  const enrolEnv: Record<string, string> = {};
  if (options.enrol !== false) {
    enrolEnv.LT_ENROL_CODE = (await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId })).code;
  }
  return spawnHost({ ...process.env, LT_SERVER_URL: server.url, LT_TILL_DATA_DIR: dataDir, LT_HOST_PORT: '0', ...enrolEnv, ...options.env });
}

/**
 * The till host as IT installs it: settings from its config file and the environment given,
 * nothing else (none of this run's LT_ variables), and no demo fiscal register.
 */
export function startInstalledHost(env: Record<string, string>): Promise<RunningHost> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LT_')));
  return spawnHost({ ...base, LT_DEMO_FISCAL: '0', ...env });
}

/** The host process in browser mode, once it prints the address to open. */
async function spawnHost(env: NodeJS.ProcessEnv): Promise<RunningHost> {
  const child = spawn(process.execPath, [join(root, 'dist/node/host.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const m = await waitForLine(child, /Open: (http:\/\/\S+)/, 30_000);
  return { openUrl: m[1]!, stop: stopper(child) };
}

export interface TillUnderTest {
  server: RunningServer;
  host: RunningHost;
}

/**
 * A spec file's server (with `customers` demo customers) and its enrolled till host, started
 * before the file's tests and stopped after; `prepare` runs in between (say, adding cashiers),
 * `env` is read when the host starts (so an earlier beforeAll can make a device config).
 * The fields are set once beforeAll has run; a test may replace `server` (a restart).
 */
export function tillForFile(
  customers: number,
  options: { prepare?: (server: RunningServer) => Promise<void>; env?: () => Record<string, string> } = {},
): TillUnderTest {
  const till = {} as TillUnderTest;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    till.server = await startServer(customers);
    await options.prepare?.(till.server);
    till.host = await startTillHost(till.server, 1, options.env ? { env: options.env() } : {});
  });
  test.afterAll(async () => {
    await till.host?.stop();
    await till.server?.stop();
  });
  return till;
}
