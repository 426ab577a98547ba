import type { Table } from 'dexie';
import { storable } from '../protocol/snapshotRow';
import { hash32 } from './hash';

/**
 * A string-keyed index stored many entries per IndexedDB record, as a two-level
 * log-structured map:
 *  - level 0: one fragment per (coarse hash bucket, write batch), keyed `coarse * 2^32 + seq`,
 *    so a batch of thousands of entries costs at most COARSE records, and a lookup reads its
 *    coarse bucket's fragments with one range request;
 *  - level 1: pages, each one fixed-width slice of its coarse bucket's hash range (`lo` = first
 *    hash covered, `bits` = hash bits that name the slice), a few dozen entries each. Every
 *    slice is written, even empty, so a reader that knows a bucket's `bits` finds the page
 *    with a plain get, and one that guessed wrong learns the right `bits` from what it reads.
 * Compaction merges a coarse bucket's fragments into its pages.
 *
 * Level-0 markers (indexes with `markPages`): a writer that puts entries into level 0 of a
 * bucket that already has pages also stores an empty marker record at `page.lo + 0.5` beside
 * each page those keys fall in, in the same transaction. A lookup then reads its page and
 * the page's marker with ONE range request, and reads level 0 only when the marker (or no
 * page at all) says it must. Major compaction deletes the bucket's whole key range, markers
 * included. Measured: the second request was most of a lookup's cost over a raw index get;
 * its size barely mattered (an empty range or a small meta record cost the same).
 *
 * An entry is (key, owner, row). A key may have several owners over time (a card moving
 * between customers), so entries are per (key, owner), newest first; row '' is a tombstone
 * ("this key no longer belongs to this owner"). A lookup returns the newest live entry
 * among each owner's newest entry for the key.
 *
 * Columns are stored as single '\n'-joined strings: Chromium clones one long string far
 * faster than hundreds of short ones, in both directions.
 */
export interface IndexFragment {
  /** coarse * 2^32 + seq */
  id: number;
  keys: string;
  owners: string;
  rows: string;
}

export interface IndexPage {
  /** Lowest key hash this page covers; it covers 2^(32 - bits) hashes. */
  lo: number;
  bits: number;
  keys: string;
  owners: string;
  rows: string;
}

export interface IndexTables {
  fragments: Table<IndexFragment, number>;
  pages: Table<IndexPage, number>;
  /** Entries per level-1 page: small where lookups read pages, larger where only writers do. */
  pageEntries: number;
  /** Write level-0 markers beside pages (see above): for an index read by single-key lookups. */
  markPages?: boolean;
  /** Keep tombstones through major compaction: older entries lie below the index (a snapshot). */
  keepTombstones?: boolean;
}

export interface IndexEntry {
  key: string;
  owner: string;
  /** '' = tombstone */
  row: string;
}

export const COARSE_BITS = 7;
export const COARSE = 1 << COARSE_BITS;
const SEQ_SPAN = 2 ** 32;
const SEP = '\n';

export const coarseOf = (h: number): number => h >>> (32 - COARSE_BITS);
export const coarseLo = (c: number): number => c * 2 ** (32 - COARSE_BITS);
const MAX_PAGE_BITS = 28;
/** First hash of the slice of width 2^(32 - bits) that holds `h`. */
export const sliceLo = (h: number, bits: number): number => {
  const width = 2 ** (32 - bits);
  return Math.floor(h / width) * width;
};
export const fragmentRange = (c: number): [number, number] => [c * SEQ_SPAN, (c + 1) * SEQ_SPAN - 1];
/** Key of the level-0 marker of the page at `lo` (page keys are integers, slices at least 16 wide). */
export const markerOf = (lo: number): number => lo + 0.5;
/** Pages and markers share a table; a marker's key is not an integer. */
export const isPage = (r: IndexPage): boolean => Number.isInteger(r.lo);

export { storable };

type Packed = Pick<IndexFragment, 'keys' | 'owners' | 'rows'>;

