import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { secureDataDir } from './dataDir';

export type Row = Record<string, unknown>;

/** The few operations the server needs, the same over PGlite and PostgreSQL. */
export interface Sql {
  readonly kind: 'pglite' | 'postgres';
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
}

/**
 * Statements that ride with BEGIN and COMMIT, so a short transaction costs fewer round
 * trips. They take no parameters: values must be inlined with `literal`.
 */
export interface TxOptions<T> {
  /** Run right after BEGIN; the rows of each of its statements are passed to the body. */
  begin?: string;
  /** Run right before COMMIT, given the body's result; null for none. */
  beforeCommit?: (result: T) => string | null;
}

export interface Database extends Sql {
  transaction<T>(fn: (tx: Sql, begun: Row[][]) => Promise<T>, options?: TxOptions<T>): Promise<T>;
  close(): Promise<void>;
}

/** A value as an SQL literal, for the few statements that cannot take parameters. */
export function literal(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('literal: not a finite number');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value.includes('\0')) throw new RangeError('literal: NUL characters cannot be stored');
  // As PostgreSQL's own quote_literal: double the quotes; with backslashes, an E'' string with them doubled.
  const quoted = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** `poolSize`: connections per server instance (PostgreSQL only). */
export type DatabaseConfig = { url: string; poolSize?: number } | { dataDir: string } | { memory: true };

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if ('url' in config) return openPostgres(config.url, config.poolSize ?? 10);
  if ('dataDir' in config) secureDataDir(config.dataDir);
  return openPglite('dataDir' in config ? config.dataDir : undefined);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  if (dataDir) secureDataDir(dataDir);
  const asSql = (q: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    kind: 'pglite',
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      const res = await q.query<T>(text, params as unknown[]);
      return res.rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
  });
  // PGlite is a single connection: serialise transactions so they never interleave.
  let chain: Promise<unknown> = Promise.resolve();
  return {
    ...asSql(db),
    transaction<T>(fn: (tx: Sql, begun: Row[][]) => Promise<T>, options: TxOptions<T> = {}): Promise<T> {
      const run = chain.then(() =>
        db.transaction(async (tx) => {
          const begun = options.begin ? (await tx.exec(options.begin)).map((r) => r.rows as Row[]) : [];
          const result = await fn(asSql(tx), begun);
          const last = options.beforeCommit?.(result);
          if (last) await tx.exec(last);
          return result;
        }),
      );
      chain = run.catch(() => undefined);
      return run;
    },
    close: async () => {
      await db.close();
      if (dataDir) secureDataDir(dataDir);
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // int8 and numeric arrive as numbers, as PGlite gives them; our values stay far below 2^53.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client losing its connection must not crash the server.
  pool.on('error', () => undefined);
  const asSql = (q: pg.Pool | pg.PoolClient): Sql => ({
    kind: 'postgres',
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      // Parameterised statements are prepared once per connection (named by their text):
      // the server skips parsing and planning them again, which is much of a short query's cost.
      // Texts without parameters may carry inlined values, so they are never prepared.
      const res = params.length > 0 ? await q.query({ name: statementName(text), text, values: params as unknown[] }) : await q.query(text);
      return res.rows as T[];
    },
    async exec(text: string) {
      await q.query(text);
    },
  });
  await pool.query('select 1');
  return {
    ...asSql(pool),
    async transaction<T>(fn: (tx: Sql, begun: Row[][]) => Promise<T>, options: TxOptions<T> = {}): Promise<T> {
      const client = await pool.connect();
      try {
        let begun: Row[][] = [];
        if (options.begin) {
          // One simple-protocol query: BEGIN and the opening statements in a single round trip.
          const results = (await client.query(`BEGIN; ${options.begin}`)) as unknown as pg.QueryResult[];
          begun = results.slice(1).map((r) => (r.rows ?? []) as Row[]);
        } else {
          await client.query('BEGIN');
        }
        const result = await fn(asSql(client), begun);
        const last = options.beforeCommit?.(result);
        await client.query(last ? `${last}; COMMIT` : 'COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `lt_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}
