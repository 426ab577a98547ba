/**
 * Migration 8: data exchange with the back office. Kept in its own file so it can be added
 * beside others' work on migrations.ts; never edit it once shipped.
 */
export const MIGRATION_008_EXCHANGE = {
  id: 8,
  name: 'data exchange: store external ids, import reports, webhooks',
  sql: `
-- The back office's id of a store (1C: Склад/Ид), on which imports match stores.
ALTER TABLE stores ADD COLUMN external_id text;
CREATE UNIQUE INDEX stores_external ON stores (chain_id, external_id) WHERE external_id IS NOT NULL;

-- Each import's report: what changed and what was refused, for head office to read later.
CREATE TABLE exchange_imports (
  id bigserial PRIMARY KEY,
  chain_id int NOT NULL REFERENCES chains(id),
  source text NOT NULL,
  report jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_imports_chain ON exchange_imports (chain_id, id);

-- Webhooks: where a chain wants sales and registrations sent, signed with its secret.
CREATE TABLE webhook_endpoints (
  id serial PRIMARY KEY,
  chain_id int NOT NULL REFERENCES chains(id),
  url text NOT NULL,
  secret text NOT NULL,
  events text[] NOT NULL,
  active boolean NOT NULL DEFAULT true,
  -- Events received before this are not sent (the endpoint did not exist yet).
  created_at timestamptz NOT NULL DEFAULT now(),
  -- How far the enqueuer has read applied_events for this endpoint.
  scanned_to timestamptz NOT NULL DEFAULT now()
);

-- The durable queue: one row per (endpoint, event), whose id is the delivery id the receiver
-- deduplicates on; retries resend the same id and body.
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY,
  endpoint_id int NOT NULL REFERENCES webhook_endpoints(id),
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- The enqueuer reads applied events by time. BRIN: near-free to keep on an append-mostly
-- table, so the push path pays nothing measurable for it.
CREATE INDEX applied_events_received_brin ON applied_events USING brin (received_at);
`,
};
