import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileCredentialStore } from './credentialStore';
import { createHostLog } from './hostLog';
import { createHostServices } from './hostServices';
import { startRealServer, TEST_ADMIN, type RealServer } from './testing/realServer';

let server: RealServer;
beforeAll(async () => {
  server = await startRealServer(5);
});
afterAll(async () => {
  await server.close();
});

async function setCardLimit(limit: number | undefined): Promise<void> {
  const current = await server.app.inject({ method: 'GET', url: '/api/v1/admin/chains/1/programme', headers: { authorization: `Bearer ${TEST_ADMIN}` } });
  const programme = { ...current.json().programme, cardPaymentLimitKopecks: limit };
  programme.version += 1;
  const res = await server.app.inject({
    method: 'PUT',
    url: '/api/v1/admin/chains/1/programme',
    headers: { authorization: `Bearer ${TEST_ADMIN}` },
    payload: programme,
  });
  expect(res.statusCode, res.body).toBe(200);
}

describe('card payment limit per receipt (set by the chain)', () => {
  it('the host refuses a card payment above the limit without touching the terminal, and follows a change of the limit', async () => {
    await setCardLimit(500_000);
    const log = createHostLog();
    const charged: number[] = [];
    let clock = 0;
    const dir = await mkdtemp(join(tmpdir(), 'lt-limit-'));
    const services = createHostServices({
      mode: 'browser',
      credentials: fileCredentialStore(join(dir, 'credential.json')),
      timeoutMs: 5_000,
      now: () => clock,
      log,
      devices: {
        list: () => [],
        on: () => () => undefined,
        pay: async (amount) => (charged.push(amount), { approved: true, rrn: '000000000001', last4: '4242' }),
      },
    });
    expect(await services.handle({ op: 'enrol', serverUrl: server.url, code: await server.enrolmentCode(), deviceName: 'Till' })).toMatchObject({
      ok: true,
      value: { terminal: { cardPaymentLimitKopecks: 500_000 } },
    });
    expect(await services.handle({ op: 'pay', amountKopecks: 500_001, receiptId: 'r-over' })).toEqual({
      ok: true,
      value: { approved: false, declineReason: 'over-card-limit' },
    });
    expect(await services.handle({ op: 'pay', amountKopecks: 500_000, receiptId: 'r-at' })).toMatchObject({ ok: true, value: { approved: true } });
    expect(charged).toEqual([500_000]);

    // Head office lifts the limit: the host learns it from the server in the background (at most
    // 5 minutes late), and meanwhile goes on refusing.
    await setCardLimit(undefined);
    let tries = 0;
    await expect
      .poll(
        async () => {
          clock += 6 * 60_000;
          const res = await services.handle({ op: 'pay', amountKopecks: 500_001, receiptId: `r-after-${++tries}` });
          return res.ok && (res.value as { approved: boolean }).approved;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    expect((await services.status()).terminal?.cardPaymentLimitKopecks).toBeNull();
    expect(charged).toEqual([500_000, 500_001]);
    expect(log.text()).toContain('card payment limit per receipt: none');
  });
});
