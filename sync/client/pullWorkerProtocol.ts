import type { ApiAnswer } from './api';
import type { PullOutcome, PullProgress } from './pull';
import type { SnapshotRange } from './snapshotFetcher';

/**
 * Messages between the renderer and the pull worker. The worker owns the IndexedDB writes
 * and the page parsing; the server is still reached through the renderer's host bridge
 * (main-thread only), so the worker asks the renderer to make each API call for it.
 */
export type ToWorker =
  /** `snapshot`: the renderer can fetch snapshot ranges, so an empty till loads the snapshot first. */
  | { type: 'pull'; dbName: string; pageSize?: number; snapshot?: boolean }
  | { type: 'apiAnswer'; id: number; answer: ApiAnswer }
  | { type: 'snapshotAnswer'; id: number; answer: SnapshotRange };

export type FromWorker =
  | { type: 'api'; id: number; method: 'GET' | 'POST'; path: string; query?: Record<string, string> }
  | { type: 'snapshot'; id: number; path: string; start: number; end: number }
  | { type: 'progress'; progress: PullProgress }
  | { type: 'done'; outcome: PullOutcome };
