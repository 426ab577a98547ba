/// <reference lib="webworker" />
/**
 * Worker entry: runs pullCustomers off the renderer's main thread, so parsing and storing
 * pages never holds up the cashier's screen or the scanner's keystrokes.
 */
import type { ApiAnswer, ApiCaller } from './api';
import { pullCustomers } from './pull';
import type { FromWorker, ToWorker } from './pullWorkerProtocol';
import type { SnapshotFetcher, SnapshotRange } from './snapshotFetcher';
import { TillDb } from './tillDb';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const waiting = new Map<number, (a: ApiAnswer) => void>();
const waitingRanges = new Map<number, (a: SnapshotRange) => void>();
let nextId = 0;
const dbs = new Map<string, TillDb>();

const post = (m: FromWorker): void => scope.postMessage(m);

const api: ApiCaller = (method, path, query) =>
  new Promise((resolve) => {
    const id = ++nextId;
    waiting.set(id, resolve);
    post({ type: 'api', id, method, path, query });
  });

const snapshot: SnapshotFetcher = (path, start, end) =>
  new Promise((resolve) => {
    const id = ++nextId;
    waitingRanges.set(id, resolve);
    post({ type: 'snapshot', id, path, start, end });
  });

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'apiAnswer') {
    waiting.get(m.id)?.(m.answer);
    waiting.delete(m.id);
    return;
  }
  if (m.type === 'snapshotAnswer') {
    waitingRanges.get(m.id)?.(m.answer);
    waitingRanges.delete(m.id);
    return;
  }
  let db = dbs.get(m.dbName);
  if (!db) dbs.set(m.dbName, (db = new TillDb(m.dbName)));
  void pullCustomers(db, api, (progress) => post({ type: 'progress', progress }), { pageSize: m.pageSize, ...(m.snapshot ? { snapshot } : {}) }).then(
    (outcome) => post({ type: 'done', outcome }),
    (err: unknown) =>
      post({
        type: 'done',
        outcome: { ok: false, code: 'storage_error', offline: false, progress: null, message: err instanceof Error ? err.message : String(err) },
      }),
  );
};
