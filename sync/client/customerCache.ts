import type { CachedCustomer } from '../protocol/schemas';
import { packCustomer, toLocal, unpackCustomer } from './customerRow';
import { hash32 } from './hash';
import { add, emptyFilter, filterBitsFor, mayHave, needsGrowth } from './idFilter';
import { hasSnapshot, snapshotIdKeys, snapshotKeyEntries, snapshotKnown, type SnapshotIdKeys } from './customerCacheSnapshot';
import {
  asRecord,
  COARSE,
  COARSE_BITS,
  coarseOf,
  compactBucket,
  findEntries,
  forEachOwner,
  fragmentRange,
  markerOf,
  resolveLookup,
  sliceLo,
  storable,
  writeFragments,
  type IndexEntry,
  type IndexFragment,
  type IndexPage,
  type IndexTables,
} from './pagedIndex';
import { identifierKeys, type CacheMeta, type DeltaStats, type LocalCustomer, type TillDb } from './tillDb';

/**
 * The till's customer cache: a key index (lookup key -> customer row, the only thing a
 * lookup reads) and an id index (customer id -> its keys, read by writers to retire stale
 * keys). Both are paged indexes; see pagedIndex.ts.
 */
// Small key pages keep a lookup's single read near a raw index get (measured: 32 entries, ~4 KB).
export const keyIndex = (db: TillDb): IndexTables => ({ fragments: db.keyDeltas, pages: db.keyPages, pageEntries: 32, markPages: true });
export const idIndex = (db: TillDb): IndexTables => ({ fragments: db.idDeltas, pages: db.idPages, pageEntries: 512 });

/** Tables a writer's transaction must cover. */
export const cacheTables = (db: TillDb) => [db.keyDeltas, db.keyPages, db.idDeltas, db.idPages, db.cacheMeta, db.cacheFilter, db.snapshot, db.snapPages];

const emptyStats = (): DeltaStats => ({ entries: new Array<number>(COARSE).fill(0), fragments: new Array<number>(COARSE).fill(0) });
const emptyMeta = (): CacheMeta => ({ name: 'cache', seq: 0, customers: 0, keys: 0, keyDeltas: emptyStats(), idDeltas: emptyStats() });

function addStats(stats: DeltaStats, written: Map<number, number>): void {
  for (const [c, n] of written) {
    stats.entries[c] = (stats.entries[c] ?? 0) + n;
    stats.fragments[c] = (stats.fragments[c] ?? 0) + 1;
  }
}

/** A batch turned into index rows ahead of its transaction, so the write lock is held for writing, not for JSON. */
export interface PreparedBatch {
  items: { id: string; keys: string[] | null; row: string; idRow: string }[];
  /** The snapshot's keys of these customers, read ahead (readSnapshotIdKeys), used if that snapshot is still the one below. */
  below?: SnapshotIdKeys;
}

export function prepareCustomers(items: readonly CachedCustomer[]): PreparedBatch {
  const bad = items.find((c) => !storable(c.id));
  if (bad) throw new Error(`The server sent a customer id the cache cannot store: ${JSON.stringify(bad.id)}`);
  return {
    items: items.map((c) => {
      const keys = c.deleted ? null : identifierKeys(c).filter(storable);
      return { id: c.id, keys, row: keys ? packCustomer(toLocal(c, keys)) : '', idRow: keys ? JSON.stringify(keys) : '' };
    }),
  };
}

/**
 * Store a prepared batch of customers (inserts, updates, deletes) as one set of fragments. Run
 * inside a read-write transaction over `cacheTables(db)`. `moreToCome` (customers the server
 * still has for this load) sizes the id filter up front so a bulk load never has to grow it.
 */
