import type { FastifyBaseLogger } from 'fastify';
import { DeskSettings, effectiveDesk } from '../protocol/deskSettings';
import { FeedbackToken, feedbackLinkUrl, type FeedbackLinkSettings } from '../protocol/feedback';
import type { Database, Sql } from './db/database';
import { chainsWithDueSms, sendDueSms, SMS_CONSENTED, type SmsOutbox, type SmsOutboxDeps } from './sms/smsOutbox';
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
 * take later returns it to 'due' with a growing pause, up to MAX_SMS_ATTEMPTS (sms/smsOutbox.ts).
 */

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

/** The feedback link SMS: the link, while the chain or store keeps `feedbackLink.sms` on. */
export const FEEDBACK_SMS: SmsOutbox = {
  table: 'feedback_links',
  key: 'token',
  returning: 'o.store_id',
  async message(db, chainId, token, row) {
    const settings = await feedbackLinkSettings(db, chainId, Number(row.store_id));
    return settings?.sms ? feedbackSmsText(feedbackLinkUrl(settings.baseUrl, token)) : null;
  },
  failed: 'feedback SMS not sent',
};

/** Send the chain's due feedback SMS (at most `limit`), each once; consent and the setting are read again at sending. */
export function sendDueFeedbackSms(deps: SmsOutboxDeps, chainId: number, log?: FastifyBaseLogger, limit = 20): Promise<number> {
  return sendDueSms(FEEDBACK_SMS, deps, chainId, log, limit);
}

/** The chains with feedback SMS due now. */
export function chainsWithDueFeedbackSms(db: Sql): Promise<number[]> {
  return chainsWithDueSms(db, FEEDBACK_SMS);
}
