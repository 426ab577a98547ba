/**
 * Migration 25 (issue 16): electronic gift certificates sold to a phone. The server issues the
 * code when the till asks and keeps the customer's phone only until the sale's push activates the
 * certificate and its code goes by SMS; then the phone is cleared (minimal personal data).
 * `sms_sent_event` is taken by a conditional UPDATE, so a repeated push sends it once.
 * In its own file; never edit it once shipped.
 */
export const MIGRATION_025_ELECTRONIC_CERTIFICATES = {
  id: 25,
  name: 'electronic gift certificates: phone until activation, SMS of the code once',
  sql: `
ALTER TABLE gift_certificates ADD COLUMN electronic boolean NOT NULL DEFAULT false;
ALTER TABLE gift_certificates ADD COLUMN phone_e164 text;
ALTER TABLE gift_certificates ADD COLUMN sms_sent_at timestamptz;
CREATE INDEX gift_certificates_sms_due ON gift_certificates (chain_id) WHERE electronic AND sms_sent_at IS NULL;
`,
};
