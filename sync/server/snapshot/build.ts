import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { encodePage, encodePrefix, SNAPSHOT_FORMAT, type SnapshotEntry, type SnapshotHeader } from '../../protocol/snapshot';
import { identifierKeys, packRow, storable } from '../../protocol/snapshotRow';
import type { CachedCustomer } from '../../protocol/schemas';
import { pullCustomers } from '../customers';
import type { Database } from '../db/database';

/** Entries per page: ~30 KB of text, a few KB compressed; what one lookup decompresses. */
export const KEY_PAGE_ENTRIES = 256;
export const ID_PAGE_ENTRIES = 1024;
/** Rows read from SQL per query while building. */
const READ_PAGE = 10_000;

export interface BuiltSnapshot {
  header: SnapshotHeader;
  /** SHA-256 of the whole file, hex. */
  hash: string;
  /** The file, in order: prefix then pages. */
  parts: Buffer[];
  bytes: number;
}

const byKey = (a: SnapshotEntry, b: SnapshotEntry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0);

function layer(entries: SnapshotEntry[], perPage: number): { first: string[]; lengths: number[]; pages: Buffer[] } {
  entries.sort(byKey);
  const first: string[] = [];
  const pages: Buffer[] = [];
  for (let i = 0; i < entries.length;) {
    let end = Math.min(entries.length, i + perPage);
    // A key never straddles two pages: a reader looks in one page only.
    while (end < entries.length && entries[end]!.key === entries[end - 1]!.key) end++;
    first.push(entries[i]!.key);
    pages.push(gzipSync(encodePage(entries.slice(i, end)), { level: 6 }));
    i = end;
  }
  return { first, lengths: pages.map((p) => p.length), pages };
}

/**
 * Build a chain's snapshot from the same rows and in the same row format a paged pull would
 * send, read with the paged pull's own query (so the two cannot disagree); a customer changed
 * while the build reads comes again later in change order, and the later row wins.
 */
export async function buildSnapshot(db: Database, chainId: number, now = Date.now()): Promise<BuiltSnapshot> {
  const latest = new Map<string, CachedCustomer>();
  let cursor = '0';
  for (;;) {
    const page = await pullCustomers(db, chainId, cursor, READ_PAGE);
    for (const c of page.items) latest.set(c.id, c);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return snapshotFile(chainId, latest.values(), cursor, now);
}

/** The snapshot file of these customers (the latest row of each; deleted ones are left out), complete up to `cursor`. */
export function snapshotFile(chainId: number, customers: Iterable<CachedCustomer>, cursor: string, now = Date.now()): BuiltSnapshot {
  const keyEntries: SnapshotEntry[] = [];
  const idEntries: SnapshotEntry[] = [];
  let count = 0;
  for (const c of customers) {
    if (c.deleted || !storable(c.id)) continue; // the till refuses such ids too
    const keys = identifierKeys(c).filter(storable);
    const row = packRow({ ...c, keys });
    count++;
    for (const key of keys) keyEntries.push({ key, owner: c.id, row });
    idEntries.push({ key: c.id, owner: c.id, row: JSON.stringify(keys) });
  }
  const keys = keyEntries.length;
  const keyLayer = layer(keyEntries, KEY_PAGE_ENTRIES);
  const idLayer = layer(idEntries, ID_PAGE_ENTRIES);
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    chainId,
    cursor,
    customers: count,
    keys,
    builtAt: now,
    keyLayer: { first: keyLayer.first, lengths: keyLayer.lengths },
    idLayer: { first: idLayer.first, lengths: idLayer.lengths },
  };
  const parts = [Buffer.from(encodePrefix(header)), ...keyLayer.pages, ...idLayer.pages];
  const sha = createHash('sha256');
  for (const p of parts) sha.update(p);
  return { header, hash: lettersOnly(sha.digest('hex')), parts, bytes: parts.reduce((n, p) => n + p.length, 0) };
}

/**
 * A hex digest spelt with the letters a-p: a name of 64 hex characters can hold a run of digits
 * that reads as a card number, which the server refuses in any path (app.ts screens every text).
 */
export const lettersOnly = (hex: string): string => hex.replace(/[0-9a-f]/g, (c) => 'abcdefghijklmnop'[parseInt(c, 16)]!);

export const snapshotName = (chainId: number, hash: string): string => `customers-${chainId}-${hash}.snap`;
