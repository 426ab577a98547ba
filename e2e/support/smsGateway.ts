import { test } from '@playwright/test';
import { startFakeSmsProvider, type FakeSmsProvider } from '../../sync/server/sms/testing/fakeSmsProvider';
import type { RunningServer } from './processes';

/**
 * The chain's SMS provider for a test file: the fake one on this machine, reached through the
 * server's real HTTP adapter. Call before `tillForFile` (its start runs after this one's) and
 * pass `prepare` to it.
 */
export function smsGatewayForFile(): { readonly sent: FakeSmsProvider; prepare: (server: RunningServer) => Promise<void> } {
  let provider: FakeSmsProvider | undefined;
  test.beforeAll(async () => {
    provider = await startFakeSmsProvider();
  });
  test.afterAll(async () => provider?.close());
  const started = () => {
    if (!provider) throw new Error('The fake SMS provider starts before the file’s tests.');
    return provider;
  };
  return {
    get sent() {
      return started();
    },
    prepare: async (server) => {
      const p = started();
      await server.admin('PUT', '/api/v1/admin/chains/1/sms-gateway', { kind: 'http', url: p.url, token: p.token, sender: 'Romashka' });
    },
  };
}
