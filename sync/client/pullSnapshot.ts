import { gunzipText, pageOffsets, parsePrefix, SnapshotOffer, type SnapshotHeader } from '../protocol/snapshot';
import type { ApiCaller } from './api';
import { cacheTables } from './customerCache';
import { tagOf, type SnapPage, type SnapshotMeta } from './customerCacheSnapshot';
import type { PullProgress } from './pull';
import type { TillDb } from './tillDb';
import type { SnapshotFetcher } from './snapshotFetcher';

export type { SnapshotFetcher } from './snapshotFetcher';

/** Bytes asked per request: a few MB, so a cut costs little and progress moves often. */
export const SNAPSHOT_REQUEST_BYTES = 4 << 20;
const MAX_CUTS_IN_A_ROW = 5;

export type SnapshotStep =
  | { kind: 'loaded'; progress: PullProgress }
  | { kind: 'none' }
  | { kind: 'failed'; offline: boolean; code: 'offline' | 'server_error' | 'bad_page'; message: string };

const NOTHING: SnapshotStep = { kind: 'none' };
const CUT_TOO_OFTEN: SnapshotStep = {
  kind: 'failed',
  offline: true,
  code: 'offline',
  message: 'The customer snapshot download keeps being cut; it resumes later.',
};
const UNREADABLE: SnapshotStep = { kind: 'failed', offline: false, code: 'bad_page', message: 'The server sent a customer snapshot the till cannot read.' };

function metaOf(file: string, path: string, h: SnapshotHeader, dataStart: number, bytes: number): SnapshotMeta {
  const { offsets, lengths } = pageOffsets(h);
  return {
    name: 'base',
    file,
    path,
    tag: tagOf(file),
    cursor: h.cursor,
    customers: h.customers,
    keys: h.keys,
    bytes,
    dataStart,
    keyFirst: h.keyLayer.first,
    idFirst: h.idLayer.first,
    offsets,
    lengths,
    nextPage: 0,
    complete: false,
  };
}

const progressOf = (m: SnapshotMeta, complete = false): PullProgress => {
  const share = m.offsets.length ? m.nextPage / m.offsets.length : 1;
  const loaded = Math.round(m.customers * share);
  return { loaded, remaining: m.customers - loaded, complete };
};

/** Start over with another file: the cache is empty on a till that takes a snapshot, so only the snapshot's own tables are cleared. */
async function begin(db: TillDb, meta: SnapshotMeta): Promise<void> {
  await db.transaction('rw', db.snapshot, db.snapPages, async () => {
    await db.snapPages.clear();
    await db.snapshot.put(meta);
  });
}

/**
 * Bytes of pages per write transaction. A lookup that needs a snapshot page waits for the write
 * transaction in progress on that store, so a fetched range is stored in several short ones
 * rather than one long one (measured: 4 MB in one transaction held lookups up for 100+ ms).
 */
export const SNAPSHOT_TX_BYTES = 256 << 10;

const storedSize = (p: SnapPage): number => p.gz?.byteLength ?? (p.text?.length ?? 0) * 2;

/**
 * Split fetched bytes into whole pages from `meta.nextPage` and store them, a few hundred KB per
 * transaction over the pages alone; then move the resume point, in the large meta record, in a
 * transaction of its own (lookups read pages, rarely the meta, so they wait for neither for long).
 * A restart before the resume point moved fetches those pages again and stores the same bytes.
 * Each page transaction first checks that the page before its first is this file's: another
 * pull that began another file cleared them.
 */
async function storePages(db: TillDb, meta: SnapshotMeta, bytes: Uint8Array, at: number): Promise<number> {
  const pages: SnapPage[] = [];
  let n = meta.nextPage;
  const keyPages = meta.keyFirst.length;
  while (n < meta.offsets.length) {
    const from = meta.dataStart + meta.offsets[n]! - at;
    const to = from + meta.lengths[n]!;
    if (to > bytes.length) break;
    const gz = bytes.slice(from, to);
    // Id pages as text: writers read them inside their transaction, where nothing may be awaited but IndexedDB.
    pages.push(n < keyPages ? { n, tag: meta.tag, gz: gz.buffer } : { n, tag: meta.tag, text: await gunzipText(gz) });
    n++;
  }
  if (pages.length === 0) return 0;
  const groups: SnapPage[][] = [[]];
  let size = 0;
  for (const page of pages) {
    if (size > 0 && size + storedSize(page) > SNAPSHOT_TX_BYTES) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)!.push(page);
    size += storedSize(page);
  }
  const lost = () => new Error('Another pull is loading the customer snapshot.');
  for (const group of groups) {
    await db.transaction('rw', db.snapPages, async () => {
      const first = group[0]!.n;
      if (first > 0 && (await db.snapPages.get(first - 1))?.tag !== meta.tag) throw lost();
      await db.snapPages.bulkPut(group);
    });
  }
  await db.transaction('rw', db.snapshot, async () => {
    const current = await db.snapshot.get('base');
    if (current?.file !== meta.file || current.nextPage !== meta.nextPage) throw lost();
    await db.snapshot.put({ ...meta, nextPage: n });
  });
  meta.nextPage = n;
  return pages.length;
}

