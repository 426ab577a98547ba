import { version as rendererVersion } from '../../package.json';
import { outboxStats } from '../../sync/client/outbox';
import type { TillDb } from '../../sync/client/tillDb';
import type { SyncView } from '../../sync/client/session/tillState';

/** The version this renderer was built from (package.json at build time). */
export const RENDERER_VERSION: string = rendererVersion;

/** The till's own half of the diagnostics: its cache, its outbox, its storage, its build. */
export interface TillDiagnostics {
  collectedAt: number;
  rendererVersion: string;
  /** The renderer's browser engine, from its user agent. */
  chromium: string | null;
  database: {
    name: string;
    /** IndexedDB schema version (Dexie's verno). */
    schemaVersion: number;
    customers: number;
    keys: number;
  } | null;
  outbox: { waiting: number; rejected: number } | null;
  storage: { usage: number | null; quota: number | null; persisted: boolean | null };
  lastSyncAt: number | null;
  /** When products, offers and the programme were last stored. */
  catalogueAt: number | null;
  online: boolean | null;
  /** Why the till is not talking to the server, by cause (host away, revoked, server away). */
  link: string;
  offlineSince: number | null;
  syncError: string | null;
  cache: { loaded: number; remaining: number; complete: boolean } | null;
  /** Parts that could not be read, and why. */
  problems: string[];
}

export interface TillEnvironment {
  userAgent: string;
  storage?: Pick<StorageManager, 'estimate'> & Partial<Pick<StorageManager, 'persisted'>>;
  now?: () => number;
}

export function chromiumVersion(userAgent: string): string | null {
  return /(?:Chrome|Chromium|HeadlessChrome)\/([\d.]+)/.exec(userAgent)?.[1] ?? null;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function collectTillDiagnostics(db: TillDb | null, sync: SyncView, env: TillEnvironment): Promise<TillDiagnostics> {
  const problems: string[] = [];
  let database: TillDiagnostics['database'] = null;
  let outbox: TillDiagnostics['outbox'] = null;
  if (db) {
    try {
      const [customers, keys, stats] = await Promise.all([db.customers.count(), db.identifiers.count(), outboxStats(db)]);
      // Open now (the counts opened it): verno is the version the database really has.
      database = { name: db.name, schemaVersion: db.verno, customers, keys };
      outbox = stats;
    } catch (err) {
      problems.push(`IndexedDB: ${message(err)}`);
    }
  }
  const storage: TillDiagnostics['storage'] = { usage: null, quota: null, persisted: null };
  if (env.storage) {
    try {
      const estimate = await env.storage.estimate();
      storage.usage = estimate.usage ?? null;
      storage.quota = estimate.quota ?? null;
    } catch (err) {
      problems.push(`storage estimate: ${message(err)}`);
    }
    try {
      storage.persisted = env.storage.persisted ? await env.storage.persisted() : null;
    } catch {
      storage.persisted = null;
    }
  }
  return {
    collectedAt: (env.now ?? Date.now)(),
    rendererVersion: RENDERER_VERSION,
    chromium: chromiumVersion(env.userAgent),
    database,
    outbox,
    storage,
    ...syncDiagnostics(sync),
    problems,
  };
}

type SyncDiagnostics = Pick<TillDiagnostics, 'lastSyncAt' | 'catalogueAt' | 'online' | 'link' | 'offlineSince' | 'syncError' | 'cache'>;

/** The sync loop's part, cheap to read: the screen shows it live, not as of when it was opened. */
export function syncDiagnostics(sync: SyncView): SyncDiagnostics {
  return {
    lastSyncAt: sync.lastSyncAt,
    catalogueAt: sync.catalogueAt ?? null,
    online: sync.link === 'online' ? true : sync.link === 'unknown' ? null : false,
    link: sync.link,
    offlineSince: sync.offlineSince,
    syncError: sync.error,
    cache: sync.progress ? { loaded: sync.progress.loaded, remaining: sync.progress.remaining, complete: sync.progress.complete } : null,
  };
}

const mb = (bytes: number | null) => (bytes === null ? null : Math.round((bytes / 1024 / 1024) * 10) / 10);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The till's part of the log file. Times as ISO text and sizes in MB: a byte count or a
 * millisecond time has 12+ digits, which the host's scrubber would take for a card number.
 */
export function tillExportRecord(t: TillDiagnostics): Record<string, unknown> {
  return {
    collectedAt: iso(t.collectedAt),
    rendererVersion: t.rendererVersion,
    chromium: t.chromium,
    database: t.database,
    outbox: t.outbox,
    storage: { usageMB: mb(t.storage.usage), quotaMB: mb(t.storage.quota), persisted: t.storage.persisted },
    lastSyncAt: iso(t.lastSyncAt),
    catalogueAt: iso(t.catalogueAt),
    online: t.online,
    offlineSince: iso(t.offlineSince),
    syncError: t.syncError,
    cache: t.cache,
    problems: t.problems,
  };
}
