/**
 * Migration 30 (issue 17): a sale reads its customer's open lots and the eligible spend of their
 * receipts in the tier period. Both reads walked every lot and every receipt the customer ever
 * had, fetching each row from the table, so a sale's database work grew with the customer's
 * history (a regular customer leaves a lot and a receipt a visit, a hundred a year). Now
 * - open lots (something left, or not yet activated) have an index of their own, which spent
 *   lots leave; the index over every lot of a customer is gone (its other readers ask for open
 *   lots, or for lots by id);
 * - the receipts' customer index carries the eligible spend, so the sum over a tier period is
 *   read from the index alone where the table is vacuumed (PostgreSQL's autovacuum does it).
 * The push bench's customers have a few sales each, too few for either to show in its figures.
 * In its own file; never edit it once shipped.
 */
export const MIGRATION_030_OPEN_LOTS_SPEND_INDEX = {
  id: 30,
  name: 'indexes: open lots per customer; the eligible spend in the receipts customer index',
  sql: `
CREATE INDEX lots_open ON lots (customer_id) WHERE remaining > 0 OR NOT activated;
DROP INDEX lots_customer;
CREATE INDEX receipts_customer_spend ON receipts (customer_id, sold_at) INCLUDE (eligible_net) WHERE customer_id IS NOT NULL;
DROP INDEX receipts_customer;
`,
};