/** The snapshot is whole: it becomes the cache's bottom layer, and the pull goes on from its cursor. */
async function finish(db: TillDb, meta: SnapshotMeta): Promise<void> {
  await db.transaction('rw', [...cacheTables(db), db.syncState], async () => {
    await db.snapshot.put({ ...meta, complete: true });
    const old = await db.cacheMeta.get('cache');
    await db.cacheMeta.put({
      name: 'cache',
      seq: old?.seq ?? 0,
      customers: meta.customers + (old?.customers ?? 0),
      keys: meta.keys + (old?.keys ?? 0),
      keyDeltas: old?.keyDeltas ?? { entries: [], fragments: [] },
      idDeltas: old?.idDeltas ?? { entries: [], fragments: [] },
    });
    await db.syncState.put({ collection: 'customers', cursor: meta.cursor, loaded: meta.customers, remaining: 0, complete: false, updatedAt: Date.now() });
  });
  meta.complete = true;
}

async function readHeader(fetch: SnapshotFetcher, path: string): Promise<{ header: SnapshotHeader; dataStart: number } | SnapshotStep> {
  let want = 64 << 10;
  let cuts = 0;
  for (;;) {
    const r = await fetch(path, 0, want);
    if (!r.ok) return { kind: 'failed', offline: r.offline, code: r.offline ? 'offline' : 'server_error', message: r.message };
    let parsed: ReturnType<typeof parsePrefix>;
    try {
      parsed = parsePrefix(r.bytes);
    } catch {
      return UNREADABLE;
    }
    if ('header' in parsed) return parsed;
    // A cut answer is a bad line: asked again, as page downloads are. A whole one without a header is a bad file.
    if (r.cut) {
      if (++cuts > MAX_CUTS_IN_A_ROW) return CUT_TOO_OFTEN;
    } else if (r.bytes.length >= parsed.need || parsed.need <= want) {
      return UNREADABLE;
    }
    want = Math.max(want, parsed.need);
  }
}

/**
 * Load the chain's snapshot into an empty till (or finish one begun before a cut or a
 * restart), page by page with Range requests. `none` when there is nothing to do: the
 * server offers no snapshot, or this till already has customers by the paged pull.
 */
export async function loadSnapshot(db: TillDb, api: ApiCaller, fetch: SnapshotFetcher, onProgress: (p: PullProgress) => void): Promise<SnapshotStep> {
  const [state, stored] = await Promise.all([db.syncState.get('customers'), db.snapshot.get('base')]);
  if (stored?.complete) return NOTHING;
  if (!stored && state && state.cursor !== '0') return NOTHING;

  const res = await api('GET', '/api/v1/pull/snapshot');
  // An older server has no snapshots (404): the paged pull serves.
  if (!res.ok) return res.offline ? { kind: 'failed', offline: true, code: 'offline', message: res.message } : NOTHING;
  const offer = SnapshotOffer.safeParse(res.body);
  if (!offer.success) return NOTHING;
  const snap = offer.data.snapshot;
  if (!snap) {
    if (stored) await db.transaction('rw', db.snapshot, db.snapPages, () => Promise.all([db.snapPages.clear(), db.snapshot.delete('base')]));
    return NOTHING;
  }

  let meta = stored;
  if (meta?.file !== snap.name) {
    const head = await readHeader(fetch, snap.path);
    if ('kind' in head) return head;
    meta = metaOf(snap.name, snap.path, head.header, head.dataStart, snap.bytes);
    await begin(db, meta);
  }
  onProgress(progressOf(meta));
  let cuts = 0;
  while (meta.nextPage < meta.offsets.length) {
    const start = meta.dataStart + meta.offsets[meta.nextPage]!;
    // At least the next page, then whole pages up to the request size.
    let end = start + meta.lengths[meta.nextPage]!;
    for (let n = meta.nextPage + 1; n < meta.offsets.length && end - start + meta.lengths[n]! <= SNAPSHOT_REQUEST_BYTES; n++) end += meta.lengths[n]!;
    const r = await fetch(meta.path, start, end);
    if (!r.ok) {
      // The file is gone (rebuilt twice since): start over with the current one next time.
      if (r.status === 404 || r.status === 416)
        await db.transaction('rw', db.snapshot, db.snapPages, () => Promise.all([db.snapPages.clear(), db.snapshot.delete('base')]));
      return { kind: 'failed', offline: r.offline, code: r.offline ? 'offline' : 'server_error', message: r.message };
    }
    const stored = await storePages(db, meta, r.bytes, start);
    if (r.cut || stored === 0) {
      if (++cuts > MAX_CUTS_IN_A_ROW) return CUT_TOO_OFTEN;
    } else cuts = 0;
    onProgress(progressOf(meta));
  }
  await finish(db, meta);
  const progress = progressOf(meta);
  onProgress(progress);
  return { kind: 'loaded', progress };
}
