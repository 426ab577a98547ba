import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import { nodeSerialBackend, type SerialLink } from '../../drivers/serial/serialTransport';
import { waitForLine } from '../../scripts/processLines';
import type { RunningServer } from './processes';
import { hostRpc } from './till';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** A port nobody listens on right now (the host is restarted on it, so the page keeps its origin and IndexedDB). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => done(port));
    });
  });
}

export interface RestartableHost {
  /** The address of the running host (with a fresh session token after each start). */
  openUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** Starts the host again on the same port and data folder (its credential and the page's origin stay). */
  start(): Promise<void>;
  /** Kills the host process (SIGKILL: a crash, not a shutdown). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The till host (browser mode) on a fixed port and data folder, so a test can kill it and
 * start it again the way a till restarts: same credential, same page origin, same IndexedDB.
 * Enrolled with a fresh code for `storeId` unless `enrol` is false.
 */
export async function startRestartableHost(
  server: RunningServer,
  options: { storeId?: number; enrol?: boolean; serverUrl?: string; env?: Record<string, string> } = {},
): Promise<RestartableHost> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lt-e2e-till-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let first = true;
  const end = (signal: NodeJS.Signals) => async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((done) => {
      c.once('exit', () => done());
      c.kill(signal);
    });
  };
  const host: RestartableHost = {
    openUrl: '',
    port,
    dataDir,
    async start() {
      const env: Record<string, string> = {
        LT_SERVER_URL: options.serverUrl ?? server.url,
        LT_TILL_DATA_DIR: dataDir,
        LT_HOST_PORT: String(port),
        ...options.env,
      };
      if (first && options.enrol !== false) {
        env.LT_ENROL_CODE = (await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: options.storeId ?? 1 })).code;
      }
      first = false;
      const c = spawn(process.execPath, [join(root, 'dist/node/host.mjs')], {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child = c;
      const m = await waitForLine(c, /Open: (http:\/\/\S+)/, 30_000);
      host.openUrl = m[1]!;
    },
    kill: end('SIGKILL'),
    stop: end('SIGTERM'),
  };
  await host.start();
  return host;
}

export interface PayLine {
  receiptId: string;
  amountKopecks: number;
}

/**
 * A payment terminal (PROTOCOL.md) whose customer takes their time: every PAY waits until the
 * test answers it, as a terminal waits for the PIN.
 */
export interface HeldTerminal {
  readonly received: string[];
  /** The PAY waiting for an answer (resolves once one arrives). */
  waitForPay(timeoutMs?: number): Promise<PayLine>;
  approve(token: string, last4: string): Promise<void>;
  decline(reason: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHeldTerminal(path: string): Promise<HeldTerminal> {
  const link: SerialLink = await nodeSerialBackend.open({ path, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
  const received: string[] = [];
  let waiting: PayLine | null = null;
  let buffer = '';
  link.onData((chunk) => {
    buffer += Buffer.from(chunk).toString('latin1');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      received.push(line);
      const m = /^PAY (\S+) (\d+)$/.exec(line);
      if (m) waiting = { receiptId: m[1]!, amountKopecks: Number(m[2]) };
      if (/^CANCEL /.test(line)) waiting = null;
    }
  });
  const answer = async (line: (p: PayLine) => string) => {
    const p = waiting;
    if (!p) throw new Error('no payment is waiting for the terminal');
    waiting = null;
    await link.write(`${line(p)}\n`);
  };
  return {
    received,
    async waitForPay(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!waiting) {
        if (Date.now() > deadline) throw new Error(`the till sent no PAY within ${timeoutMs} ms (received: ${received.join(' | ')})`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return waiting;
    },
    approve: (token, last4) => answer((p) => `OK ${p.receiptId} 000123456789 ${token} ${last4}`),
    decline: (reason) => answer((p) => `DECLINED ${p.receiptId} ${reason}`),
    close: () => link.close(),
  };
}

/** An HTTP forwarder between the till host and the server that can be "unplugged": the server stays up for the test's admin calls. */
export interface SwitchableLink {
  url: string;
  down: boolean;
  close(): Promise<void>;
}

export async function startSwitchableLink(targetUrl: string): Promise<SwitchableLink> {
  const target = new URL(targetUrl);
  const link = { url: '', down: false, close: async () => undefined as void };
  const server: Server = createServer((req, res) => {
    if (link.down) {
      req.socket.destroy();
      return;
    }
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => req.socket.destroy());
    req.pipe(out);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  link.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  link.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return link;
}

/** This till's terminal id, as its host reports it. */
export async function terminalIdOf(page: Page): Promise<string> {
  return (await hostRpc<{ value: { terminal: { terminalId: string } } }>(page, { op: 'status' })).value.terminal.terminalId;
}

/** The outbox of this till's database, as stored (pending and refused events). */
export async function outboxOf(page: Page): Promise<{ type: string; status: string; event: Record<string, unknown> }[]> {
  const name = `loyalty-till-${await terminalIdOf(page)}`;
  return page.evaluate(
    (db) =>
      new Promise((done, fail) => {
        const open = indexedDB.open(db);
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('outbox', 'readonly');
          const all = tx.objectStore('outbox').getAll();
          all.onsuccess = () => {
            open.result.close();
            done(all.result as { type: string; status: string; event: Record<string, unknown> }[]);
          };
          all.onerror = () => fail(all.error);
        };
      }),
    name,
  );
}

/**
 * Put an event into this till's outbox as if the till had made it (the till checks what it
 * makes now, so a value the server refuses has to come from outside): the till pushes it and
 * the server's answer decides what happens to it.
 */
export async function queueEvent(page: Page, event: { eventId: string; type: string } & Record<string, unknown>): Promise<void> {
  const name = `loyalty-till-${await terminalIdOf(page)}`;
  await page.evaluate(
    ({ db, event }) =>
      new Promise<void>((done, fail) => {
        const open = indexedDB.open(db);
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('outbox', 'readwrite');
          tx.objectStore('outbox').add({
            eventId: event.eventId,
            type: event.type,
            event,
            status: 'pending',
            createdAt: Date.now(),
            attempts: 0,
            lastError: null,
            rejection: null,
          });
          tx.oncomplete = () => {
            open.result.close();
            done();
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
    { db: name, event },
  );
}

/** Waits until the customers and the catalogue are on the till (a product can be added). */
export async function tillReady(page: Page, customers: string | RegExp = /^База клиентов загружена: [\d\s]+$/): Promise<void> {
  await expect(page.getByText(typeof customers === 'string' ? `База клиентов загружена: ${customers}` : customers)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Добавить' })).toBeEnabled({ timeout: 30_000 });
}
