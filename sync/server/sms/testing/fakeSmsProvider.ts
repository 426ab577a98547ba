import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { maskPhone } from '../../../../core/phone';
import type { SmsGateway, SmsMessage } from '../smsGateway';

/** An in-memory gateway for unit tests: keeps what was sent; `failWith` makes the next sends fail. */
export class FakeSmsGateway implements SmsGateway {
  readonly sent: SmsMessage[] = [];
  failWith: Error | null = null;

  async send(message: SmsMessage): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
  }

  /** The six digits of the last message to `to`. */
  lastCode(to?: string): string | null {
    const m = [...this.sent].reverse().find((x) => to === undefined || x.to === to);
    return m?.text.match(/\d{6}/)?.[0] ?? null;
  }
}

export interface FakeSmsProvider {
  /** The URL to configure as the chain's provider (`POST` here sends a message). */
  url: string;
  token: string;
  messages: SmsMessage[];
  /** The six digits of the last message to `to` (or to anyone). */
  lastCode(to?: string): string | null;
  close(): Promise<void>;
}

/**
 * A fake SMS provider speaking the HTTP API the server's adapter calls (smsGateway.ts), on
 * 127.0.0.1: for e2e tests and `npm start`'s demo. It prints each message (masked phone, text)
 * so the demo's cashier can read the code from the console. `GET /messages` lists them (tests).
 */
export async function startFakeSmsProvider(options: { port?: number; token?: string; print?: (line: string) => void } = {}): Promise<FakeSmsProvider> {
  const token = options.token ?? 'fake-sms-provider-token';
  const messages: SmsMessage[] = [];
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/messages') return answer(200, { messages });
    if (req.method !== 'POST' || req.url !== '/send') return answer(404, { error: 'not found' });
    if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { error: 'bad token' });
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
      if (raw.length > 10_000) req.destroy();
    });
    req.on('end', () => {
      try {
        const body = JSON.parse(raw) as { to?: unknown; text?: unknown; from?: unknown };
        if (typeof body.to !== 'string' || typeof body.text !== 'string' || typeof body.from !== 'string') return answer(400, { error: 'to, from, text' });
        messages.push({ to: body.to, text: body.text });
        options.print?.(`SMS (fake provider) from ${body.from} to ${maskPhone(body.to)}: ${body.text}`);
        answer(200, { id: messages.length });
      } catch {
        answer(400, { error: 'json' });
      }
    });
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/send`,
    token,
    messages,
    lastCode: (to) =>
      [...messages]
        .reverse()
        .find((m) => to === undefined || m.to === to)
        ?.text.match(/\d{6}/)?.[0] ?? null,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
