import { pullCustomersInWorker } from '../../sync/client/pullInWorker';
import { pullCustomers } from '../../sync/client/pull';
import type { PullRunner } from '../../sync/client/session/syncLoops';
import { TillSession } from '../../sync/client/session/tillSession';
import { snapshotThroughHost, type HostBridge } from '../host/bridge';
import type { SnapshotFetcher } from '../../sync/client/snapshotFetcher';
import { RENDERER_VERSION } from '../diagnostics/tillDiagnostics';

/** The customer pull runs in a worker so parsing and storing pages never stalls the screen or the scanner. */
function startPullWorker(): Worker | null {
  try {
    return new Worker(new URL('../../sync/client/pullWorker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
}

/**
 * Customers per pull request. `?pullPageSize=N` in the till's address overrides the default,
 * so a test can make the initial load slow enough to interrupt; it only changes pacing.
 */
function pullPageSize(): number | undefined {
  const asked = Number(new URLSearchParams(window.location.search).get('pullPageSize'));
  return Number.isInteger(asked) && asked >= 1 && asked <= 10_000 ? asked : undefined;
}

function workerPull(snapshot: SnapshotFetcher): PullRunner {
  let worker = startPullWorker();
  return async (db, api, onProgress) => {
    if (worker) {
      const outcome = await pullCustomersInWorker(worker, db.name, api, onProgress, { pageSize: pullPageSize(), snapshot });
      if (outcome.ok || outcome.code !== 'worker_failed') return outcome;
      // No worker here (e.g. a file:// page that may not start one): pull on this thread instead.
      worker.terminate();
      worker = null;
    }
    return pullCustomers(db, api, onProgress, { pageSize: pullPageSize(), snapshot });
  };
}

async function databaseNames(): Promise<string[]> {
  try {
    return (await indexedDB.databases()).flatMap((d) => (d.name ? [d.name] : []));
  } catch {
    return [];
  }
}

/** The till session of this page, wired to the host bridge and this browser's storage. */
export function createSession(bridge: HostBridge): TillSession {
  return new TillSession({ host: bridge, pull: workerPull(snapshotThroughHost(bridge)), databaseNames, appVersion: RENDERER_VERSION });
}
