/**
 * Migration 23 (issue 17): the chain's customer snapshots, stored in the database (metadata and
 * the file in 1 MB chunks) so every server instance can serve any of them, and the build lease
 * (one builder across instances). Servers before this migration made these tables on first use,
 * hence IF NOT EXISTS: an upgraded database may already hold them, with snapshots worth keeping.
 * In its own file; never edit it once shipped.
 */
export const MIGRATION_023_CUSTOMER_SNAPSHOTS = {
  id: 23,
  name: 'customer snapshots for till bootstrap: files in chunks, build lease',
  sql: `
CREATE TABLE IF NOT EXISTS customer_snapshots (
  hash text PRIMARY KEY,
  chain_id int NOT NULL,
  cursor bigint NOT NULL,
  customers int NOT NULL,
  bytes bigint NOT NULL,
  built_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS customer_snapshots_chain ON customer_snapshots (chain_id, built_at DESC);
CREATE TABLE IF NOT EXISTS customer_snapshot_chunks (
  hash text NOT NULL,
  n int NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (hash, n)
);
CREATE TABLE IF NOT EXISTS customer_snapshot_builds (
  chain_id int PRIMARY KEY,
  started_at timestamptz NOT NULL
);
`,
};
