import { createReadStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Database } from '../db/database';
import { buildSnapshot, snapshotName } from './build';

/**
 * Where snapshots live. The database holds them (metadata and the file in 1 MB chunks), so
 * every server instance can serve any snapshot and the server keeps no state of its own; each
 * instance copies a snapshot once into a local file and serves that, as a static file. The
 * name holds the content's hash, so a local copy can never be stale.
 */
const CHUNK = 1 << 20;
const BUILD_LEASE_MINUTES = 30;

export interface SnapshotInfo {
  hash: string;
  chainId: number;
  name: string;
  cursor: string;
  customers: number;
  bytes: number;
  builtAt: number;
}

type InfoRow = { hash: string; chain_id: number; cursor: string; customers: number; bytes: string | number; built_at: Date | string };
const toInfo = (r: InfoRow): SnapshotInfo => ({
  hash: r.hash,
  chainId: Number(r.chain_id),
  name: snapshotName(Number(r.chain_id), r.hash),
  cursor: String(r.cursor),
  customers: Number(r.customers),
  bytes: Number(r.bytes),
  builtAt: new Date(r.built_at).getTime(),
});

export async function latestSnapshot(db: Database, chainId: number): Promise<SnapshotInfo | null> {
  const [row] = await db.query<InfoRow>(
    'SELECT hash, chain_id, cursor::text AS cursor, customers, bytes, built_at FROM customer_snapshots WHERE chain_id = $1 ORDER BY built_at DESC LIMIT 1',
    [chainId],
  );
  return row ? toInfo(row) : null;
}

export async function snapshotByHash(db: Database, hash: string): Promise<SnapshotInfo | null> {
  const [row] = await db.query<InfoRow>('SELECT hash, chain_id, cursor::text AS cursor, customers, bytes, built_at FROM customer_snapshots WHERE hash = $1', [
    hash,
  ]);
  return row ? toInfo(row) : null;
}

/** Build a snapshot of the chain now and store it; older ones but the previous are dropped (a till may still be fetching that). */
export async function storeNewSnapshot(db: Database, chainId: number, now = Date.now()): Promise<SnapshotInfo> {
  const built = await buildSnapshot(db, chainId, now);
  const file = Buffer.concat(built.parts);
  built.parts.length = 0;
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM customer_snapshot_chunks WHERE hash = $1', [built.hash]);
    for (let n = 0; n * CHUNK < file.length; n++) {
      await tx.query('INSERT INTO customer_snapshot_chunks (hash, n, data) VALUES ($1, $2, $3)', [built.hash, n, file.subarray(n * CHUNK, (n + 1) * CHUNK)]);
    }
    await tx.query(
      `INSERT INTO customer_snapshots (hash, chain_id, cursor, customers, bytes, built_at) VALUES ($1, $2, $3::bigint, $4, $5, to_timestamp($6 / 1000.0))
       ON CONFLICT (hash) DO UPDATE SET built_at = EXCLUDED.built_at`,
      [built.hash, chainId, built.header.cursor, built.header.customers, file.length, now],
    );
    const old = await tx.query<{ hash: string }>('SELECT hash FROM customer_snapshots WHERE chain_id = $1 ORDER BY built_at DESC OFFSET 2', [chainId]);
    for (const { hash } of old) {
      await tx.query('DELETE FROM customer_snapshot_chunks WHERE hash = $1', [hash]);
      await tx.query('DELETE FROM customer_snapshots WHERE hash = $1', [hash]);
    }
  });
  writeLocal(snapshotName(chainId, built.hash), file);
  return (await snapshotByHash(db, built.hash))!;
}

/** When a snapshot is worth rebuilding: it is old, or tills would pull many changes after it. */
export interface SnapshotPolicy {
  maxAgeMs: number;
  /** Rebuild once this many customers changed after the snapshot's cursor... */
  minChanges: number;
  /** ...and they are at least this share of the chain's customers. */
  changeShare: number;
}
export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = { maxAgeMs: 24 * 3600_000, minChanges: 1_000, changeShare: 0.05 };

export async function isStale(db: Database, s: SnapshotInfo, policy: SnapshotPolicy, now = Date.now()): Promise<boolean> {
  if (now - s.builtAt > policy.maxAgeMs) return true;
  const cap = Math.max(policy.minChanges, Math.ceil(policy.changeShare * s.customers));
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM customers WHERE chain_id = $1 AND change_seq > $2::bigint LIMIT ${cap}) s`,
    [s.chainId, s.cursor],
  );
  return Number(row?.n ?? 0) >= cap;
}

/**
 * Take the chain's build lease (one builder across instances; a lease older than
 * BUILD_LEASE_MINUTES is taken over, its builder presumed dead).
 */
async function takeLease(db: Database, chainId: number): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO customer_snapshot_builds (chain_id, started_at) VALUES ($1, now())
     ON CONFLICT (chain_id) DO UPDATE SET started_at = now()
       WHERE customer_snapshot_builds.started_at < now() - interval '${BUILD_LEASE_MINUTES} minutes'
     RETURNING chain_id`,
    [chainId],
  );
  return rows.length > 0;
}

const building = new Map<number, Promise<SnapshotInfo | null>>();

/** Rebuild in the background if no other instance is at it; resolves with the new snapshot, or null if another builder has the lease. */
export function rebuildInBackground(db: Database, chainId: number): Promise<SnapshotInfo | null> {
  let p = building.get(chainId);
  if (!p) {
    p = (async () => {
      if (!(await takeLease(db, chainId))) return null;
      try {
        return await storeNewSnapshot(db, chainId);
      } finally {
        await db.query('DELETE FROM customer_snapshot_builds WHERE chain_id = $1', [chainId]);
      }
    })().finally(() => building.delete(chainId));
    building.set(chainId, p);
  }
  return p;
}

/**
 * The snapshot to offer a till that starts from nothing: the newest, even stale (the till
 * pulls what changed after it), with a rebuild started when it is stale or missing.
 */
export async function snapshotToOffer(
  db: Database,
  chainId: number,
  policy: SnapshotPolicy = DEFAULT_SNAPSHOT_POLICY,
  onBuildError: (e: unknown) => void = () => undefined,
): Promise<SnapshotInfo | null> {
  const s = await latestSnapshot(db, chainId);
  if (!s || (await isStale(db, s, policy))) rebuildInBackground(db, chainId).catch(onBuildError);
  return s;
}

// ---- the local static copy ----
const localDir = (): string => join(process.env.LT_SNAPSHOT_DIR ?? join(tmpdir(), 'loyalty-till-snapshots'));

function writeLocal(name: string, file: Buffer): string {
  const dir = localDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  if (existsSync(path) && statSync(path).size === file.length) return path;
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, file, { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}

/** Path of the local copy of a stored snapshot, copied out of the database on first use. */
export async function localSnapshotFile(db: Database, s: SnapshotInfo): Promise<string> {
  const path = join(localDir(), s.name);
  if (existsSync(path) && statSync(path).size === s.bytes) return path;
  const chunks = await db.query<{ data: Uint8Array }>('SELECT data FROM customer_snapshot_chunks WHERE hash = $1 ORDER BY n', [s.hash]);
  const file = Buffer.concat(chunks.map((c) => Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength)));
  if (file.length !== s.bytes) throw new Error(`snapshot ${s.name} is incomplete in the database`);
  return writeLocal(s.name, file);
}

export const readRange = (path: string, start: number, end: number): Readable => createReadStream(path, { start, end });
