/**
 * Migration 19: consent withdrawal (152-FZ, issue 13). When a customer withdraws consent to the
 * processing of personal data, their contact data is erased at the server (the ledger is kept,
 * under the bare customer id) and every till drops them from its cache: `withdrawn_at` marks such
 * a customer, and pulls send them as deleted. In its own file; never edit it once shipped.
 */
export const MIGRATION_019_CONSENT_WITHDRAWAL = {
  id: 19,
  name: 'consent withdrawal: customers whose personal-data consent was withdrawn',
  sql: `
ALTER TABLE customers ADD COLUMN withdrawn_at timestamptz;
`,
};
