/**
 * Migration 29 (issue 17): a receipt's sale and posted pricing are its two large values (1-2 kB
 * of JSON each), and PostgreSQL compresses them on every insert. With lz4 instead of the default
 * pglz the push bench's database CPU per sale fell by about a tenth (0.325 to 0.295 ms, the same
 * conditions; docs/scaling.md). Only a PostgreSQL built with lz4 has it: elsewhere (PGlite) the
 * columns keep the default, and nothing else changes. Values written before keep their method.
 * In its own file; never edit it once shipped.
 */
export const MIGRATION_029_LZ4_RECEIPTS = {
  id: 29,
  name: 'receipts: lz4 compression of the sale and its posted pricing where the server has lz4',
  sql: `
DO $$
BEGIN
  ALTER TABLE receipts ALTER COLUMN sale SET COMPRESSION lz4, ALTER COLUMN posted SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available: receipts keep the default compression';
END $$;
`,
};
