import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoAnnouncement } from './demoAnnouncement';
import { waitForLine } from './processLines';

/**
 * `npm start`: the demo on one machine. Starts the central server on embedded PGlite with
 * demo data, makes an enrolment code for store 1, and starts the till with it: in Electron
 * when its binary is installed and a display exists, otherwise in browser mode.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const children: ChildProcess[] = [];
const DEMO_MANAGER_PIN = '482913';
const DEMO_CASHIER = { personnelNo: '101', pin: '1357' } as const;

function electronBinary(): string | null {
  try {
    // The electron package exports the binary's path, and throws when the download was skipped.
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' ? path : null;
  } catch {
    return null;
  }
}

/**
 * The demo's fiscal register: the ATOL web server simulator in this process, and a device config
 * naming it, so a demo sale prints a fiscal document. Skipped when IT gives its own device config
 * (LT_DEVICE_CONFIG) or LT_DEMO_FISCAL=0.
 */
async function demoFiscalRegister(): Promise<Record<string, string>> {
  if (process.env.LT_DEVICE_CONFIG || process.env.LT_DEMO_FISCAL === '0') return {};
  const sim = spawn(process.execPath, [resolve(here, 'atol-sim.mjs'), '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(sim);
  const url = (await waitForLine(sim, /listening on (http:\/\/\S+)/, 15_000))[1]!;
  const dir = await mkdtemp(join(tmpdir(), 'lt-demo-devices-'));
  const path = join(dir, 'devices.json');
  await writeFile(path, JSON.stringify({ fiscal: { kind: 'atol-web', url, pollIntervalMs: 100 } }, null, 2));
  console.log(`Demo fiscal register: ATOL simulator at ${url} (state: ${url}/sim/state; paper out: POST ${url}/sim/faults {"paperOut":true}).`);
  return { LT_DEVICE_CONFIG: path };
}

/**
 * The demo chain's SMS provider: the fake one (sync/server/sms/testing), which prints each
 * one-time code on this console. A typed-phone spend and a registration of a known phone ask
 * for one (issue 13).
 */
async function demoSms(serverUrl: string, adminToken: string): Promise<void> {
  const fake = spawn(process.execPath, [resolve(here, 'sms-fake.mjs'), '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(fake);
  const [, url, token] = await waitForLine(fake, /listening on (http:\/\/\S+) \(token (\S+);/, 15_000, (line) => {
    if (line.startsWith('SMS')) console.log(line);
  });
  const res = await fetch(`${serverUrl}/api/v1/admin/chains/1/sms-gateway`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'http', url, token, sender: 'Romashka' }),
  }).catch(() => null);
  if (res?.ok) console.log('Demo SMS: one-time codes are printed on this console by a fake SMS provider.');
}

// The server's node flags (sync/server/nodeFlags.ts says why; scripts import only scripts).
const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

function shutdown(code: number): never {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  process.exit(code);
}

async function main(): Promise<void> {
  const serverPort = process.env.LT_SERVER_PORT ?? '8787';
  const adminToken = randomBytes(24).toString('base64url');
  const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, resolve(here, 'server.mjs')], {
    cwd: root,
    env: { ...process.env, LT_DEMO: '1', LT_ADMIN_TOKEN: adminToken, PORT: serverPort, LT_LOG: process.env.LT_LOG ?? '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(server);
  server.on('exit', (code) => {
    console.error(`Server stopped (exit ${code}).`);
    shutdown(code ?? 1);
  });
  console.log('Starting the central server (first run creates the demo data)...');
  const listening = await waitForLine(server, /listening on (http:\/\/\S+)/, 120_000, (line) => console.log(`[server] ${line}`));
  const serverUrl = listening[1]!;

  const codeRes = await fetch(`${serverUrl}/api/v1/admin/enrolment-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ storeId: 1 }),
  });
  if (!codeRes.ok) throw new Error(`could not create an enrolment code: ${codeRes.status}`);
  const { code } = (await codeRes.json()) as { code: string };
  const tillEnv = {
    // The demo keeps the till's data beside the server's in the checkout (an installed till uses its per-OS default).
    LT_TILL_DATA_DIR: resolve(root, 'data/till'),
    ...process.env,
    LT_SERVER_URL: serverUrl,
    LT_ENROL_CODE: code,
    ...(await demoFiscalRegister()),
  };
  // A demo store manager, so the manager screen (F11) can be tried; an existing one is kept.
  const manager = await fetch(`${serverUrl}/api/v1/admin/stores/1/managers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Демо-менеджер', pin: DEMO_MANAGER_PIN }),
  }).catch(() => null);
  // A demo cashier, so a shift starts with a sign-in (personnel number, then PIN); kept if present.
  const cashier = await fetch(`${serverUrl}/api/v1/admin/stores/1/cashiers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ personnelNo: DEMO_CASHIER.personnelNo, name: 'Анна Смирнова', pin: DEMO_CASHIER.pin }),
  }).catch(() => null);
  await demoSms(serverUrl, adminToken);
  console.log(
    await demoAnnouncement({
      adminToken,
      tokenDir: resolve(root, 'data'),
      serverUrl,
      managerPin: DEMO_MANAGER_PIN,
      managerNew: Boolean(manager?.ok),
      cashier: DEMO_CASHIER,
      cashierNew: Boolean(cashier?.ok),
    }),
  );

  const electron = electronBinary();
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (electron && hasDisplay) {
    console.log('Starting the till in Electron.');
    const child = spawn(electron, [root], { cwd: root, env: tillEnv, stdio: 'inherit' });
    children.push(child);
    child.on('exit', (c) => shutdown(c ?? 0));
    return;
  }
  console.log(
    electron
      ? 'No display found: serving the till to a browser instead of opening an Electron window.'
      : 'The Electron binary is not installed (npm run electron:fetch installs it): serving the till to a browser instead.',
  );
  const host = spawn(process.execPath, [resolve(here, 'host.mjs')], { cwd: root, env: tillEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(host);
  host.on('exit', (c) => shutdown(c ?? 1));
  await waitForLine(host, /Open: (http:\/\/\S+)/, 30_000, (line) => console.log(`[till] ${line}`));
}

process.once('SIGINT', () => shutdown(0));
process.once('SIGTERM', () => shutdown(0));
main().catch((err: unknown) => {
  console.error('npm start failed:', err instanceof Error ? err.message : err);
  shutdown(1);
});
