import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealServer } from '../../../electron/host/testing/realServer';
import { enrolledTill, startSessionServer } from '../../../electron/host/testing/tillHostProcess';

let server: RealServer;
beforeAll(async () => {
  server = await startSessionServer();
});
afterAll(() => server?.close());

describe('the till heartbeat', () => {
  it('tells the server its version and outbox counts after a pull, through the host', async () => {
    const { world } = await enrolledTill(server);
    try {
      const terminalId = world.terminalIds[0]!;
      const row = async () =>
        (
          await server.db.query<{ app_version: string | null; unsent_events: number | null; reported_at: Date | null }>(
            'SELECT app_version, unsent_events, reported_at FROM terminals WHERE id = $1',
            [terminalId],
          )
        )[0];
      await world.waitFor(async () => (await row())?.reported_at != null, 'the first heartbeat');
      // The session tests' till runs without a build version: it says so rather than inventing one.
      expect(await row()).toMatchObject({ app_version: 'unknown', unsent_events: 0 });
    } finally {
      world.dispose();
    }
  });
});
