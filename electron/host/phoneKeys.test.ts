import { describe, expect, it } from 'vitest';
import { phoneLookupKey, type PhoneSecret } from '../../core/lookupKey';
import type { ApiResult } from '../../sync/protocol/host';
import type { TerminalInfo } from '../../sync/protocol/schemas';
import type { CredentialStore, StoredCredential } from './credentialStore';
import { createHostLog } from './hostLog';
import { createPhoneKeyService } from './phoneKeys';

const v1: PhoneSecret = { version: 1, secret: 'phone-secret-version-1', memoryKiB: 64, iterations: 1 };
const v2: PhoneSecret = { version: 2, secret: 'phone-secret-version-2', memoryKiB: 64, iterations: 1 };
const terminal: TerminalInfo = {
  terminalId: 't1',
  terminalName: 'Till 1',
  storeId: 1,
  storeName: 'Store',
  storeTimeZone: 'Europe/Moscow',
  chainId: 1,
  chainName: 'Chain',
  cardPrefix: '27',
  lookupSecret: 'bank-card-secret-0123456789',
};
const PHONE = '+79161234567';

/** A host with a credential in memory, a server that answers `served` for the terminal, and a clock. */
function rig(saved: PhoneSecret[] | undefined, served: PhoneSecret[]) {
  let cred: StoredCredential | null = {
    serverUrl: 'http://127.0.0.1:1',
    token: 't'.repeat(40),
    terminal: saved ? { ...terminal, phoneSecrets: saved } : terminal,
  };
  const credentials: CredentialStore = {
    load: async () => cred,
    save: async (c) => void (cred = c),
    clear: async () => void (cred = null),
  };
  const calls: string[] = [];
  const clock = { t: 1_000_000 };
  const log = createHostLog();
  const service = createPhoneKeyService({
    credentials,
    loadCredential: credentials.load,
    api: async (_m, path): Promise<ApiResult> => {
      calls.push(path);
      return { status: 200, body: { ...terminal, phoneSecrets: served } };
    },
    log,
    now: () => clock.t,
  });
  return { service, calls, clock, credential: () => cred, log };
}

describe('phone keys made by the host', () => {
  it('hashes a typed phone under each secret the till holds, newest first', async () => {
    const { service, calls } = rig([v2, v1], [v2, v1]);
    const keys = await service.keys(PHONE, false);
    expect(keys).toEqual([await phoneLookupKey(v2, PHONE), await phoneLookupKey(v1, PHONE)]);
    expect(keys[0]).not.toBe(keys[1]);
    // The lookup never waits for the server when the till holds secrets (a refresh runs beside it).
    expect(calls.length).toBeLessThanOrEqual(1);
  });

  it('fetches the secrets a credential saved before they existed lacks, and keeps them', async () => {
    const { service, calls, credential } = rig(undefined, [v1]);
    expect(await service.keys(PHONE, false)).toEqual([await phoneLookupKey(v1, PHONE)]);
    expect(calls).toEqual(['/api/v1/terminal']);
    expect(credential()?.terminal.phoneSecrets).toEqual([v1]);
  });

  it('learns a rotation when a phone is found nowhere (at most once a minute), and forgets a retired version', async () => {
    const r = rig([v1], [v2, v1]);
    await r.service.keys(PHONE, false);
    await new Promise((res) => setImmediate(res));
    const asked = r.calls.length;
    r.clock.t += 30_000;
    // Within the minute a forced refresh is not repeated: a new customer's phone costs no round trip each time.
    await r.service.keys(PHONE, true);
    expect(r.calls.length).toBe(asked);
    r.clock.t += 60_000;
    expect(await r.service.keys(PHONE, true)).toEqual([await phoneLookupKey(v2, PHONE), await phoneLookupKey(v1, PHONE)]);
    expect(r.calls.length).toBe(asked + 1);
    expect(r.credential()?.terminal.phoneSecrets?.map((s) => s.version)).toEqual([2, 1]);
    // The secrets are never logged.
    r.log.info(`leak test ${v2.secret}`);
    expect(r.log.text()).toContain('leak test');
    expect(r.log.text()).not.toContain(v2.secret);
  });

  it('refreshes in the background once the secrets are five minutes old, without holding the lookup', async () => {
    const r = rig([v1], [v2]);
    await r.service.keys(PHONE, true);
    await new Promise((res) => setImmediate(res));
    expect(r.credential()?.terminal.phoneSecrets).toEqual([v2]);
    const asked = r.calls.length;
    r.clock.t += 4 * 60_000;
    await r.service.keys(PHONE, false);
    expect(r.calls.length).toBe(asked);
    r.clock.t += 2 * 60_000;
    expect(await r.service.keys(PHONE, false)).toEqual([await phoneLookupKey(v2, PHONE)]);
    await new Promise((res) => setImmediate(res));
    expect(r.calls.length).toBe(asked + 1);
  });

  it('answers no keys when the till is not enrolled', async () => {
    const service = createPhoneKeyService({
      credentials: { load: async () => null, save: async () => undefined, clear: async () => undefined },
      loadCredential: async () => null,
      api: async () => ({ status: 401, body: null }),
      log: createHostLog(),
    });
    expect(await service.keys(PHONE, true)).toEqual([]);
  });
});
