/**
 * Migration 21: a cashier's own loyalty card (issue 13). Cashiers link their card when they are
 * created, so a till can warn when a cashier identifies a customer with it, and head office sees
 * such sales on the exceptions report. In its own file; never edit it once shipped.
 */
export const MIGRATION_021_CASHIER_CARDS = {
  id: 21,
  name: "cashiers' own loyalty cards",
  sql: `
ALTER TABLE cashiers ADD COLUMN card_number text;
`,
};
