import type { ApiAnswer } from './api';
import type { PullOutcome, PullProgress } from './pull';

/**
 * Messages between the renderer and the pull worker. The worker owns the IndexedDB writes
 * and the page parsing; the server is still reached through the renderer's host bridge
 * (main-thread only), so the worker asks the renderer to make each API call for it.
 */
export type ToWorker = { type: 'pull'; dbName: string; pageSize?: number } | { type: 'apiAnswer'; id: number; answer: ApiAnswer };

export type FromWorker =
  | { type: 'api'; id: number; method: 'GET' | 'POST'; path: string; query?: Record<string, string> }
  | { type: 'progress'; progress: PullProgress }
  | { type: 'done'; outcome: PullOutcome };
