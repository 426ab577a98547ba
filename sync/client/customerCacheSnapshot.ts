import { decodePage, gunzipText, pageFor, pageMatches, type PageColumns, type SnapshotEntry } from '../protocol/snapshot';
import type { TillDb } from './tillDb';

/**
 * The bottom layer of the customer cache: the chain's snapshot, stored as the server built it,
 * one IndexedDB record per page. Nothing is re-indexed on the till: a lookup finds the only
 * page that may hold its key by binary search over the pages' first keys (kept in the meta
 * record) and decompresses that page. The paged index (customerCache.ts) holds every change
 * since the snapshot and always wins over it: an entry there, tombstones included, decides
 * for its (key, owner), and the snapshot is read only for what the changes do not decide.
 *
 * Key pages stay gzip-compressed (a few KB each, decompressed at lookup with the platform's
 * DecompressionStream); id pages are stored as text, because writers read them inside their
 * IndexedDB transaction, where no other asynchronous work may run.
 */
export interface SnapshotMeta {
  name: 'base';
  /** The file's name (content hash inside) and where to fetch it. */
  file: string;
  path: string;
  /** Short tag written into each page, so a reader holding an older meta notices a new snapshot. */
  tag: string;
  cursor: string;
  customers: number;
  keys: number;
  bytes: number;
  dataStart: number;
  keyFirst: string[];
  idFirst: string[];
  offsets: number[];
  lengths: number[];
  /** Pages stored so far, in file order: the download resumes at this page. */
  nextPage: number;
  complete: boolean;
}

export interface SnapPage {
  /** Page number in the file: key pages first, then id pages. */
  n: number;
  tag: string;
  /** Key pages: the page as downloaded (gzip). */
  gz?: ArrayBuffer;
  /** Id pages: the page's text. */
  text?: string;
}

export const tagOf = (file: string): string => file.replace(/^customers-\d+-/, '').slice(0, 16);

interface Reader {
  meta: SnapshotMeta | undefined;
  /** When `meta` was read (performance.now()). */
  readAt: number;
  /** Decoded key pages, most recent last; a small LRU, as a cashier looks the same few customers up again. */
  pages: Map<number, PageColumns>;
}
const readers = new WeakMap<TillDb, Reader>();
const CACHED_PAGES = 64;
/**
 * While a snapshot loads, how long a lookup trusts the meta it read last. The meta is large (every
 * page's first key: ~0.4 MB at 1M customers) and its store is written as pages arrive, so reading
 * it for every lookup cost a large read and a wait behind the loader. What it says of a file
 * never changes; a newer file shows itself by the tag of the pages read.
 */
const META_FRESH_MS = 1_000;
const ID_PAGES_PER_READ = 16;

const req = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((ok, ko) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });

/** The snapshot's meta as this connection last saw it; read again now and then while none is complete (another connection may be loading one). */
async function metaFor(idb: IDBDatabase, reader: Reader, force: boolean): Promise<SnapshotMeta | undefined> {
  if (!force && reader.meta && (reader.meta.complete || performance.now() - reader.readAt < META_FRESH_MS)) return reader.meta;
  const meta = (await req(idb.transaction('snapshot', 'readonly').objectStore('snapshot').get('base'))) as SnapshotMeta | undefined;
  if (meta?.tag !== reader.meta?.tag) reader.pages.clear();
  reader.meta = meta;
  reader.readAt = performance.now();
  return meta;
}

/**
 * What the snapshot holds for a lookup key: its entries, oldest layer of a lookup. Works during
 * the download too, from the pages stored so far. Uses the open IndexedDB connection directly, as lookups do.
 */
