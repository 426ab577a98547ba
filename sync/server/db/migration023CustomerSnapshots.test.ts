import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database';
import { migrate, MIGRATIONS } from './migrations';

const SNAPSHOT_TABLES = ['customer_snapshot_builds', 'customer_snapshot_chunks', 'customer_snapshots'];

async function tables(db: Database): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'customer_snapshot%' ORDER BY table_name",
  );
  return rows.map((r) => r.table_name);
}

/** A database as the server left it at migration 22, before this one shipped. */
async function atMigration22(): Promise<Database> {
  const db = await openDatabase({ memory: true });
  await db.exec('CREATE TABLE schema_migrations (id int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  for (const m of MIGRATIONS.filter((x) => x.id <= 22)) {
    await db.exec(m.sql);
    await db.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
  }
  return db;
}

/** Store a snapshot row and a chunk, as the server does, so the tables are shown usable. */
async function storeOne(db: Database, hash: string): Promise<void> {
  await db.query('INSERT INTO customer_snapshot_chunks (hash, n, data) VALUES ($1, 0, $2)', [hash, Buffer.from('snap')]);
  await db.query('INSERT INTO customer_snapshots (hash, chain_id, cursor, customers, bytes, built_at) VALUES ($1, 1, 0, 0, 4, now())', [hash]);
  await db.query('INSERT INTO customer_snapshot_builds (chain_id, started_at) VALUES (1, now()) ON CONFLICT DO NOTHING');
}

describe('migration 23: customer snapshot tables', () => {
  it('a fresh database has them', async () => {
    const db = await openDatabase({ memory: true });
    await migrate(db);
    expect(await tables(db)).toEqual(SNAPSHOT_TABLES);
    await storeOne(db, 'a');
    await db.close();
  });

  it('a database upgraded from migration 22 gets them', async () => {
    const db = await atMigration22();
    expect(await tables(db)).toEqual([]);
    // 23 first, then whatever later migrations there are (24 onwards).
    expect((await migrate(db))[0]).toBe(23);
    expect(await tables(db)).toEqual(SNAPSHOT_TABLES);
    await storeOne(db, 'a');
    await db.close();
  });

  it('a database whose older server made them on first use keeps its snapshots', async () => {
    const db = await atMigration22();
    // What the server before migration 23 ran on its first snapshot offer.
    await db.exec(`
      CREATE TABLE customer_snapshots (hash text PRIMARY KEY, chain_id int NOT NULL, cursor bigint NOT NULL, customers int NOT NULL, bytes bigint NOT NULL, built_at timestamptz NOT NULL);
      CREATE INDEX customer_snapshots_chain ON customer_snapshots (chain_id, built_at DESC);
      CREATE TABLE customer_snapshot_chunks (hash text NOT NULL, n int NOT NULL, data bytea NOT NULL, PRIMARY KEY (hash, n));
      CREATE TABLE customer_snapshot_builds (chain_id int PRIMARY KEY, started_at timestamptz NOT NULL);`);
    await storeOne(db, 'old');
    // 23 first, then whatever later migrations there are (24 onwards).
    expect((await migrate(db))[0]).toBe(23);
    expect(await db.query('SELECT hash FROM customer_snapshots')).toEqual([{ hash: 'old' }]);
    await storeOne(db, 'new');
    expect((await db.query('SELECT hash FROM customer_snapshots ORDER BY hash')).map((r) => r.hash)).toEqual(['new', 'old']);
    await db.close();
  });
});
