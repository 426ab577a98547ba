/**
 * Migration 15 (issue 15): the cashier's desk settings head office sends to the tills (quick
 * keys and scale label layouts, per chain with a store's own over it), and supervisor approvals
 * given at the tills (who approved what), arriving as till events. In its own file; never edit
 * it once shipped.
 */
export const MIGRATION_015_DESK_APPROVALS = {
  id: 15,
  name: 'desk settings per chain and store, supervisor approvals from the tills',
  sql: `
-- store_id 0: the chain's settings; a store's own row replaces them for that store.
CREATE TABLE desk_settings (
  chain_id int NOT NULL,
  store_id int NOT NULL DEFAULT 0,
  body jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
  PRIMARY KEY (chain_id, store_id)
);
CREATE TABLE approvals (
  event_id uuid PRIMARY KEY,
  chain_id int NOT NULL,
  terminal_id uuid NOT NULL,
  store_id int NOT NULL,
  cashier_id bigint,
  manager_id bigint,
  manager_name text NOT NULL,
  action text NOT NULL CHECK (action IN ('voidLine', 'priceChange', 'manualDiscount', 'returnNoReceipt')),
  product_id text,
  before_kopecks bigint NOT NULL,
  after_kopecks bigint NOT NULL,
  return_id text,
  -- A return without a receipt: what came back ([{productId, quantityMilli, priceKopecks}]) and its fiscal document.
  lines jsonb,
  fiscal jsonb,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX approvals_store_day ON approvals (store_id, occurred_at);
CREATE INDEX approvals_chain_day ON approvals (chain_id, occurred_at);
`,
};
