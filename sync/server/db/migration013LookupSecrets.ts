/**
 * Migration 13: memory-hard phone lookup keys with rotatable, versioned secrets (issue 13).
 * In its own file so it can be added beside others' work on migrations.ts; never edit it once shipped.
 */
export const MIGRATION_013_LOOKUP_SECRETS = {
  id: 13,
  name: 'versioned phone-key secrets with their Argon2id cost; customers re-keyed by version',
  sql: `
-- One row per version of a chain's phone-key secret. The newest unretired one makes new keys;
-- an older one stays (served to tills) until every customer has been re-keyed, then is retired.
CREATE TABLE lookup_secrets (
  chain_id int NOT NULL REFERENCES chains(id),
  version int NOT NULL CHECK (version > 0),
  secret text NOT NULL,
  memory_kib int NOT NULL CHECK (memory_kib >= 8),
  iterations int NOT NULL CHECK (iterations >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  PRIMARY KEY (chain_id, version)
);

-- The secret version of the customer's phone key; 0: the one-HMAC key from before this change.
ALTER TABLE customers ADD COLUMN phone_key_version int NOT NULL DEFAULT 0;
CREATE INDEX customers_phone_rekey ON customers (chain_id, phone_key_version, id) WHERE phone_e164 IS NOT NULL;
CREATE INDEX customers_phone ON customers (chain_id, phone_e164) WHERE phone_e164 IS NOT NULL;

-- Existing chains get version 1 at the production cost (core/lookupKey.ts LOOKUP_KEY_COST);
-- the server re-keys their customers in the background.
INSERT INTO lookup_secrets (chain_id, version, secret, memory_kib, iterations)
SELECT id, 1, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 16384, 3 FROM chains;
`,
};
