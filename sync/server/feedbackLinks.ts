import type { FastifyBaseLogger } from 'fastify';
import { DeskSettings, effectiveDesk } from '../protocol/deskSettings';
import { FeedbackToken, feedbackLinkUrl, type FeedbackLinkSettings } from '../protocol/feedback';
import type { Database, Sql } from './db/database';
import { gatewayForChain, type PhoneCodeDeps } from './phoneCodes';
import { SmsGatewayError } from './sms/smsGateway';
import type { TerminalContext } from './terminals';

/**
 * Feedback links (issue 16). A sale carries the feedback token its till made; once the sale is
 * applied, the push route records the link here (after the commit, before the till's answer, so a
 * lost row is made again by the till's resend), taken from the server's receipt: its store, till,
 * receipt id, cashier and customer. The customer's page (feedbackPage.ts) finds the receipt by it.
 *
 * SMS: where the chain or store turned `feedbackLink.sms` on (desk settings) and the customer's
 * marketing consent on SMS and personal-data consent are in force, the link row is queued
 * (`sms_state = 'due'`) in the same statement. Senders claim a due row by a conditional UPDATE
 * ('sending'), so it goes once however many pushes or servers try; a failure the provider may
 * take later returns it to 'due' with a growing pause, up to MAX_SMS_ATTEMPTS. A server that dies
 * mid-send leaves 'sending': at most once, never twice.
 */

export type FeedbackSmsDeps = Pick<PhoneCodeDeps, 'db' | 'gatewayOf' | 'fallback'>;

export const MAX_SMS_ATTEMPTS = 5;

/** The sale events of a push that carry a feedback token, as (eventId, token). */
export function feedbackTokensOf(events: readonly unknown[]): { eventId: string; token: string }[] {
  const out: { eventId: string; token: string }[] = [];
  for (const raw of events) {
    const ev = raw as { type?: unknown; eventId?: unknown; feedbackToken?: unknown } | null;
    if (ev?.type !== 'sale' || typeof ev.eventId !== 'string' || !FeedbackToken.safeParse(ev.feedbackToken).success) continue;
    out.push({ eventId: ev.eventId, token: ev.feedbackToken as string });
  }
  return out;
}

/** The chain's feedback link settings with the store's over them (desk settings). */
export async function feedbackLinkSettings(db: Sql, chainId: number, storeId: number): Promise<FeedbackLinkSettings | null> {
  const rows = await db.query<{ store_id: number; body: unknown }>('SELECT store_id, body FROM desk_settings WHERE chain_id = $1 AND store_id IN (0, $2)', [
    chainId,
    storeId,
  ]);
  const of = (id: number) => {
    const parsed = DeskSettings.safeParse(rows.find((r) => Number(r.store_id) === id)?.body ?? null);
    return parsed.success ? parsed.data : null;
  };
  return effectiveDesk(of(0), of(storeId)).feedbackLink ?? null;
}

/** Whether the customer may get an SMS: the latest marketing consent on SMS and the latest personal-data consent are both given. */
export const SMS_CONSENTED = (customer: string): string => `(
  (SELECT x.granted FROM consents x WHERE x.customer_id = ${customer} AND x.purpose = 'marketing' AND x.channel = 'sms'
   ORDER BY COALESCE(x.given_at, x.recorded_at) DESC, x.id DESC LIMIT 1) IS TRUE
  AND (SELECT p.granted FROM consents p WHERE p.customer_id = ${customer} AND p.purpose = 'personal_data'
   ORDER BY COALESCE(p.given_at, p.recorded_at) DESC, p.id DESC LIMIT 1) IS TRUE)`;

/**
 * Record the links of a push's applied sales (a sale rejected, or of another till, has no receipt
 * here and gets none); a resend changes nothing. Returns how many SMS were queued.
 */