export async function snapshotKeyEntries(db: TillDb, key: string): Promise<SnapshotEntry[]> {
  if (!db.isOpen()) await db.open();
  const idb = db.backendDB();
  if (!idb.objectStoreNames.contains('snapPages')) return [];
  let reader = readers.get(db);
  if (!reader) readers.set(db, (reader = { meta: undefined, readAt: 0, pages: new Map() }));
  for (let attempt = 0; attempt < 2; attempt++) {
    const meta = await metaFor(idb, reader, attempt > 0);
    if (!meta) return [];
    const n = pageFor(meta.keyFirst, key);
    if (n < 0) return [];
    let page = reader.pages.get(n);
    if (!page) {
      const rec = (await req(idb.transaction('snapPages', 'readonly').objectStore('snapPages').get(n))) as SnapPage | undefined;
      if (!rec?.gz) return []; // not downloaded yet
      if (rec.tag !== meta.tag) continue; // a newer snapshot replaced the one we knew
      page = decodePage(await gunzipText(new Uint8Array(rec.gz)));
      if (reader.pages.size >= CACHED_PAGES) reader.pages.delete(reader.pages.keys().next().value!);
    } else reader.pages.delete(n);
    reader.pages.set(n, page);
    return pageMatches(page, key);
  }
  return [];
}

/** Whether this connection already knows a complete snapshot lies below: lookups then read it alongside the changes. */
export const snapshotKnown = (db: TillDb): boolean => readers.get(db)?.meta?.complete === true;

/** The snapshot's keys of some customers, as read from the file with this tag. */
export interface SnapshotIdKeys {
  tag: string;
  keys: Map<string, string[]>;
}

/**
 * The snapshot's keys of these customers (absent: not in the snapshot). Runs inside a Dexie
 * transaction over `db.snapshot` and `db.snapPages`: id pages are text, so no decompression.
 * Undefined when no complete snapshot lies below.
 */
async function idKeysIn(db: TillDb, ids: readonly string[]): Promise<SnapshotIdKeys | undefined> {
  const meta = await db.snapshot.get('base');
  if (!meta?.complete) return undefined;
  const found = new Map<string, string[]>();
  const byPage = new Map<number, string[]>();
  for (const id of ids) {
    const i = pageFor(meta.idFirst, id);
    if (i < 0) continue;
    const n = meta.keyFirst.length + i;
    const list = byPage.get(n);
    if (list) list.push(id);
    else byPage.set(n, [id]);
  }
  // A few pages per request: a page of changes may touch every id page (~70 KB of text each at
  // 1M customers), and one request for them all held the database up for lookups meanwhile.
  const wanted = [...byPage.keys()];
  const pages: (SnapPage | undefined)[] = [];
  for (let i = 0; i < wanted.length; i += ID_PAGES_PER_READ) pages.push(...(await db.snapPages.bulkGet(wanted.slice(i, i + ID_PAGES_PER_READ))));
  [...byPage.values()].forEach((wanted, i) => {
    const text = pages[i]?.text;
    if (text === undefined) return;
    const page = decodePage(text);
    for (const id of wanted) {
      const [e] = pageMatches(page, id);
      if (e) found.set(id, JSON.parse(e.row) as string[]);
    }
  });
  return { tag: meta.tag, keys: found };
}

/** Inside a writer's transaction: the snapshot's keys of these customers. */
export async function snapshotIdKeys(db: TillDb, ids: readonly string[]): Promise<Map<string, string[]>> {
  return ids.length ? ((await idKeysIn(db, ids))?.keys ?? new Map()) : new Map();
}

/**
 * The same, read ahead of a writer's transaction in a read-only one (which lookups do not wait
 * for): decoding the id pages of a page of changes took hundreds of ms that the write lock, and
 * every lookup behind it, waited through. A snapshot's pages never change, so the writer only
 * checks that the tag is still the one below.
 */
export function readSnapshotIdKeys(db: TillDb, ids: readonly string[]): Promise<SnapshotIdKeys | undefined> {
  return db.transaction('r', db.snapshot, db.snapPages, () => idKeysIn(db, ids));
}

/** Whether a complete snapshot lies under the cache (writers then cannot trust the id filter alone). */
export async function hasSnapshot(db: TillDb): Promise<boolean> {
  return (await db.snapshot.get('base'))?.complete === true;
}
