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

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers = securityHeaders(port);
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
  const url = `http://127.0.0.1:${port}/`;
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
