/**
 * Migration 14: the segments job (issue 16). Head office's thresholds per chain, and each
 * customer's computed lifecycle segment and RFM scores with the store of their last purchase,
 * for counts per segment and per store. In its own file; never edit it once shipped.
 */
export const MIGRATION_014_SEGMENTS = {
  id: 14,
  name: 'segments job: rules per chain, computed lifecycle segment and RFM per customer',
  sql: `
CREATE TABLE segment_rules (
  chain_id int PRIMARY KEY,
  body jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE customer_segments (
  customer_id bigint PRIMARY KEY,
  chain_id int NOT NULL,
  lifecycle text NOT NULL CHECK (lifecycle IN ('new', 'active', 'sleeping', 'lost')),
  r smallint NOT NULL,
  f smallint NOT NULL,
  m smallint NOT NULL,
  store_id int,
  computed_at timestamptz NOT NULL
);
CREATE INDEX customer_segments_chain ON customer_segments (chain_id, lifecycle, store_id);
`,
};
