/**
 * Migration 20 (issue 16): gift certificates and referrals. A certificate is a code with a
 * nominal and a balance that never goes below zero; every change is a move (activation on sale,
 * redemption as a payment, refund) kept once per event. A customer registered with a referrer's
 * card or phone names the referrer; the first purchase pays both the chain's referral bonus once
 * (`referral_rewarded_event` taken by a conditional UPDATE). In its own file; never edit it once shipped.
 */
export const MIGRATION_020_GIFTS_REFERRALS = {
  id: 20,
  name: 'gift certificates with balances and moves; referrer of a customer and the referral reward, once',
  sql: `
CREATE TABLE gift_certificates (
  chain_id int NOT NULL,
  code text NOT NULL,
  nominal bigint NOT NULL CHECK (nominal > 0),
  balance bigint NOT NULL CHECK (balance >= 0 AND balance <= nominal),
  state text NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'active', 'void')),
  activated_event text,
  activated_at timestamptz,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
  PRIMARY KEY (chain_id, code)
);
CREATE INDEX gift_certificates_feed ON gift_certificates (chain_id, change_seq);
CREATE TABLE certificate_moves (
  chain_id int NOT NULL,
  code text NOT NULL,
  event_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('activation', 'redemption', 'refund')),
  amount bigint NOT NULL CHECK (amount >= 0),
  receipt_id text,
  store_id int,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, code, event_id, kind)
);
ALTER TABLE customers ADD COLUMN referred_by bigint;
ALTER TABLE customers ADD COLUMN referral_rewarded_event text;
`,
};
