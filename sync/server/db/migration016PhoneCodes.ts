/**
 * Migration 16: SMS one-time codes that confirm a customer's phone (issue 13, High 2), the
 * chain's SMS gateway, and registrations that claimed a known phone without its code.
 * In its own file so it can be added beside others' work on migrations.ts; never edit it once shipped.
 */
export const MIGRATION_016_PHONE_CODES = {
  id: 16,
  name: 'phone one-time codes, confirmations, chain SMS gateway, unconfirmed duplicate registrations',
  sql: `
-- One code sent: only its salted hash is kept. phone_hash is a keyed hash of the phone (per-phone
-- throttles without the number); purpose: spend (bonuses of a typed-phone customer) or register
-- (a registration that names a phone the chain already has).
CREATE TABLE phone_codes (
  id uuid PRIMARY KEY,
  chain_id int NOT NULL REFERENCES chains(id),
  terminal_id uuid NOT NULL,
  customer_id bigint NOT NULL,
  phone_hash text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('spend', 'register')),
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  attempts int NOT NULL DEFAULT 0,
  verified_at timestamptz
);
CREATE INDEX phone_codes_phone ON phone_codes (chain_id, phone_hash, created_at);
CREATE INDEX phone_codes_terminal ON phone_codes (terminal_id, created_at);

-- What a right code gives the till: a bearer proof for one sale or one registration, stored hashed.
CREATE TABLE phone_confirmations (
  token_hash text PRIMARY KEY,
  code_id uuid NOT NULL REFERENCES phone_codes(id),
  chain_id int NOT NULL,
  terminal_id uuid NOT NULL,
  customer_id bigint NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('spend', 'register')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_by_event uuid
);

-- The chain's SMS provider (an HTTP API): URL, token, sender, as validated by sync/server/sms.
CREATE TABLE sms_gateways (
  chain_id int PRIMARY KEY REFERENCES chains(id),
  config jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A registration that named a known phone without its code: a customer of its own, without the
-- phone as an identifier, waiting for head office to merge it (or not) into duplicate_of.
ALTER TABLE customers ADD COLUMN unconfirmed_phone_e164 text;
ALTER TABLE customers ADD COLUMN duplicate_of bigint;
CREATE INDEX customers_duplicate_of ON customers (chain_id, id) WHERE duplicate_of IS NOT NULL;
`,
};
