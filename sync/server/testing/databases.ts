import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../db/database';
import { migrate } from '../db/migrations';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

/**
 * The engines every server test runs against: PGlite always, PostgreSQL when DATABASE_URL
 * is set. Each PostgreSQL database lives in a fresh schema so tests never see each other.
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: 'pglite', open: async () => migrated(await openDatabase({ memory: true })) }];
  const url = process.env.DATABASE_URL;
  if (url) {
    list.push({
      name: 'postgres',
      open: async () => {
        const schema = `t_${randomBytes(6).toString('hex')}`;
        await adminQuery(url, `CREATE SCHEMA ${schema}`);
        const sep = url.includes('?') ? '&' : '?';
        const db = await openDatabase({ url: `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}` });
        return migrated({
          ...db,
          close: async () => {
            await db.close();
            await adminQuery(url, `DROP SCHEMA ${schema} CASCADE`);
          },
        });
      },
    });
  }
  return list;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function migrated(db: Database): Promise<Database> {
  await migrate(db);
  return db;
}

/**
 * One fresh PostgreSQL schema opened through `pools` separate pools, as separate server
 * instances would see it. Closing drops the schema.
 */
export async function sharedPostgres(url: string, pools: number, poolSize = 10): Promise<{ dbs: Database[]; close(): Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE SCHEMA ${schema}`);
  const sep = url.includes('?') ? '&' : '?';
  const schemaUrl = `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const dbs: Database[] = [];
  for (let i = 0; i < pools; i++) dbs.push(await openDatabase({ url: schemaUrl, poolSize }));
  await migrate(dbs[0]!);
  return {
    dbs,
    async close() {
      await Promise.all(dbs.map((d) => d.close()));
      await adminQuery(url, `DROP SCHEMA ${schema} CASCADE`);
    },
  };
}
