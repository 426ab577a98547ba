/**
 * Migration 28 (issue 16): a next-order coupon (core/engine/nextOrder.ts) may also go to the
 * customer by SMS, once: the coupon row keeps the text and the state of its SMS, as feedback links
 * do (migration 26). The phone is read at sending, never stored here. In its own file; never edit
 * it once shipped.
 */
export const MIGRATION_028_NEXT_ORDER_COUPON_SMS = {
  id: 28,
  name: 'next-order coupons by SMS: the text and the state of one SMS per coupon',
  sql: `
-- NULL: no SMS; 'due' (waiting or retried), 'sending' (claimed by one sender), 'sent', 'failed' (gave up).
ALTER TABLE coupons ADD COLUMN sms_state text CHECK (sms_state IN ('due', 'sending', 'sent', 'failed'));
ALTER TABLE coupons ADD COLUMN sms_attempts int NOT NULL DEFAULT 0;
ALTER TABLE coupons ADD COLUMN sms_next_at timestamptz;
ALTER TABLE coupons ADD COLUMN sms_text text;
CREATE INDEX coupons_sms_due ON coupons (chain_id, sms_next_at) WHERE sms_state = 'due';
`,
};