export async function storeCustomers(db: TillDb, batch: PreparedBatch, moreToCome = 0): Promise<void> {
  const { items } = batch;
  if (items.length === 0) return;
  const [meta = emptyMeta(), stored] = await Promise.all([db.cacheMeta.get('cache'), db.cacheFilter.get('ids')]);
  let filter = stored ?? emptyFilter(filterBitsFor(items.length + moreToCome));
  const wanted = filter.count + items.length + moreToCome;
  if (needsGrowth(filter, wanted)) {
    const grown = emptyFilter(filterBitsFor(wanted * 2));
    await forEachOwner(idIndex(db), (id) => add(grown, id));
    filter = grown;
  }

  // Over a snapshot the filter knows only the ids written since, so every id may be known.
  const base = await db.snapshot.get('base');
  const snapshot = base?.complete === true;
  const maybeKnown = items.map((c) => snapshot || mayHave(filter, c.id));
  const asked = items.filter((_, i) => maybeKnown[i]).map((c) => c.id);
  // Tombstones too: a customer deleted since the snapshot must not come back from it.
  const known = await findEntries(idIndex(db), asked, snapshot);
  const inSnapshot = !snapshot
    ? new Map<string, string[]>()
    : batch.below?.tag === base.tag
      ? batch.below.keys
      : await snapshotIdKeys(
          db,
          asked.filter((id) => !known.has(id)),
        );
  // Live keys of customers already met in this batch (null: deleted).
  const current = new Map<string, string[] | null>();
  const keysBefore = (id: string): string[] | null => {
    const met = current.get(id);
    if (met !== undefined) return met;
    const e = known.get(id);
    if (e) return e.row === '' ? null : (JSON.parse(e.row) as string[]);
    return inSnapshot.get(id) ?? null;
  };

  let keyEntries: IndexEntry[] = [];
  let idEntries: IndexEntry[] = [];
  items.forEach((c, i) => {
    const before = keysBefore(c.id);
    const after = c.keys;
    const retired = (before ?? []).filter((k) => !after?.includes(k));
    if (current.has(c.id)) {
      // Seen earlier in this batch (rare): its entries for the keys written now are superseded.
      const rewritten = new Set([...retired, ...(after ?? [])]);
      keyEntries = keyEntries.filter((e) => e.owner !== c.id || !rewritten.has(e.key));
      idEntries = idEntries.filter((e) => e.owner !== c.id);
    }
    for (const key of retired) keyEntries.push({ key, owner: c.id, row: '' });
    for (const key of after ?? []) keyEntries.push({ key, owner: c.id, row: c.row });
    idEntries.push({ key: c.id, owner: c.id, row: c.idRow });
    meta.customers += (after ? 1 : 0) - (before ? 1 : 0);
    meta.keys += (after?.length ?? 0) - (before?.length ?? 0);
    current.set(c.id, after);
    if (after && !maybeKnown[i]) add(filter, c.id);
  });

  meta.seq += 1;
  // Reversed: newest first, as the index expects among entries for the same key.
  const [keysWritten, idsWritten] = await Promise.all([
    writeFragments(keyIndex(db), keyEntries.reverse(), meta.seq),
    writeFragments(idIndex(db), idEntries.reverse(), meta.seq),
  ]);
  addStats(meta.keyDeltas, keysWritten);
  addStats(meta.idDeltas, idsWritten);
  await Promise.all([db.cacheMeta.put(meta), db.cacheFilter.put(filter)]);
}

/**
 * Per connection, per coarse bucket, what the last lookup learnt: the bucket's page bits, or
 * NO_PAGES (not compacted yet), or 0 (not looked at yet); and whether its level 0 held
 * entries. Only a hint for which records to ask for first (level 0 beside the page at once,
 * rather than after the page's marker says so); what a lookup returns rests on what its own
 * transaction read, so another tab or worker writing in between cannot make it stale.
 */
const NO_PAGES = 255;
interface Hint {
  bits: Uint8Array;
  level0: Uint8Array;
  /** Bits to try in a bucket not looked at yet: the last ones learnt anywhere. */
  guess: number;
}
const hints = new WeakMap<TillDb, Hint>();

type KeyRecords = [IndexFragment[], IndexPage | undefined];
/** `retry`: the bucket was re-sliced since we last looked; ask again with the bits now known. */
type Read = KeyRecords | 'retry';

/**
 * One read-only transaction: the key's page and its level-0 marker in one range request, and
 * the bucket's level-0 fragments only when the marker (or no pages at all) says so.
 */
function readKeyRecords(idb: IDBDatabase, h: number, hint: Hint): Promise<Read> {
  const c = coarseOf(h);
  const known = hint.bits[c]!;
  const bits = known === 0 ? hint.guess : known === NO_PAGES ? COARSE_BITS : known;
  const lo = sliceLo(h, bits);
  return new Promise((resolve, reject) => {
    const tx = idb.transaction(['keyDeltas', 'keyPages'], 'readonly');
    let fragments: IndexFragment[] | null = null;
    let fragmentsAsked = false;
    let page: IndexPage | undefined | null = null;
    const done = () => {
      if (fragments !== null && page !== null) resolve([fragments, page]);
    };
    const askFragments = () => {
      if (fragmentsAsked) return;
      fragmentsAsked = true;
      const [flo, fhi] = fragmentRange(c);
      const r = tx.objectStore('keyDeltas').getAll(IDBKeyRange.bound(flo, fhi));
      r.onsuccess = () => {
        fragments = r.result as IndexFragment[];
        hint.level0[c] = fragments.length > 0 ? 1 : 0;
        done();
      };
    };
    if (known === NO_PAGES || hint.level0[c]) askFragments(); // loading, or changes pending: level 0 likely matters
    const r = tx.objectStore('keyPages').getAll(IDBKeyRange.bound(lo, markerOf(lo)));
    r.onsuccess = () => {
      const records = r.result as IndexPage[];
      const found = records[0]?.lo === lo ? records[0] : undefined;
      if (found && found.bits === bits) {
        hint.bits[c] = bits;
        hint.guess = bits;
        page = found;
        if (records.length > 1) {
          hint.level0[c] = 1;
          askFragments(); // marked: this page has newer entries in level 0
        } else if (!fragmentsAsked) fragments = [];
        return done();
      }
      // Every slice of a compacted bucket is stored, so no page at the bucket's first slice means no pages at all.
      if (!found && bits === COARSE_BITS) {
        hint.bits[c] = NO_PAGES;
        page = undefined;
        askFragments();
        return done();
      }
      hint.bits[c] = found ? found.bits : NO_PAGES;
      resolve('retry');
    };
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('lookup transaction aborted'));
  });
}

