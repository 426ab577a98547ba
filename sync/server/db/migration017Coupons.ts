/**
 * Migration 17: coupons and promo codes (issue 16). Head office issues codes in batches, each
 * unlocking one coupon offer; tills pull them by change_seq. A single-use code holds the one
 * sale that redeemed it (`redeemed_event`), set by a conditional UPDATE so that two tills
 * pushing the same code at once get one winner; every use is also kept in `coupon_uses`, one
 * row per code and sale. In its own file; never edit it once shipped.
 */
export const MIGRATION_017_COUPONS = {
  id: 17,
  name: 'coupons: batches of codes per chain, single-use redemption, uses per sale',
  sql: `
CREATE TABLE coupons (
  chain_id int NOT NULL,
  code text NOT NULL,
  batch_id text NOT NULL,
  offer_id text NOT NULL,
  single_use boolean NOT NULL,
  customer_id bigint,
  segment text,
  valid_from timestamptz,
  valid_to timestamptz,
  redeemed_event text,
  redeemed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
  PRIMARY KEY (chain_id, code)
);
CREATE INDEX coupons_feed ON coupons (chain_id, change_seq);
CREATE INDEX coupons_batch ON coupons (chain_id, batch_id);
CREATE TABLE coupon_uses (
  chain_id int NOT NULL,
  code text NOT NULL,
  event_id text NOT NULL,
  customer_id bigint,
  receipt_id text NOT NULL,
  accepted boolean NOT NULL,
  used_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, code, event_id)
);
`,
};
