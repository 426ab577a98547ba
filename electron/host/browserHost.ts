import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { HostLog } from './hostLog';
import type { HostServices } from './hostServices';
import { readStatic } from './staticFiles';

export interface BrowserHostOptions {
  services: HostServices;
  /** Built renderer (dist/renderer). */
  rendererDir: string;
  host?: string;
  port?: number;
  /** The session token: persistentSessionToken(dataDir) for a stable address; random by default. */
  sessionToken?: string;
  /** Where to note refused requests (a wrong session token). */
  log?: HostLog;
}

export interface BrowserHost {
  url: string;
  /** URL to open in the browser: carries the session token in the fragment, which is never sent over HTTP. */
  openUrl: string;
  close(): Promise<void>;
}

const MAX_RPC_BYTES = 1024 * 1024;
const TOKEN = /^[A-Za-z0-9_-]{32,128}$/;

/**
 * The browser host's session token, kept in the till's data folder (0600) so the till's
 * address stays the same across host restarts: a kiosk browser is pointed at it once, and an
 * open page goes on working when the host comes back. Delete the file to change the address.
 */
export function persistentSessionToken(dataDir: string): string {
  const path = join(dataDir, 'browser-session.token');
  try {
    const saved = readFileSync(path, 'utf8').trim();
    if (TOKEN.test(saved)) return saved;
  } catch {
    // None yet: make one below.
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      // WebAssembly (no JS eval): the page makes Argon2id lookup keys itself for a bank card read
      // by a keyboard-wedge reader and for a phone while the host restarts (hash-wasm).
      "script-src 'self' 'wasm-unsafe-eval'",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "img-src 'self' data: blob:",
      "media-src 'self' blob: mediastream:",
      "style-src 'self' 'unsafe-inline'",
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * The names this host answers to: its loopback address and port, as the printed address and the
 * CSP name them. Anything else in `Host` is a page that had its own name pointed at 127.0.0.1
 * (DNS rebinding) or a request meant for another server; an `Origin` other than these is another
 * site's page. Both are refused before anything else is read (issue 13).
 */
export function ownOrigins(port: number, bindHost = '127.0.0.1'): { hosts: Set<string>; origins: Set<string> } {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (bindHost !== '0.0.0.0' && bindHost !== '::') names.add(bindHost.includes(':') ? `[${bindHost}]` : bindHost);
  const hosts = new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
  return { hosts, origins: new Set([...hosts].map((h) => `http://${h}`)) };
}

type Refusal = { code: 'bad_host' | 'bad_origin'; message: string };

function checkHostAndOrigin(req: IncomingMessage, own: { hosts: Set<string>; origins: Set<string> }, url: string): Refusal | null {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!own.hosts.has(host)) {
    return { code: 'bad_host', message: `This is the till's own service; it answers only at ${url} (the request named host "${host.slice(0, 100)}").` };
  }
  // Browsers send Origin on every WebSocket and cross-origin request; same-origin navigations and
  // programs on this machine may leave it out (the session token still guards them).
  const origin = req.headers.origin;
  if (origin !== undefined && !own.origins.has(origin.toLowerCase())) {
    return {
      code: 'bad_origin',
      message: `Refused a request from the page at ${origin.slice(0, 100)}: only the till's own page (${url}) may use this service.`,
    };
  }
  return null;
}

function sameToken(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_RPC_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The till in a plain browser: serves the renderer, answers the same host requests the
 * Electron preload carries (POST /host/rpc) and streams device events over a WebSocket.
 * Both need the per-session token, so other local programs cannot drive the till.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.sessionToken ?? randomBytes(24).toString('base64url');
  const { services, rendererDir } = options;
  let port = 0;
  let own = ownOrigins(0);
  let ownUrl = '';

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers = securityHeaders(port);
      const refusal = checkHostAndOrigin(req, own, ownUrl);
      if (refusal) {
        options.log?.warn(`browser host: refused a request (${refusal.code}): ${refusal.message}`);
        res.writeHead(403, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: refusal }));
        return;
      }
      if (url.pathname === '/host/rpc') {
        if (req.method !== 'POST') {
          res
            .writeHead(405, { ...headers, 'content-type': 'application/json' })
            .end(JSON.stringify({ ok: false, error: { code: 'method_not_allowed', message: 'Use POST' } }));
          return;
        }
        if (!sameToken(req.headers['x-till-session'] as string | undefined, token)) {
          options.log?.warn('browser host: refused a host request without the session token');
          res
            .writeHead(401, { ...headers, 'content-type': 'application/json' })
            .end(JSON.stringify({ ok: false, error: { code: 'bad_session', message: 'Open the till from the address the host printed.' } }));
          return;
        }
        const text = await readBody(req);
        let payload: unknown = null;
        try {
          payload = text === null ? null : JSON.parse(text);
        } catch {
          payload = null;
        }
        const answer = await services.handle(payload);
        res.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(answer));
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, headers).end();
        return;
      }
      const file = await readStatic(rendererDir, url.pathname);
      if (!file) {
        res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': file.contentType }).end(req.method === 'HEAD' ? undefined : file.body);
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Host error');
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const refusal = checkHostAndOrigin(req, own, ownUrl);
    if (refusal) {
      options.log?.warn(`browser host: refused an event stream (${refusal.code}): ${refusal.message}`);
      socket.write(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ ok: false, error: refusal })}`);
      socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/host/events' || !sameToken(url.searchParams.get('session'), token)) {
      options.log?.warn('browser host: refused an event stream without the session token');
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = services.onDeviceEvent((event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      });
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
      // The renderer only listens; anything it sends is ignored.
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  own = ownOrigins(port, options.host ?? '127.0.0.1');
  const url = `http://127.0.0.1:${port}/`;
  ownUrl = url;
  return {
    url,
    openUrl: `${url}#session=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        wss.clients.forEach((c) => c.terminate());
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
