import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from './testing/databases';
import { line, registration, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';
import { backoffMs, enqueueWebhooks, sendDueWebhooks, verifyWebhook, WEBHOOK_SETTINGS } from './webhooks';

const SECRET = 'webhook-secret-for-tests-0123';

/** A back office's receiver on 127.0.0.1: records deliveries, fails the first `failFirst` requests. */
class Receiver {
  server: Server;
  received: { id: string; body: string; valid: boolean }[] = [];
  failFirst = 0;
  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (this.failFirst > 0) {
          this.failFirst--;
          res.writeHead(503).end();
          return;
        }
        const valid = verifyWebhook(SECRET, String(req.headers['webhook-timestamp']), body, String(req.headers['x-loyalty-till-signature']));
        this.received.push({ id: String(req.headers['webhook-id']), body, valid });
        res.writeHead(valid ? 204 : 401).end();
      });
    });
  }
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
}

describe.each(testDatabases())('webhooks and exports on $name', ({ open }) => {
  let s: TestServer;
  const receiver = new Receiver();
  let url: string;
  // The senders' clock, ahead of the database's: what was queued just now is due. Set per test,
  // since on a busy machine the file's setup alone can take longer than the lead.
  let clock = 0;
  const now = (): Date => new Date(clock);
  beforeEach(() => {
    clock = Date.now() + 60_000;
  });

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 20 });
    url = await receiver.start();
  });
  afterAll(async () => {
    await s?.close();
    await new Promise((r) => receiver.server.close(r));
  });

  it('refuses a webhook without a long enough secret, naming the field', async () => {
    const res = await s.inject({ method: 'POST', url: '/api/v1/admin/chains/1/webhooks', headers: admin, payload: { url, secret: 'short', events: ['sale'] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('secret');
  });

  it('delivers each sale and registration once, signed, retrying with backoff after a failure', async () => {
    const created = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/chains/1/webhooks',
      headers: admin,
      payload: { url, secret: SECRET, events: ['sale', 'registration'] },
    });
    expect(created.statusCode).toBe(200);
    expect(created.json()).not.toHaveProperty('secret');
    const till = await s.enrol(1);
    const reg = registration({ phone: '+79161234599', email: 'vera@example.ru' });
    const sold = sale({ customerId: null, lines: [line(1, 2)] });
    const results = await s.push(till.token, [reg, sold.event]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);

    receiver.failFirst = 1;
    expect(await enqueueWebhooks(s.db, new Date(Date.now() + 1000))).toBe(2);
    // Enqueuing again (the overlap re-reads the same events) queues nothing new.
    expect(await enqueueWebhooks(s.db, new Date(Date.now() + 1000))).toBe(0);
    const first = await sendDueWebhooks(s.db, { fetch, now });
    expect(first).toEqual({ delivered: 1, retried: 1, failed: 0 });
    // Not due yet: nothing is sent before the backoff has passed.
    expect(await sendDueWebhooks(s.db, { fetch, now })).toEqual({ delivered: 0, retried: 0, failed: 0 });
    clock += backoffMs(1) + 1;
    expect(await sendDueWebhooks(s.db, { fetch, now })).toEqual({ delivered: 1, retried: 0, failed: 0 });

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received.every((r) => r.valid)).toBe(true);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(2);
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as { type: string; deliveryId: string; eventId: string; data: Record<string, unknown> });
    const saleBody = bodies.find((b) => b.type === 'sale')!;
    expect(saleBody.eventId).toBe(sold.event.eventId);
    expect(saleBody.data).toMatchObject({ receiptId: sold.event.sale.receiptId, totals: sold.event.totals });
    const regBody = bodies.find((b) => b.type === 'registration')!;
    expect(regBody.data.marketingChannels).toEqual(['sms']);
    // No personal data in a webhook: the phone and e-mail never leave with it.
    expect(receiver.received.map((r) => r.body).join()).not.toMatch(/9161234599|vera@/);
    for (const b of bodies) expect(receiver.received.find((r) => r.id === b.deliveryId)).toBeDefined();
  });

  it('gives up after the last attempt and shows it in the endpoint list', async () => {
    const till = await s.enrol(1);
    await s.push(till.token, [sale({ customerId: null, lines: [line(2)] }).event]);
    await enqueueWebhooks(s.db, new Date(Date.now() + 1000));
    const refusing: typeof fetch = async () => new Response(null, { status: 500 });
    for (let i = 0; i < WEBHOOK_SETTINGS.maxAttempts; i++) {
      clock += WEBHOOK_SETTINGS.maxRetryMs + 1;
      await sendDueWebhooks(s.db, { fetch: refusing, now });
    }
    const list = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/webhooks', headers: admin });
    expect(list.json().webhooks[0]).toMatchObject({ delivered: 2, failed: 1, pending: 0 });
  });

  it('exports receipts and the ledger as CSV, and customers only on a channel they consented to', async () => {
    const receipts = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/export/receipts', headers: admin });
    expect(receipts.statusCode).toBe(200);
    expect(receipts.headers['content-type']).toContain('text/csv');
    const lines = receipts.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'receipt_id,event_id,store_id,terminal_id,cashier_id,customer_id,sold_at,received_at,payment_method,payable_kopecks,discount_kopecks,redeemed_kopecks,accrued_kopecks,returns,fiscal_document_number,fiscal_sign,fiscal_drive_number,fiscal_shift_number,register_number',
    );
    expect(lines.length).toBeGreaterThanOrEqual(3);

    const sms = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/export/customers?channel=sms&separator=semicolon', headers: admin });
    expect(sms.body).toContain('+79161234599');
    const email = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/export/customers?channel=email', headers: admin });
    expect(email.body).not.toContain('vera@example.ru');
    const noChannel = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/export/customers', headers: admin });
    expect(noChannel.statusCode).toBe(400);

    const ledger = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/export/ledger', headers: admin });
    const rows = ledger.body.trim().split('\r\n');
    expect(rows[0]).toContain('entry_id,customer_id,kind');
    expect(rows.some((r) => r.includes(',welcome,'))).toBe(true);
  });
});