async function readWithRetries(db: TillDb, h: number): Promise<KeyRecords> {
  // The open IndexedDB connection under Dexie: lookups use it directly, Dexie's promise layer roughly doubled their time.
  if (!db.isOpen()) await db.open();
  const idb = db.backendDB();
  let hint = hints.get(db);
  if (!hint) hints.set(db, (hint = { bits: new Uint8Array(COARSE), level0: new Uint8Array(COARSE), guess: COARSE_BITS }));
  // A wrong guess costs at most: try the guess, learn there are no pages or other bits, read with those.
  for (let attempt = 0; attempt < 4; attempt++) {
    const read = await readKeyRecords(idb, h, hint);
    if (read !== 'retry') return read;
  }
  throw new Error('The customer cache changed shape during a lookup; try again.');
}

/** The cached customer a lookup key points at, if any: one read-only transaction, usually one request. */
export async function lookupCustomer(db: TillDb, key: string): Promise<LocalCustomer | undefined> {
  const h = hash32(key);
  // Over a known snapshot, its page is read at the same time as the changes (most keys are only there).
  const below = snapshotKnown(db) ? snapshotKeyEntries(db, key) : null;
  below?.catch(() => undefined);
  let records: KeyRecords;
  try {
    records = await readWithRetries(db, h);
  } catch (e) {
    // The connection may have been closed under us (another tab upgraded the schema): reopen once.
    if (!(e instanceof DOMException && e.name === 'InvalidStateError')) throw e;
    db.close();
    records = await readWithRetries(db, h);
  }
  // The changes since the snapshot decide first; the snapshot only for what they leave open.
  const entry = resolveLookup(key, ...records) ?? resolveLookup(key, ...records, asRecord(await (below ?? snapshotKeyEntries(db, key))));
  return entry ? unpackCustomer(entry.owner, entry.row) : undefined;
}

export interface CompactionPolicy {
  /** Merge a coarse bucket's fragments into its pages once they hold this many entries. */
  majorEntries: number;
  /** Merge a coarse bucket's fragments into one once there are more than this many. */
  maxFragments: number;
}

/** ~512 pending entries per coarse bucket keeps a lookup's fragment read near one page's size. */
export const DEFAULT_COMPACTION: CompactionPolicy = { majorEntries: 512, maxFragments: 8 };

/**
 * Bring both indexes back to few, small records per bucket. One short transaction per coarse
 * bucket, so lookups interleave; safe to interrupt and repeat.
 */
export async function compactCache(db: TillDb, policy: CompactionPolicy = DEFAULT_COMPACTION): Promise<void> {
  const meta = await db.cacheMeta.get('cache');
  if (!meta) return;
  const keepTombstones = await hasSnapshot(db);
  for (const which of ['keyDeltas', 'idDeltas'] as const) {
    const tables = { ...(which === 'keyDeltas' ? keyIndex(db) : idIndex(db)), keepTombstones };
    for (let c = 0; c < COARSE; c++) {
      const entries = meta[which].entries[c] ?? 0;
      const fragments = meta[which].fragments[c] ?? 0;
      const mode = entries >= policy.majorEntries ? 'major' : fragments > policy.maxFragments ? 'minor' : null;
      if (!mode) continue;
      await db.transaction('rw', tables.fragments, tables.pages, db.cacheMeta, async () => {
        const left = await compactBucket(tables, c, mode);
        const fresh = (await db.cacheMeta.get('cache')) ?? emptyMeta();
        fresh[which].entries[c] = left;
        fresh[which].fragments[c] = left > 0 ? 1 : 0;
        await db.cacheMeta.put(fresh);
      });
    }
  }
}