export async function recordFeedbackLinks(db: Database, terminal: TerminalContext, events: readonly unknown[]): Promise<number> {
  const tokens = feedbackTokensOf(events);
  if (tokens.length === 0) return 0;
  const settings = await feedbackLinkSettings(db, terminal.chainId, terminal.storeId);
  const sms = settings?.sms === true;
  const rows = await db.query<{ sms_state: string | null }>(
    `INSERT INTO feedback_links (token, event_id, chain_id, store_id, terminal_id, receipt_id, cashier_id, customer_id, sms_state, sms_next_at)
     SELECT x.token, r.event_id, r.chain_id, r.store_id, r.terminal_id, r.receipt_id, r.cashier_id, r.customer_id,
            CASE WHEN $4::boolean AND r.customer_id IS NOT NULL AND ${SMS_CONSENTED('r.customer_id')} THEN 'due' END, now()
     FROM unnest($1::text[], $2::uuid[]) AS x(token, event_id)
     JOIN receipts r ON r.event_id = x.event_id AND r.terminal_id = $3::uuid
     ON CONFLICT DO NOTHING
     RETURNING sms_state`,
    [tokens.map((t) => t.token), tokens.map((t) => t.eventId), terminal.terminalId, sms],
  );
  return rows.filter((r) => r.sms_state === 'due').length;
}

export function feedbackSmsText(url: string): string {
  return `Спасибо за покупку! Оцените визит и кассира: ${url}`;
}

/**
 * Send the chain's due feedback SMS (at most `limit`), each once. Consent and the setting are
 * read again at sending: a customer who withdrew meanwhile gets nothing. Returns how many went.
 */
export async function sendDueFeedbackSms(deps: FeedbackSmsDeps, chainId: number, log?: FastifyBaseLogger, limit = 20): Promise<number> {
  const due = await deps.db.query<{ token: string }>(
    `SELECT token FROM feedback_links WHERE chain_id = $1 AND sms_state = 'due' AND sms_next_at <= now() ORDER BY sms_next_at LIMIT $2`,
    [chainId, limit],
  );
  let sent = 0;
  for (const { token } of due) {
    const [claimed] = await deps.db.query<{ store_id: number; attempts: number; phone: string | null; consented: boolean }>(
      `UPDATE feedback_links f SET sms_state = 'sending', sms_attempts = f.sms_attempts + 1
       WHERE f.token = $1 AND f.sms_state = 'due'
       RETURNING f.store_id, f.sms_attempts AS attempts,
                 (SELECT c.phone_e164 FROM customers c WHERE c.id = f.customer_id) AS phone,
                 ${SMS_CONSENTED('f.customer_id')} AS consented`,
      [token],
    );
    if (!claimed) continue;
    const settings = await feedbackLinkSettings(deps.db, chainId, Number(claimed.store_id));
    if (!claimed.phone || !claimed.consented || !settings?.sms) {
      await deps.db.query('UPDATE feedback_links SET sms_state = NULL WHERE token = $1', [token]);
      continue;
    }
    try {
      const gateway = await gatewayForChain(deps, chainId);
      await gateway.send({ to: claimed.phone, text: feedbackSmsText(feedbackLinkUrl(settings.baseUrl, token)) });
      await deps.db.query(`UPDATE feedback_links SET sms_state = 'sent' WHERE token = $1`, [token]);
      sent++;
    } catch (err) {
      const retry = !(err instanceof SmsGatewayError && !err.retryable) && Number(claimed.attempts) < MAX_SMS_ATTEMPTS;
      await deps.db.query(`UPDATE feedback_links SET sms_state = $2, sms_next_at = now() + make_interval(mins => $3::int) WHERE token = $1`, [
        token,
        retry ? 'due' : 'failed',
        2 ** Number(claimed.attempts),
      ]);
      // Never the phone or the link: the token is the customer's.
      log?.warn({ chainId, attempts: Number(claimed.attempts), err: err instanceof Error ? err.message : String(err) }, 'feedback SMS not sent');
    }
  }
  return sent;
}

/** The chains with feedback SMS due now. */
export async function chainsWithDueFeedbackSms(db: Sql): Promise<number[]> {
  const rows = await db.query<{ chain_id: number }>(`SELECT DISTINCT chain_id FROM feedback_links WHERE sms_state = 'due' AND sms_next_at <= now()`);
  return rows.map((r) => Number(r.chain_id));
}

/**
 * Retries without waiting for the next push: every `intervalMs`, the due feedback SMS of every
 * chain. Each is claimed before it is sent, so every server instance may run this.
 */
export function scheduleFeedbackSms(deps: FeedbackSmsDeps, intervalMs: number, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = (): void => {
    if (running) return;
    running = (async () => {
      for (const chainId of await chainsWithDueFeedbackSms(deps.db)) await sendDueFeedbackSms(deps, chainId);
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
