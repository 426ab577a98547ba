/**
 * Migration 26 (issue 16): feedback by a link on the receipt (a QR code) or by SMS. Each sale
 * that carried a feedback token gets one link row: the token (unguessable, made at the till), the
 * store, till, receipt and cashier of the sale, and the state of its SMS. The answers go to the
 * `feedback` table of migration 22, so one receipt keeps one answer whichever way it came; a link
 * answer also rates the cashier. In its own file; never edit it once shipped.
 */
export const MIGRATION_026_FEEDBACK_LINKS = {
  id: 26,
  name: 'feedback links: a token per receipt for the QR code and the SMS, answers rate the cashier too',
  sql: `
CREATE TABLE feedback_links (
  token text PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  chain_id int NOT NULL,
  store_id int NOT NULL,
  terminal_id uuid NOT NULL,
  receipt_id text NOT NULL,
  cashier_id bigint,
  customer_id bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- NULL: no SMS; 'due' (waiting or retried), 'sending' (claimed by one sender), 'sent', 'failed' (gave up).
  sms_state text CHECK (sms_state IN ('due', 'sending', 'sent', 'failed')),
  sms_attempts int NOT NULL DEFAULT 0,
  sms_next_at timestamptz
);
CREATE INDEX feedback_links_sms_due ON feedback_links (chain_id, sms_next_at) WHERE sms_state = 'due';
ALTER TABLE feedback ADD COLUMN cashier_rating smallint CHECK (cashier_rating BETWEEN 1 AND 5);
ALTER TABLE feedback ADD COLUMN channel text NOT NULL DEFAULT 'till' CHECK (channel IN ('till', 'link'));
`,
};
