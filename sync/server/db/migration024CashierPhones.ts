/**
 * Migration 24: a cashier's own phone (issue 13). Beside their loyalty card (migration 21), the
 * phone they gave as a customer: a sale to the loyalty account holding it is the cashier's own,
 * flagged for head office, and the till is told which account that is. Kept at the server only
 * (tills get the account's id, never the phone). In its own file; never edit it once shipped.
 */
export const MIGRATION_024_CASHIER_PHONES = {
  id: 24,
  name: "cashiers' own phones",
  sql: `
ALTER TABLE cashiers ADD COLUMN phone_e164 text;
`,
};
