import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';

/**
 * Webhooks: a chain's back office hears of sales and registrations. Durable and exactly-once
 * per delivery id: the enqueuer turns applied events into rows of webhook_deliveries (one per
 * endpoint and event, kept unique by the table), and the sender posts each row until the
 * receiver answers 2xx, with exponential backoff; a retry sends the same id and the same bytes,
 * so a receiver that records the ids it has seen applies each event once.
 *
 * The body is signed: header `x-loyalty-till-signature: sha256=<hex>` is HMAC-SHA256 with the
 * endpoint's secret over `<webhook-timestamp>.<body>` (the timestamp header, in Unix seconds,
 * lets a receiver refuse replays of old deliveries). No names, phones or card data are sent:
 * ids and amounts only; the back office reads people from the consented customers export.
 */
export const WEBHOOK_EVENTS = ['sale', 'registration'] as const;

export const WebhookConfig = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  secret: z.string().min(16, 'the secret must be at least 16 characters').max(200),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

export const WebhookInfo = z.object({
  id: z.number().int(),
  chainId: z.number().int(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  active: z.boolean(),
  createdAt: z.string(),
  pending: z.number().int(),
  failed: z.number().int(),
  delivered: z.number().int(),
});
export type WebhookInfo = z.infer<typeof WebhookInfo>;

export const WEBHOOK_SETTINGS = {
  /** Events are re-read this far back, so one whose transaction committed late is still seen. */
  overlapMs: 5 * 60_000,
  firstRetryMs: 10_000,
  maxRetryMs: 60 * 60_000,
  /** Then the delivery is marked failed (about 9 hours of trying). */
  maxAttempts: 15,
  /** A claimed delivery is retried by another sender if this one dies mid-flight. */
  leaseMs: 60_000,
  timeoutMs: 10_000,
  batch: 100,
};

export function backoffMs(attempts: number): number {
  return Math.min(WEBHOOK_SETTINGS.maxRetryMs, WEBHOOK_SETTINGS.firstRetryMs * 2 ** Math.max(0, attempts - 1));
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): whether a delivery's signature is the secret's. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function createWebhook(db: Sql, chainId: number, config: WebhookConfig): Promise<WebhookInfo> {
  const [chain] = await db.query('SELECT 1 FROM chains WHERE id = $1', [chainId]);
  if (!chain) throw new HttpError(404, 'chain_not_found', `No chain ${chainId}.`);
  const [row] = await db.query<{ id: number }>('INSERT INTO webhook_endpoints (chain_id, url, secret, events) VALUES ($1, $2, $3, $4) RETURNING id', [
    chainId,
    config.url,
    config.secret,
    [...new Set(config.events)],
  ]);
  return (await listWebhooks(db, chainId)).find((w) => w.id === Number(row!.id))!;
}

export async function listWebhooks(db: Sql, chainId: number): Promise<WebhookInfo[]> {
  const rows = await db.query<{
    id: number;
    chain_id: number;
    url: string;
    events: string[];
    active: boolean;
    created_at: Date;
    pending: number;
    failed: number;
    delivered: number;
  }>(
    `SELECT e.id, e.chain_id, e.url, e.events, e.active, e.created_at,
            count(d.*) FILTER (WHERE d.status = 'pending')::int AS pending, count(d.*) FILTER (WHERE d.status = 'failed')::int AS failed,
            count(d.*) FILTER (WHERE d.status = 'delivered')::int AS delivered
     FROM webhook_endpoints e LEFT JOIN webhook_deliveries d ON d.endpoint_id = e.id
     WHERE e.chain_id = $1 GROUP BY e.id ORDER BY e.id`,
    [chainId],
  );
  return rows.map((r) =>
    WebhookInfo.parse({
      ...r,
      id: Number(r.id),
      chainId: Number(r.chain_id),
      createdAt: new Date(r.created_at).toISOString(),
      pending: Number(r.pending),
      failed: Number(r.failed),
      delivered: Number(r.delivered),
    }),
  );
}

/** Stops an endpoint: nothing more is queued or sent to it (its history stays). */
export async function disableWebhook(db: Sql, id: number): Promise<boolean> {
  return (await db.query('UPDATE webhook_endpoints SET active = false WHERE id = $1 AND active RETURNING id', [id])).length > 0;
}

/** Queues a delivery per active endpoint for each applied sale and registration it has not seen. */
export async function enqueueWebhooks(db: Database, now = new Date()): Promise<number> {
  const endpoints = await db.query<{ id: number; chain_id: number; events: string[]; created_at: Date; scanned_to: Date }>(
    'SELECT id, chain_id, events, created_at, scanned_to FROM webhook_endpoints WHERE active ORDER BY id',
  );
  let queued = 0;
  for (const e of endpoints) {
    const from = new Date(Math.max(new Date(e.created_at).getTime(), new Date(e.scanned_to).getTime() - WEBHOOK_SETTINGS.overlapMs));
    queued += await db.transaction(async (tx) => {
      const events = await tx.query<{ event_id: string; type: string; received_at: Date; data: unknown }>(
        `SELECT a.event_id::text, a.type, a.received_at,
                CASE a.type
                  WHEN 'sale' THEN (SELECT json_build_object('receiptId', r.receipt_id, 'storeId', r.store_id, 'terminalId', r.terminal_id, 'cashierId', r.cashier_id::text,
                                     'customerId', r.customer_id::text, 'soldAt', r.sold_at, 'totals', r.till_totals, 'paymentMethod', r.payment->>'method')
                                    FROM receipts r WHERE r.event_id = a.event_id AND r.chain_id = $2)
                  ELSE (SELECT json_build_object('customerId', c.id::text, 'storeId', c.store_id, 'registeredAt', c.registered_at,
                          'marketingChannels', COALESCE((SELECT json_agg(DISTINCT x.channel) FROM consents x
                             WHERE x.customer_id = c.id AND x.purpose = 'marketing' AND x.granted AND x.event_id = a.event_id), '[]'::json))
                        FROM customers c WHERE c.registered_by_event = a.event_id AND c.chain_id = $2)
                END AS data
         FROM applied_events a
         WHERE a.status = 'applied' AND a.type = ANY($1::text[]) AND a.received_at > $3::timestamptz AND a.received_at <= $4::timestamptz
         ORDER BY a.received_at LIMIT 5000`,
        [e.events, e.chain_id, from.toISOString(), now.toISOString()],
      );
      let n = 0;
      const mine = events.filter((ev) => ev.data !== null);
      for (const ev of mine) {
        const id = randomUUID();
        const body = JSON.stringify({ deliveryId: id, type: ev.type, eventId: ev.event_id, occurredAt: new Date(ev.received_at).toISOString(), data: ev.data });
        const inserted = await tx.query(
          'INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, body) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id',
          [id, e.id, ev.event_id, ev.type, body],
        );
        n += inserted.length;
      }
      const last = events.at(-1);
      // A full page may have more behind it at the same instant: only move up to what was read.
      const scannedTo = events.length === 5000 && last ? new Date(last.received_at) : now;
      await tx.query('UPDATE webhook_endpoints SET scanned_to = GREATEST(scanned_to, $2::timestamptz) WHERE id = $1', [e.id, scannedTo.toISOString()]);
      return n;
    });
  }
  return queued;
}

export interface SendOptions {
  fetch: typeof fetch;
  now?: () => Date;
}

/** Sends the due deliveries once each; returns how many the receivers took. */
export async function sendDueWebhooks(
  db: Database,
  { fetch: doFetch, now = () => new Date() }: SendOptions,
): Promise<{ delivered: number; retried: number; failed: number }> {
  const at = now();
  // Claim by moving the next attempt a lease ahead: another sender skips these until it ends.
  const due = await db.query<{ id: string; body: string; attempts: number; url: string; secret: string; event_type: string }>(
    `UPDATE webhook_deliveries d SET next_attempt_at = $2::timestamptz + make_interval(secs => $3::double precision / 1000)
     FROM webhook_endpoints e
     WHERE e.id = d.endpoint_id AND d.id IN (
       SELECT d2.id FROM webhook_deliveries d2 JOIN webhook_endpoints e2 ON e2.id = d2.endpoint_id
       WHERE d2.status = 'pending' AND e2.active AND d2.next_attempt_at <= $2::timestamptz ORDER BY d2.next_attempt_at LIMIT $1 FOR UPDATE OF d2 SKIP LOCKED)
     RETURNING d.id::text, d.body, d.attempts, e.url, e.secret, d.event_type`,
    [WEBHOOK_SETTINGS.batch, at.toISOString(), WEBHOOK_SETTINGS.leaseMs],
  );
  const tally = { delivered: 0, retried: 0, failed: 0 };
  for (const d of due) {
    const timestamp = Math.floor(now().getTime() / 1000);
    let error: string | null = null;
    try {
      const res = await doFetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': d.id,
          'webhook-timestamp': String(timestamp),
          'x-loyalty-till-event': d.event_type,
          'x-loyalty-till-signature': signWebhook(d.secret, timestamp, d.body),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_SETTINGS.timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (e) {
      error = ((e as Error).message || 'request failed').slice(0, 200);
    }
    const attempts = Number(d.attempts) + 1;
    if (error === null) {
      await db.query("UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, delivered_at = $3::timestamptz, last_error = NULL WHERE id = $1", [
        d.id,
        attempts,
        now().toISOString(),
      ]);
      tally.delivered++;
    } else if (attempts >= WEBHOOK_SETTINGS.maxAttempts) {
      await db.query("UPDATE webhook_deliveries SET status = 'failed', attempts = $2, last_error = $3 WHERE id = $1", [d.id, attempts, error]);
      tally.failed++;
    } else {
      const next = new Date(now().getTime() + backoffMs(attempts));
      await db.query('UPDATE webhook_deliveries SET attempts = $2, last_error = $3, next_attempt_at = $4::timestamptz WHERE id = $1', [
        d.id,
        attempts,
        error,
        next.toISOString(),
      ]);
      tally.retried++;
    }
  }
  return tally;
}

/** Runs enqueue + send every `intervalMs` in the server process; returns a stop function. */
export function scheduleWebhooks(db: Database, intervalMs: number, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = (): void => {
    if (running) return;
    running = (async () => {
      await enqueueWebhooks(db);
      await sendDueWebhooks(db, { fetch });
    })()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
