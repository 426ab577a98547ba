import { z } from 'zod';

/**
 * The customer snapshot: a chain's whole customer cache, built once by the server in the
 * till's own layout, so a new till stores it as it comes instead of paging customers out of
 * SQL and indexing them one by one.
 *
 * File layout (all offsets in bytes):
 *   "LTSNAP1\n" | uint32 LE header length | header JSON (UTF-8) | pages
 * Pages follow the header back to back: the key layer's pages, then the id layer's. Each
 * page is gzip-compressed text (see encodePage) of entries sorted by key, and the header
 * names each page's first key, so a reader finds the one page that may hold a key by binary
 * search and decompresses only that (gzip's CRC catches a damaged page).
 *  - key layer: key "card:…"/"phone:…"/"bank:…" -> owner (customer id), row (snapshotRow.ts);
 *  - id layer: key = owner = customer id, row = JSON array of its keys (to retire stale keys).
 * The name carries the SHA-256 of the whole file (hex digits spelt a-p, so no digit run in a path reads as a card number): a name never changes content, so the file
 * is served immutable with ETag and Range, and a till resumes a cut download where it stopped.
 */
export const SNAPSHOT_MAGIC = 'LTSNAP1\n';
export const SNAPSHOT_FORMAT = 1;

const Layer = z.object({
  /** First key of each page, ascending. */
  first: z.array(z.string()),
  /** Compressed length of each page. */
  lengths: z.array(z.number().int().positive()),
});

export const SnapshotHeader = z
  .object({
    format: z.literal(SNAPSHOT_FORMAT),
    chainId: z.number().int(),
    /** The change cursor the snapshot is complete up to: the till pulls changes after it. */
    cursor: z.string().regex(/^\d{1,19}$/),
    customers: z.number().int().nonnegative(),
    keys: z.number().int().nonnegative(),
    builtAt: z.number().int(),
    keyLayer: Layer,
    idLayer: Layer,
  })
  .refine((h) => h.keyLayer.first.length === h.keyLayer.lengths.length && h.idLayer.first.length === h.idLayer.lengths.length, 'a page count per layer');
export type SnapshotHeader = z.infer<typeof SnapshotHeader>;

/** What the server offers a till that starts from nothing. */
/** Path of a snapshot file on the server, for GET with Range. */
export const SnapshotPath = z.string().regex(/^\/api\/v1\/snapshot\/customers-\d+-[a-p]{64}\.snap$/, 'not a snapshot file');

export const SnapshotOffer = z.object({
  snapshot: z
    .object({
      /** customers-<chain>-<sha256, each hex digit as a letter a-p>.snap */
      name: z.string().regex(/^customers-\d+-[a-p]{64}\.snap$/),
      path: SnapshotPath,
      bytes: z.number().int().positive(),
      cursor: z.string().regex(/^\d{1,19}$/),
      customers: z.number().int().nonnegative(),
      builtAt: z.number().int(),
    })
    .nullable(),
});
export type SnapshotOffer = z.infer<typeof SnapshotOffer>;

export interface SnapshotEntry {
  key: string;
  owner: string;
  row: string;
}

/** Columns of one page: count, then keys, owners, rows, one per line (keys and owners hold no '\n', rows are JSON). */
export function encodePage(entries: readonly SnapshotEntry[]): string {
  return [String(entries.length), ...entries.map((e) => e.key), ...entries.map((e) => e.owner), ...entries.map((e) => e.row)].join('\n');
}

export interface PageColumns {
  keys: string[];
  owners: string[];
  rows: string[];
}

export function decodePage(text: string): PageColumns {
  const lines = text.split('\n');
  const n = Number(lines[0]);
  if (!Number.isInteger(n) || n < 0 || lines.length !== 1 + 3 * n) throw new Error('A snapshot page is damaged.');
  return { keys: lines.slice(1, 1 + n), owners: lines.slice(1 + n, 1 + 2 * n), rows: lines.slice(1 + 2 * n) };
}

/** Entries of a page for `key`, in stored order (a key may have several owners in a snapshot only if the server's data has it). */
export function pageMatches(page: PageColumns, key: string): SnapshotEntry[] {
  let lo = 0;
  let hi = page.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (page.keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  const out: SnapshotEntry[] = [];
  for (let i = lo; i < page.keys.length && page.keys[i] === key; i++) out.push({ key, owner: page.owners[i]!, row: page.rows[i]! });
  return out;
}

/** Index of the only page that may hold `key` (the last whose first key is <= key), or -1. */
export function pageFor(first: readonly string[], key: string): number {
  let lo = 0;
  let hi = first.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (first[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Byte offset of every page from the start of the data, key layer first, and the data's length. */
export function pageOffsets(h: SnapshotHeader): { offsets: number[]; lengths: number[]; dataBytes: number } {
  const lengths = [...h.keyLayer.lengths, ...h.idLayer.lengths];
  const offsets: number[] = [];
  let at = 0;
  for (const len of lengths) {
    offsets.push(at);
    at += len;
  }
  return { offsets, lengths, dataBytes: at };
}

export function encodePrefix(h: SnapshotHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(SNAPSHOT_MAGIC.length + 4 + json.length);
  out.set(new TextEncoder().encode(SNAPSHOT_MAGIC), 0);
  new DataView(out.buffer).setUint32(SNAPSHOT_MAGIC.length, json.length, true);
  out.set(json, SNAPSHOT_MAGIC.length + 4);
  return out;
}

/**
 * Read the header from the first bytes of a file: the header and where the pages start, or
 * how many bytes are needed to read it. Throws on a file that is not a snapshot.
 */
export function parsePrefix(bytes: Uint8Array): { header: SnapshotHeader; dataStart: number } | { need: number } {
  const fixed = SNAPSHOT_MAGIC.length + 4;
  if (bytes.length < fixed) return { need: fixed };
  if (new TextDecoder().decode(bytes.subarray(0, SNAPSHOT_MAGIC.length)) !== SNAPSHOT_MAGIC) throw new Error('Not a customer snapshot.');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(SNAPSHOT_MAGIC.length, true);
  if (bytes.length < fixed + len) return { need: fixed + len };
  const header = SnapshotHeader.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(fixed, fixed + len))));
  return { header, dataStart: fixed + len };
}

/** Text of a gzip page, with the platform's DecompressionStream (browsers, workers and Node alike). */
export async function gunzipText(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}
