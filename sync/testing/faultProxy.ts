import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './prng';

/**
 * An HTTP proxy that misbehaves on purpose between a till and the server: it drops the
 * answer after the server has done the work, sends a request twice, delays it, or answers
 * 500 without asking the server. Seeded, so a failing run can be replayed.
 */
export interface FaultRates {
  /** Forward, let the server commit, then cut the connection instead of answering. */
  dropAfterCommit: number;
  /** Forward the same request twice; answer with the second response. */
  duplicate: number;
  /** Hold the request up to maxDelayMs before forwarding. */
  delay: number;
  /** Answer 500 without forwarding. */
  error500: number;
}

export interface FaultProxy {
  url: string;
  stats: Record<keyof FaultRates | 'passed', number>;
  setRates(rates: Partial<FaultRates>): void;
  close(): Promise<void>;
}

/** Small deterministic PRNG (mulberry32) so runs are reproducible from the seed. */

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

interface Forwarded {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (res) => {
        void readAll(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

export async function startFaultProxy(targetUrl: string, rates: Partial<FaultRates> = {}, seed = 1): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const random = seededRandom(seed);
  let current: FaultRates = { dropAfterCommit: 0, duplicate: 0, delay: 0, error500: 0, ...rates };
  const stats = { dropAfterCommit: 0, duplicate: 0, delay: 0, error500: 0, passed: 0 };
  const maxDelayMs = 200;

  const answer = (res: ServerResponse, f: Forwarded) => {
    const headers = { ...f.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    res.writeHead(f.status, { ...headers, 'content-length': String(f.body.length) }).end(f.body);
  };

  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      const roll = random();
      let edge = current.dropAfterCommit;
      if (roll < edge) {
        stats.dropAfterCommit++;
        await forward(target, req, body);
        req.socket.destroy();
        return;
      }
      if (roll < (edge += current.duplicate)) {
        stats.duplicate++;
        await forward(target, req, body);
        answer(res, await forward(target, req, body));
        return;
      }
      if (roll < (edge += current.delay)) {
        stats.delay++;
        await new Promise((r) => setTimeout(r, Math.floor(random() * maxDelayMs)));
        answer(res, await forward(target, req, body));
        return;
      }
      if (roll < (edge += current.error500)) {
        stats.error500++;
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'injected', message: 'fault proxy' }));
        return;
      }
      stats.passed++;
      answer(res, await forward(target, req, body));
    } catch {
      // The server itself is down: behave like a gateway would.
      if (!res.headersSent)
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'bad_gateway', message: 'upstream unreachable' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    setRates: (r) => (current = { ...current, ...r }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
