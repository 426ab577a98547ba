import { CustomerPage } from '../protocol/schemas';
import type { ApiCaller } from './api';
import { cacheTables, compactCache, prepareCustomers, storeCustomers, type CompactionPolicy } from './customerCache';
import { readSnapshotIdKeys } from './customerCacheSnapshot';
import { loadSnapshot, type SnapshotFetcher } from './pullSnapshot';
import { errorText, isQuotaError } from './storageError';
import type { TillDb } from './tillDb';

export interface PullProgress {
  loaded: number;
  remaining: number;
  complete: boolean;
}

/**
 * Customers per request. The server allows 10,000; 5,000 keeps each page's write transaction
 * (during which lookups wait) near 100-300 ms, while 200 requests per million customers cost little.
 * A page is stored as at most 2 x COARSE records whatever its size.
 */
export const DEFAULT_PAGE_SIZE = 5_000;

/**
 * Store one page and its cursor in one transaction: after a crash the till resumes from the
 * last page it really stored, never past it. Over a snapshot, the snapshot's keys of the page's
 * customers are read first, outside the write lock (lookups wait for a writer, not for readers).
 */
export async function storeCustomerPage(till: TillDb, page: CustomerPage): Promise<PullProgress> {
  const db = till.cacheWriter();
  const batch = prepareCustomers(page.items);
  batch.below = await readSnapshotIdKeys(
    db,
    page.items.map((c) => c.id),
  );
  return db.transaction('rw', [...cacheTables(db), db.syncState], async () => {
    const state = await db.syncState.get('customers');
    await storeCustomers(db, batch, page.remaining);
    const loaded = (state?.complete ? 0 : (state?.loaded ?? 0)) + page.items.length;
    const progress = { loaded, remaining: page.remaining, complete: !page.hasMore };
    await db.syncState.put({ collection: 'customers', cursor: page.cursor, updatedAt: Date.now(), ...progress });
    return progress;
  });
}

export type PullFailureCode = 'offline' | 'server_error' | 'bad_page' | 'storage_full' | 'storage_error' | 'worker_failed';

export type PullOutcome =
  { ok: true; progress: PullProgress } | { ok: false; code: PullFailureCode; offline: boolean; message: string; progress: PullProgress | null };

export interface PullOptions {
  pageSize?: number;
  compaction?: CompactionPolicy;
  /** How to download a snapshot file: given, an empty till loads the server's snapshot first (pullSnapshot.ts). */
  snapshot?: SnapshotFetcher;
}

function storageFailure(e: unknown, progress: PullProgress | null): PullOutcome {
  if (isQuotaError(e)) {
    return {
      ok: false,
      code: 'storage_full',
      offline: false,
      progress,
      message: 'The till ran out of disk space for the customer cache; pages stored so far are kept.',
    };
  }
  return { ok: false, code: 'storage_error', offline: false, progress, message: `The till could not write its customer cache: ${errorText(e)}` };
}

/**
 * Pull customer changes until the server has no more, reporting progress after every stored
 * page; then compact the cache so lookups read few, small records again. An empty till given
 * a snapshot fetcher loads the server's snapshot first and pulls only the changes after it.
 */
export async function pullCustomers(
  db: TillDb,
  api: ApiCaller,
  onProgress: (p: PullProgress) => void = () => undefined,
  options: PullOptions | number = {},
): Promise<PullOutcome> {
  const { pageSize = DEFAULT_PAGE_SIZE, compaction, snapshot } = typeof options === 'number' ? { pageSize: options } : options;
  let progress: PullProgress | null = null;
  if (snapshot) {
    try {
      const step = await loadSnapshot(db.cacheWriter(), api, snapshot, onProgress);
      if (step.kind === 'failed') return { ok: false, code: step.code, offline: step.offline, message: step.message, progress };
      if (step.kind === 'loaded') progress = step.progress;
    } catch (e) {
      return storageFailure(e, progress);
    }
  }
  for (;;) {
    const state = await db.syncState.get('customers');
    const res = await api('GET', '/api/v1/pull/customers', { cursor: state?.cursor ?? '0', limit: String(pageSize) });
    if (!res.ok) return { ok: false, code: res.offline ? 'offline' : 'server_error', offline: res.offline, message: res.message, progress };
    const page = CustomerPage.safeParse(res.body);
    if (!page.success) return { ok: false, code: 'bad_page', offline: false, message: 'The server sent a customer page the till cannot read.', progress };
    try {
      progress = await storeCustomerPage(db, page.data);
    } catch (e) {
      return storageFailure(e, progress);
    }
    onProgress(progress);
    if (progress.complete) break;
  }
  try {
    await compactCache(db.cacheWriter(), compaction);
  } catch (e) {
    return storageFailure(e, progress);
  }
  return { ok: true, progress };
}
