import type { FastifyBaseLogger } from 'fastify';
import type { Row, Sql } from '../db/database';
import { gatewayForChain, type PhoneCodeDeps } from '../phoneCodes';
import { SmsGatewayError } from './smsGateway';

/**
 * SMS queued in a table's own rows (feedback links, next-order coupons): `sms_state` 'due' (new,
 * or retried after a failure at `sms_next_at`), 'sending' (claimed by one sender by a conditional
 * UPDATE, so it goes once however many pushes or server instances try), 'sent', 'failed' (gave up
 * after MAX_SMS_ATTEMPTS, or the provider refused it for good), NULL (nothing to send, or no longer:
 * consent withdrawn, setting off). A sender that dies mid-send leaves 'sending': at most once.
 */
export type SmsOutboxDeps = Pick<PhoneCodeDeps, 'db' | 'gatewayOf' | 'fallback'>;

export const MAX_SMS_ATTEMPTS = 5;

/** Whether the customer may get an SMS: the latest marketing consent on SMS and the latest personal-data consent are both given. */
export const SMS_CONSENTED = (customer: string): string => `(
  (SELECT x.granted FROM consents x WHERE x.customer_id = ${customer} AND x.purpose = 'marketing' AND x.channel = 'sms'
   ORDER BY COALESCE(x.given_at, x.recorded_at) DESC, x.id DESC LIMIT 1) IS TRUE
  AND (SELECT p.granted FROM consents p WHERE p.customer_id = ${customer} AND p.purpose = 'personal_data'
   ORDER BY COALESCE(p.given_at, p.recorded_at) DESC, p.id DESC LIMIT 1) IS TRUE)`;

/** One table whose rows carry an SMS to their customer. Names are the code's own, never input. */
export interface SmsOutbox {
  table: 'feedback_links' | 'coupons';
  /** The row's key within its chain. */
  key: 'token' | 'code';
  /** More columns of the claimed row (alias `o`) that `message` reads. */
  returning: string;
  /** The text to send for a claimed row, or null when it must not go any more. */
  message(db: Sql, chainId: number, key: string, row: Row): Promise<string | null>;
  /** What the log says of a failed send (never the phone, the key or the text: they are the customer's). */
  failed: string;
}

/** Send the chain's due SMS of one outbox (at most `limit`), each once; consent is read again at sending. Returns how many went. */
export async function sendDueSms(outbox: SmsOutbox, deps: SmsOutboxDeps, chainId: number, log?: FastifyBaseLogger, limit = 20): Promise<number> {
  const { table, key } = outbox;
  const due = await deps.db.query<{ k: string }>(
    `SELECT ${key} AS k FROM ${table} WHERE chain_id = $1 AND sms_state = 'due' AND sms_next_at <= now() ORDER BY sms_next_at LIMIT $2`,
    [chainId, limit],
  );
  const set = (state: string, more = '', params: unknown[] = []) =>
    deps.db.query(`UPDATE ${table} SET sms_state = ${state}${more} WHERE chain_id = $1 AND ${key} = $2`, [chainId, ...params]);
  let sent = 0;
  for (const { k } of due) {
    const [claimed] = await deps.db.query<Row & { attempts: number; phone: string | null; consented: boolean }>(
      `UPDATE ${table} o SET sms_state = 'sending', sms_attempts = o.sms_attempts + 1
       WHERE o.chain_id = $1 AND o.${key} = $2 AND o.sms_state = 'due'
       RETURNING o.sms_attempts AS attempts, ${outbox.returning},
                 (SELECT c.phone_e164 FROM customers c WHERE c.id = o.customer_id) AS phone,
                 ${SMS_CONSENTED('o.customer_id')} AS consented`,
      [chainId, k],
    );
    if (!claimed) continue;
    const text = claimed.phone && claimed.consented ? await outbox.message(deps.db, chainId, k, claimed) : null;
    if (!claimed.phone || text === null) {
      await set('NULL', '', [k]);
      continue;
    }
    const attempts = Number(claimed.attempts);
    try {
      const gateway = await gatewayForChain(deps, chainId);
      await gateway.send({ to: claimed.phone, text });
      await set(`'sent'`, '', [k]);
      sent++;
    } catch (err) {
      const retry = !(err instanceof SmsGatewayError && !err.retryable) && attempts < MAX_SMS_ATTEMPTS;
      await set('$3', ', sms_next_at = now() + make_interval(mins => $4::int)', [k, retry ? 'due' : 'failed', 2 ** attempts]);
      log?.warn({ chainId, attempts, err: err instanceof Error ? err.message : String(err) }, outbox.failed);
    }
  }
  return sent;
}

/** The chains with SMS of this outbox due now. */
export async function chainsWithDueSms(db: Sql, outbox: SmsOutbox): Promise<number[]> {
  const rows = await db.query<{ chain_id: number }>(`SELECT DISTINCT chain_id FROM ${outbox.table} WHERE sms_state = 'due' AND sms_next_at <= now()`);
  return rows.map((r) => Number(r.chain_id));
}

/**
 * Retries without waiting for the next push: every `intervalMs`, the due SMS of every outbox and
 * chain, never two rounds at once in this process. Each SMS is claimed before it is sent, so every
 * server instance may run this. Returns a stopper.
 */
export function scheduleSmsOutboxes(
  deps: SmsOutboxDeps,
  outboxes: readonly SmsOutbox[],
  intervalMs: number,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = (async () => {
      for (const outbox of outboxes) for (const chainId of await chainsWithDueSms(deps.db, outbox)) await sendDueSms(outbox, deps, chainId);
    })()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
