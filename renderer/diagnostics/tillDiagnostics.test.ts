import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { enqueue } from '../../sync/client/outbox';
import { TillDb } from '../../sync/client/tillDb';
import type { SyncView } from '../../sync/client/session/tillState';
import { chromiumVersion, collectTillDiagnostics, RENDERER_VERSION, tillExportRecord } from './tillDiagnostics';
import { formatBytes, formatSkew } from './format';

// Only the fields diagnostics reads; SyncView grows with the till.
const sync = {
  progress: { loaded: 1000, remaining: 0, complete: true },
  running: false,
  link: 'online',
  lastSyncAt: Date.UTC(2025, 0, 15, 10),
  waiting: 0,
  rejected: 0,
  offlineSince: null,
  catalogueAt: Date.UTC(2025, 0, 15, 9),
  error: null,
} as SyncView;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.7000.0 Safari/537.36';

describe('till diagnostics', () => {
  it('counts the cache and the outbox, reads the schema version and the storage estimate', async () => {
    const db = new TillDb('diagnostics-test-a');
    await db.cacheMeta.put({
      name: 'cache',
      seq: 1,
      customers: 1000,
      keys: 2345,
      keyDeltas: { entries: [], fragments: [] },
      idDeltas: { entries: [], fragments: [] },
    });
    await enqueue(db, { type: 'consent', eventId: crypto.randomUUID() } as never);
    const d = await collectTillDiagnostics(db, sync, {
      userAgent: UA,
      storage: { estimate: async () => ({ usage: 5 * 1024 * 1024, quota: 300 * 1024 ** 3 }), persisted: async () => true },
      now: () => Date.UTC(2025, 0, 15, 11),
    });
    expect(d).toMatchObject({
      rendererVersion: JSON.parse(readFileSync('package.json', 'utf8')).version,
      chromium: '156.0.7000.0',
      database: { name: db.name, schemaVersion: db.verno, customers: 1000, keys: 2345 },
      outbox: { waiting: 1, rejected: 0 },
      storage: { usage: 5 * 1024 * 1024, quota: 300 * 1024 ** 3, persisted: true },
      lastSyncAt: Date.UTC(2025, 0, 15, 10),
      problems: [],
    });
    expect(d.database!.schemaVersion).toBeGreaterThanOrEqual(2);
    // In the file: times as ISO text, sizes in MB, so no 12+ digit numbers for the scrubber to eat.
    const record = JSON.stringify(tillExportRecord(d));
    expect(record).toContain('"lastSyncAt":"2025-01-15T10:00:00.000Z"');
    expect(record).toContain('"catalogueAt":"2025-01-15T09:00:00.000Z"');
    expect(record).toContain('"quotaMB":307200');
    expect(record).not.toMatch(/\d{12,}/);
    db.close();
  });

  it('still answers without a database or a storage API, and says what it could not read', async () => {
    const none = await collectTillDiagnostics(null, sync, { userAgent: 'curl/8' });
    expect(none).toMatchObject({
      database: null,
      outbox: null,
      chromium: null,
      storage: { usage: null, quota: null, persisted: null },
      rendererVersion: RENDERER_VERSION,
    });
    const broken = await collectTillDiagnostics(null, sync, { userAgent: UA, storage: { estimate: () => Promise.reject(new Error('denied')) } });
    expect(broken.problems).toEqual(['storage estimate: denied']);
  });

  it('formats sizes and skew for people', () => {
    expect(chromiumVersion('Mozilla/5.0 Chrome/120.0.1 Safari')).toBe('120.0.1');
    expect(formatBytes(5 * 1024 * 1024, 'en-GB')).toBe('5 MB');
    expect(formatBytes(512, 'en-GB')).toMatch(/^512 B|^512 byte/);
    expect(formatSkew(300, 'ru-RU')).toBe('+0,3 с');
    expect(formatSkew(-90_000, 'en-GB')).toMatch(/^-90 sec/);
    expect(formatSkew(0, 'en-GB')).toMatch(/^0 sec/);
  });
});
