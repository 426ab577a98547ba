import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { DeviceEvent } from '../../core/scan';
import { startBrowserHost, type BrowserHost } from './browserHost';
import { fileCredentialStore } from './credentialStore';
import { createHostLog } from './hostLog';
import { createHostServices } from './hostServices';

const TOKEN = 'session-token-for-tests-0123456789';
let host: BrowserHost;
const log = createHostLog();
const listeners = new Set<(e: DeviceEvent) => void>();

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lt-bh-'));
  const renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<html>till</html>');
  await writeFile(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'do not serve');
  const services = createHostServices({
    mode: 'browser',
    credentials: fileCredentialStore(join(dir, 'cred.json')),
    devices: { list: () => [], on: (l) => (listeners.add(l), () => listeners.delete(l)) },
  });
  host = await startBrowserHost({ services, rendererDir: renderer, port: 0, sessionToken: TOKEN, log });
});
afterAll(async () => {
  await host.close();
});

const rpc = (body: unknown, token?: string) =>
  fetch(new URL('/host/rpc', host.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-till-session': token } : {}) },
    body: JSON.stringify(body),
  });

describe('browser host', () => {
  it('prints an address that carries the session in the fragment only', () => {
    expect(host.openUrl).toBe(`${host.url}#session=${TOKEN}`);
  });

  it('serves the renderer with a strict content security policy', async () => {
    const res = await fetch(new URL('/assets/app.js', host.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    // WebAssembly for the page's Argon2id keys (a wedge reader's bank card), never JS eval.
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(await (await fetch(new URL('/any/route', host.url))).text()).toBe('<html>till</html>');
  });

  it('never serves files outside the renderer folder', async () => {
    // Raw requests: fetch would normalise the dots away before they reach the host.
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%00']) {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: new URL(host.url).port, path, method: 'GET' }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body, path).not.toContain('do not serve');
    }
  });

  it('answers host requests only with the session token', async () => {
    expect((await rpc({ op: 'status' })).status).toBe(401);
    expect((await rpc({ op: 'status' }, 'wrong-session-token-given')).status).toBe(401);
    // IT sees that something knocked; the log never shows the token it tried.
    expect(log.lines().at(-1)).toMatchObject({ level: 'warn', message: 'browser host: refused a host request without the session token', repeats: 2 });
    expect(log.text()).not.toContain('wrong-session-token-given');
    const ok = await rpc({ op: 'status' }, TOKEN);
    expect(await ok.json()).toMatchObject({ ok: true, value: { mode: 'browser', enrolled: false } });
    const junk = await fetch(new URL('/host/rpc', host.url), { method: 'POST', headers: { 'x-till-session': TOKEN }, body: '{oops' });
    expect(await junk.json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('streams device events over a WebSocket that needs the token', async () => {
    const refused = new WebSocket(`${host.url.replace('http', 'ws')}host/events?session=wrong`);
    await new Promise<void>((resolve) => refused.on('error', () => resolve()));
    const ws = new WebSocket(`${host.url.replace('http', 'ws')}host/events?session=${TOKEN}`);
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    const got = new Promise<unknown>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))));
    const scan: DeviceEvent = { kind: 'scan', deviceId: 'serial:/dev/ttyUSB0', source: 'serial', symbology: 'EAN13', text: '2700000000014', at: 1 };
    listeners.forEach((l) => l(scan));
    expect(await got).toEqual(scan);
    ws.close();
  });
});

/** A raw request, so the test can set Host and Origin as a rebound or foreign page would. */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: new URL(host.url).port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('DNS rebinding and foreign pages', () => {
  const port = () => new URL(host.url).port;
  const status = JSON.stringify({ op: 'status' });

  it('refuses a request whose Host is not the till own address, with a clear error', async () => {
    for (const name of [`evil.example:${port()}`, 'evil.example', `127.0.0.1:1`, `127.0.0.1.nip.io:${port()}`]) {
      const res = await raw('/host/rpc', { host: name, 'x-till-session': TOKEN, 'content-type': 'application/json' }, 'POST', status);
      expect(res.status, name).toBe(403);
      expect(JSON.parse(res.text)).toMatchObject({ ok: false, error: { code: 'bad_host' } });
      expect(JSON.parse(res.text).error.message).toContain(host.url);
      // The page itself is not served to a rebound name either.
      expect((await raw('/', { host: name })).status, name).toBe(403);
    }
    expect(log.text()).toContain('bad_host');
  });

  it('refuses a request from another site page (Origin), even with the token', async () => {
    const res = await raw('/host/rpc', { host: `127.0.0.1:${port()}`, origin: 'http://evil.example', 'x-till-session': TOKEN }, 'POST', status);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ ok: false, error: { code: 'bad_origin' } });
  });

  it('answers the till own page under 127.0.0.1 and localhost', async () => {
    for (const name of [`127.0.0.1:${port()}`, `localhost:${port()}`, `LOCALHOST:${port()}`]) {
      const res = await raw('/host/rpc', { host: name, origin: `http://${name}`, 'x-till-session': TOKEN }, 'POST', status);
      expect(res.status, name).toBe(200);
    }
  });

  it('refuses an event stream opened by a foreign or rebound page', async () => {
    const wsUrl = `${host.url.replace('http', 'ws')}host/events?session=${TOKEN}`;
    const refusedStatus = (opts: WebSocket.ClientOptions) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl, opts);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('error', () => undefined);
      });
    expect(await refusedStatus({ origin: 'http://evil.example' })).toBe(403);
    expect(await refusedStatus({ headers: { host: `evil.example:${port()}` } })).toBe(403);
    expect(await refusedStatus({ origin: `http://127.0.0.1:${port()}` })).toBe(101);
  });
});

describe('the browser address across host restarts', () => {
  it('keeps the session token in the data folder (private), so the address and an open page stay valid', async () => {
    const { persistentSessionToken } = await import('./browserHost');
    const { mkdtempSync, readFileSync, statSync, writeFileSync } = await import('node:fs');
    const dataDir = join(mkdtempSync(join(tmpdir(), 'lt-token-')), 'till');
    const first = persistentSessionToken(dataDir);
    expect(persistentSessionToken(dataDir)).toBe(first);
    expect(statSync(join(dataDir, 'browser-session.token')).mode & 0o777).toBe(0o600);
    const services = createHostServices({ mode: 'browser', credentials: fileCredentialStore(join(dataDir, 'cred.json')) });
    const renderer = join(dataDir, 'renderer');
    const a = await startBrowserHost({ services, rendererDir: renderer, port: 0, sessionToken: persistentSessionToken(dataDir) });
    const port = new URL(a.url).port;
    await a.close();
    // The host restarts on the same port: the same address, and the page's token is still accepted.
    const b = await startBrowserHost({ services, rendererDir: renderer, port: Number(port), sessionToken: persistentSessionToken(dataDir) });
    expect(b.openUrl).toBe(a.openUrl);
    const res = await fetch(new URL('/host/rpc', b.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-till-session': first },
      body: '{"op":"status"}',
    });
    expect(res.status).toBe(200);
    await b.close();
    // A damaged file gets a fresh token rather than a weak one.
    writeFileSync(join(dataDir, 'browser-session.token'), 'short');
    const fresh = persistentSessionToken(dataDir);
    expect(fresh).not.toBe(first);
    expect(readFileSync(join(dataDir, 'browser-session.token'), 'utf8').trim()).toBe(fresh);
  });
});
