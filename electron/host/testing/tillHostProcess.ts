import { afterEach } from 'vitest';
import type { HostDeps, HostProcess } from '../../../sync/client/session/testing/fakeHost';
import { TillWorld } from '../../../sync/client/session/testing/tillWorld';
import type { CredentialStore, StoredCredential } from '../credentialStore';
import { createHostServices } from '../hostServices';
import { startRealServer, type RealServer } from './realServer';

/** A credential store in memory: it outlives host restarts as the sealed file does; `lose()` is a damaged file. */
export class MemoryCredentials implements CredentialStore {
  private value: StoredCredential | null = null;

  async load(): Promise<StoredCredential | null> {
    return this.value;
  }

  async save(credential: StoredCredential): Promise<void> {
    this.value = credential;
  }

  async clear(): Promise<void> {
    this.value = null;
  }

  lose(): void {
    this.value = null;
  }
}

/**
 * The real host services (credential, API forwarding, payments with their memory) as a host
 * process the session tests can stop and start: each start has a fresh payment memory.
 */
export function tillHostProcess(credentials: CredentialStore): (deps: HostDeps) => HostProcess {
  return (deps) => createHostServices({ mode: 'browser', credentials, devices: deps.devices, fetch: deps.fetch, timeoutMs: 10_000 });
}

/** A real server for session tests: no rate limits in the way of a till that replays a day in seconds. */
export function startSessionServer(customers = 50): Promise<RealServer> {
  const unlimited = { burst: 1_000_000, perSecond: 1_000_000 };
  return startRealServer(customers, { rateLimit: unlimited, sourceThrottle: unlimited });
}

/** A till enrolled with `server`, run by the real host services; its credential store for tests that damage it. */
export async function enrolledTill(server: RealServer): Promise<{ world: TillWorld; credentials: MemoryCredentials }> {
  const credentials = new MemoryCredentials();
  const world = await TillWorld.enrolled({ server, startProcess: tillHostProcess(credentials) });
  return { world, credentials };
}

/**
 * A test file's tills on `server()` (read when a test asks for one), each disposed after its
 * test. Call at the file's top level: it registers the afterEach.
 */
export function tillsPerTest(server: () => RealServer): () => Promise<{ world: TillWorld; credentials: MemoryCredentials }> {
  const worlds: TillWorld[] = [];
  afterEach(() => {
    for (const w of worlds.splice(0)) w.dispose();
  });
  return async () => {
    const t = await enrolledTill(server());
    worlds.push(t.world);
    return t;
  };
}