/** A stored record opened for search; owners and rows are split only when a key matches. */
class Run {
  private readonly keys: string[];
  private owners: string[] | null = null;
  private rows: string[] | null = null;
  constructor(private readonly packed: Packed) {
    this.keys = packed.keys === '' ? [] : packed.keys.split(SEP);
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  *matches(key: string): Generator<IndexEntry> {
    for (let i = this.lowerBound(key); i < this.keys.length && this.keys[i] === key; i++) {
      this.owners ??= this.packed.owners.split(SEP);
      this.rows ??= this.packed.rows.split(SEP);
      yield { key, owner: this.owners[i]!, row: this.rows[i]! };
    }
  }
}

function* unpack(packed: Packed): Generator<IndexEntry> {
  if (packed.keys === '') return;
  const keys = packed.keys.split(SEP);
  const owners = packed.owners.split(SEP);
  const rows = packed.rows.split(SEP);
  for (let i = 0; i < keys.length; i++) yield { key: keys[i]!, owner: owners[i]!, row: rows[i]! };
}

/**
 * Newest live entry for `key` across records given newest first; with `tombstones`, the newest
 * entry even if it is a tombstone (for an index whose keys have one owner, as the id index).
 */
function resolve(records: Packed[], key: string, tombstones = false): IndexEntry | undefined {
  const decided = new Set<string>();
  for (const record of records) {
    for (const e of new Run(record).matches(key)) {
      if (decided.has(e.owner)) continue;
      decided.add(e.owner);
      if (e.row !== '' || tombstones) return e;
    }
  }
  return undefined;
}

/** Entries as one record, for a layer read from elsewhere (the snapshot). */
export const asRecord = (entries: readonly IndexEntry[]): Packed => ({
  keys: entries.map((e) => e.key).join(SEP),
  owners: entries.map((e) => e.owner).join(SEP),
  rows: entries.map((e) => e.row).join(SEP),
});

/** What a single lookup reads, given the records it found (fragments in stored order) and any older layer below the page. */
export function resolveLookup(key: string, fragments: Packed[], page: Packed | undefined, below?: Packed): IndexEntry | undefined {
  const records = fragments.slice().reverse();
  if (page) records.push(page);
  if (below) records.push(below);
  return resolve(records, key);
}

function pageFor(t: IndexTables, h: number): Promise<IndexPage | undefined> {
  return t.pages.where(':id').belowOrEqual(h).reverse().filter(isPage).first();
}

function fragmentsOf(t: IndexTables, c: number): Promise<IndexFragment[]> {
  const [lo, hi] = fragmentRange(c);
  return t.fragments.where(':id').between(lo, hi, true, true).toArray();
}

/** Look many keys up with one range read per coarse bucket they fall in (writers see many keys at once). */
/**
 * Whether a table holds no record: one cursor step, not a count. Writers over a fresh snapshot
 * (or at the start of a load) ask it before a read or a mark per coarse bucket, hundreds of
 * requests that found nothing and held the write lock, and the lookups behind it, ~40 ms each.
 */
const isEmpty = async (table: IndexTables['pages'] | IndexTables['fragments']): Promise<boolean> =>
  (await table.toCollection().limit(1).primaryKeys()).length === 0;

export async function findEntries(t: IndexTables, keys: readonly string[], tombstones = false): Promise<Map<string, IndexEntry>> {
  const byCoarse = new Map<number, { key: string; h: number }[]>();
  for (const key of new Set(keys)) {
    const h = hash32(key);
    const c = coarseOf(h);
    const list = byCoarse.get(c);
    if (list) list.push({ key, h });
    else byCoarse.set(c, [{ key, h }]);
  }
  const found = new Map<string, IndexEntry>();
  if (byCoarse.size > 1 && (await Promise.all([isEmpty(t.pages), isEmpty(t.fragments)])).every(Boolean)) return found;
  await Promise.all(
    [...byCoarse].map(async ([c, wanted]) => {
      // A few keys: one cursor step each. Many: read the bucket's whole page range once.
      const pagesP =
        wanted.length > 8
          ? t.pages
              .where(':id')
              .between(coarseLo(c), coarseLo(c + 1), true, false)
              .toArray()
          : Promise.all(wanted.map((w) => pageFor(t, w.h)));
      const [fragments, pageList] = await Promise.all([fragmentsOf(t, c), pagesP]);
      const pages = pageList.filter((p): p is IndexPage => p !== undefined && isPage(p)).sort((a, b) => a.lo - b.lo);
      const newestFirst = fragments.reverse();
      for (const w of wanted) {
        const page = pageCovering(pages, w.h);
        const e = resolve(page ? [...newestFirst, page] : newestFirst, w.key, tombstones);
        if (e) found.set(w.key, e);
      }
    }),
  );
  return found;
}

function pageCovering(sortedPages: IndexPage[], h: number): IndexPage | undefined {
  let best: IndexPage | undefined;
  for (const p of sortedPages) {
    if (p.lo <= h) best = p;
    else break;
  }
  return best;
}

const byKey = (a: IndexEntry, b: IndexEntry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Sorted by key; the sort is stable, so entries for one key stay newest first. */
function pack(entries: IndexEntry[]): Packed {
  const sorted = entries.slice().sort(byKey);
  return { keys: sorted.map((e) => e.key).join(SEP), owners: sorted.map((e) => e.owner).join(SEP), rows: sorted.map((e) => e.row).join(SEP) };
}

/**
 * Write one batch as level-0 fragments, one per coarse bucket it touches. `entries` holds at
 * most one entry per (key, owner), newest first for a key. Returns entries written per coarse bucket.
 */
export async function writeFragments(t: IndexTables, entries: readonly IndexEntry[], seq: number): Promise<Map<number, number>> {
  const byCoarse = new Map<number, IndexEntry[]>();
  for (const e of entries) {
    const c = coarseOf(hash32(e.key));
    const list = byCoarse.get(c);
    if (list) list.push(e);
    else byCoarse.set(c, [e]);
  }
  const fragments: IndexFragment[] = [...byCoarse].map(([c, list]) => ({ id: c * SEQ_SPAN + seq, ...pack(list) }));
  await Promise.all([fragments.length ? t.fragments.bulkPut(fragments) : undefined, t.markPages ? markPages(t, byCoarse) : undefined]);
  return new Map([...byCoarse].map(([c, list]) => [c, list.length]));
}

/** Mark every page the new level-0 entries fall in, in buckets that have pages (a bucket has all its slices or none). */
async function markPages(t: IndexTables, byCoarse: Map<number, IndexEntry[]>): Promise<void> {
  if (byCoarse.size > 1 && (await isEmpty(t.pages))) return; // nothing compacted yet: nothing to mark
  const buckets = [...byCoarse];
  const firstPages = await Promise.all(buckets.map(([c]) => t.pages.get(coarseLo(c))));
  const markers = new Map<number, IndexPage>();
  buckets.forEach(([, list], i) => {
    const first = firstPages[i];
    if (!first) return;
    for (const e of list) {
      const lo = markerOf(sliceLo(hash32(e.key), first.bits));
      if (!markers.has(lo)) markers.set(lo, { lo, bits: first.bits, keys: '', owners: '', rows: '' });
    }
  });
  if (markers.size) await t.pages.bulkPut([...markers.values()]);
}

/** Newest entry per (key, owner), newest first; tombstones dropped when nothing older remains below. */
function merge(recordsNewestFirst: Iterable<Packed>, keepTombstones: boolean): IndexEntry[] {
  const seen = new Set<string>();
  const out: IndexEntry[] = [];
  for (const record of recordsNewestFirst) {
    for (const e of unpack(record)) {
      const id = `${e.key}\u0000${e.owner}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (e.row !== '' || keepTombstones) out.push(e);
    }
  }
  return out;
}

/** Split a coarse bucket's entries into 2^k equal hash slices of about `size` entries each, empty ones included. */
function toPages(entries: IndexEntry[], c: number, size: number): IndexPage[] {
  let bits = COARSE_BITS;
  while (bits < MAX_PAGE_BITS && entries.length > size * 2 ** (bits - COARSE_BITS)) bits++;
  const slices = new Map<number, IndexEntry[]>();
  for (const e of entries) {
    const lo = sliceLo(hash32(e.key), bits);
    const list = slices.get(lo);
    if (list) list.push(e);
    else slices.set(lo, [e]);
  }
  const width = 2 ** (32 - bits);
  return Array.from({ length: 2 ** (bits - COARSE_BITS) }, (_, i) => {
    const lo = coarseLo(c) + i * width;
    return { lo, bits, ...pack(slices.get(lo) ?? []) };
  });
}

/**
 * Merge coarse bucket `c`. Minor: its fragments into one fragment (cheap, keeps lookups to few
 * records while changes trickle in). Major: fragments and level-1 pages into new pages.
 * Call inside a read-write transaction over both tables. Returns entries left in level 0.
 */
export async function compactBucket(t: IndexTables, c: number, mode: 'minor' | 'major'): Promise<number> {
  const fragments = await fragmentsOf(t, c);
  if (fragments.length === 0) return 0;
  const newestFirst = fragments.slice().reverse();
  if (mode === 'minor') {
    const merged = merge(newestFirst, true);
    await t.fragments.bulkDelete(fragments.map((f) => f.id));
    await t.fragments.put({ id: fragments[fragments.length - 1]!.id, ...pack(merged) });
    return merged.length;
  }
  // The range holds the bucket's markers too: deleted with the pages, as level 0 is now empty.
  const pageRange = t.pages.where(':id').between(coarseLo(c), coarseLo(c + 1), true, false);
  const oldPages = (await pageRange.toArray()).filter(isPage);
  const merged = merge([...newestFirst, ...oldPages], t.keepTombstones === true);
  await t.fragments.bulkDelete(fragments.map((f) => f.id));
  await pageRange.delete();
  await t.pages.bulkPut(toPages(merged, c, t.pageEntries));
  return 0;
}

/** Mark the pages of level-0 entries stored before markers existed (a one-off, in a schema upgrade). */
export async function markStoredLevel0(t: IndexTables): Promise<void> {
  for (let c = 0; c < COARSE; c++) {
    const fragments = await fragmentsOf(t, c);
    if (fragments.length) await markPages(t, new Map([[c, fragments.flatMap((f) => [...unpack(f)])]]));
  }
}

/** Every owner present anywhere in the index (live or not), record by record to bound memory. */
export async function forEachOwner(t: IndexTables, visit: (owner: string) => void): Promise<void> {
  const each = (r: Packed) => {
    if (r.owners !== '') r.owners.split(SEP).forEach(visit);
  };
  await t.pages.each(each);
  await t.fragments.each(each);
}
