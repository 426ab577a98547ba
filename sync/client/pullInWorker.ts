import type { ApiCaller } from './api';
import type { PullOutcome, PullProgress } from './pull';
import type { FromWorker, ToWorker } from './pullWorkerProtocol';
import type { SnapshotFetcher } from './snapshotFetcher';

/**
 * Run one pull in `worker` (see pullWorker.ts), answering its API requests with `api`.
 * Resolves like pullCustomers. One pull at a time per worker.
 */
export function pullCustomersInWorker(
  worker: Worker,
  dbName: string,
  api: ApiCaller,
  onProgress: (p: PullProgress) => void,
  options: { pageSize?: number | undefined; snapshot?: SnapshotFetcher | undefined } = {},
): Promise<PullOutcome> {
  const { pageSize, snapshot } = options;
  return new Promise((resolve) => {
    const send = (m: ToWorker) => worker.postMessage(m);
    const onMessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.type === 'api') {
        void api(m.method, m.path, m.query).then((answer) => send({ type: 'apiAnswer', id: m.id, answer }));
      } else if (m.type === 'snapshot') {
        const asked = snapshot
          ? snapshot(m.path, m.start, m.end)
          : Promise.resolve({ ok: false as const, offline: false, status: 0, message: 'no snapshot fetcher' });
        void asked.then((answer) => {
          // The bytes move to the worker rather than being copied.
          if (answer.ok) worker.postMessage({ type: 'snapshotAnswer', id: m.id, answer } satisfies ToWorker, [answer.bytes.buffer]);
          else send({ type: 'snapshotAnswer', id: m.id, answer });
        });
      } else if (m.type === 'progress') {
        onProgress(m.progress);
      } else {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        resolve(m.outcome);
      }
    };
    const onError = (e: ErrorEvent) => {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      resolve({ ok: false, code: 'worker_failed', offline: false, progress: null, message: `The pull worker failed: ${e.message}` });
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    send({ type: 'pull', dbName, pageSize, snapshot: snapshot !== undefined });
  });
}
