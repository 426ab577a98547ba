/**
 * Migration 22 (issue 16): feedback after a purchase. One answer per receipt (a rating 1-5 and an
 * optional comment), tied to the store, the till and the cashier of the sale. In its own file;
 * never edit it once shipped.
 */
export const MIGRATION_022_FEEDBACK = {
  id: 22,
  name: 'feedback after a purchase: one rating per receipt, by store and cashier',
  sql: `
CREATE TABLE feedback (
  event_id uuid PRIMARY KEY,
  chain_id int NOT NULL,
  store_id int NOT NULL,
  terminal_id uuid NOT NULL,
  receipt_id text NOT NULL,
  cashier_id bigint,
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment text,
  answered_at timestamptz NOT NULL,
  UNIQUE (terminal_id, receipt_id)
);
CREATE INDEX feedback_store ON feedback (chain_id, store_id, answered_at);
`,
};
