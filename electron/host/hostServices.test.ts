import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileCredentialStore } from './credentialStore';
import { createHostServices } from './hostServices';
import { startRealServer, TEST_ADMIN, type RealServer } from './testing/realServer';

let server: RealServer;
beforeAll(async () => {
  server = await startRealServer();
});
afterAll(async () => {
  await server.close();
});

async function freshHost() {
  const dir = await mkdtemp(join(tmpdir(), 'lt-host-'));
  const path = join(dir, 'credential.json');
  return { path, services: createHostServices({ mode: 'browser', credentials: fileCredentialStore(path), timeoutMs: 2_000 }) };
}

describe('host services', () => {
  it('starts not enrolled and refuses API calls until enrolled', async () => {
    const { services } = await freshHost();
    expect(await services.handle({ op: 'status' })).toMatchObject({ ok: true, value: { enrolled: false, terminal: null } });
    expect(await services.handle({ op: 'api', method: 'GET', path: '/api/v1/terminal' })).toMatchObject({
      ok: true,
      value: { status: 401, body: { code: 'not_enrolled' } },
    });
  });

  it('enrols with a code, keeps the credential in a private file and never hands the token to the renderer', async () => {
    const { services, path } = await freshHost();
    const bad = await services.handle({ op: 'enrol', serverUrl: server.url, code: 'AAAAA-BBBBB', deviceName: 'Till' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'enrolment_code_invalid' } });
    const good = await services.handle({ op: 'enrol', serverUrl: server.url, code: await server.enrolmentCode(), deviceName: 'Till' });
    expect(good).toMatchObject({ ok: true, value: { enrolled: true, terminal: { storeId: 1 } } });
    const stored = JSON.parse(await readFile(path, 'utf8'));
    expect(stored.token).toMatch(/.{32,}/);
    expect(JSON.stringify(good)).not.toContain(stored.token);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const pull = await services.handle({ op: 'api', method: 'GET', path: '/api/v1/pull/customers', query: { limit: '5' } });
    expect(pull).toMatchObject({ ok: true, value: { status: 200, body: { collection: 'customers', hasMore: true } } });
  });

  it('only forwards the API paths a till may call', async () => {
    const { services } = await freshHost();
    for (const path of ['/api/v1/admin/enrolment-codes', '/api/v1/../admin', 'http://evil/api/v1/terminal', '/api/v1/lookup?card=1']) {
      expect(await services.handle({ op: 'api', method: 'POST', path })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    for (const junk of [null, 42, 'status', { op: 'nope' }, { op: 'enrol', serverUrl: 'file:///etc/passwd', code: 'ABCDEFGH', deviceName: 'x' }]) {
      expect(await services.handle(junk)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
  });

  it('says the server is unreachable instead of failing when it is down', async () => {
    const { services } = await freshHost();
    const down = await services.handle({ op: 'enrol', serverUrl: 'http://127.0.0.1:9', code: 'AAAAA-BBBBB', deviceName: 'Till' });
    expect(down).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
  });

  it('re-enrols a till its server still accepts only with a manager PIN of its store, checked by that server', async () => {
    const { services, path } = await freshHost();
    const made = await server.app.inject({
      method: 'POST',
      url: '/api/v1/admin/stores/1/managers',
      headers: { authorization: `Bearer ${TEST_ADMIN}` },
      payload: { name: 'Store manager', pin: '730512' },
    });
    expect(made.statusCode).toBe(200);
    expect(await services.handle({ op: 'enrol', serverUrl: server.url, code: await server.enrolmentCode(), deviceName: 'Till' })).toMatchObject({ ok: true });
    const first = JSON.parse(await readFile(path, 'utf8'));
    // Someone at the keyboard points the working till at another server: refused, naming both.
    const hijack = await services.handle({ op: 'enrol', serverUrl: 'https://10.0.0.66:8787', code: 'ATTACKER01', deviceName: 'Till' });
    expect(hijack).toMatchObject({ ok: false, error: { code: 'enrol_needs_manager' } });
    expect(!hijack.ok && hijack.error.message).toContain(server.url);
    expect(!hijack.ok && hijack.error.message).toContain('https://10.0.0.66:8787');
    const wrong = await services.handle({ op: 'enrol', serverUrl: server.url, code: await server.enrolmentCode(), deviceName: 'Till', managerPin: '000000' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'enrol_manager_refused' } });
    // Nothing changed on the till.
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe(first.token);
    const right = await services.handle({ op: 'enrol', serverUrl: server.url, code: await server.enrolmentCode(), deviceName: 'Till 2', managerPin: '730512' });
    expect(right).toMatchObject({ ok: true, value: { enrolled: true, terminal: { terminalName: 'Till 2' } } });
    const second = JSON.parse(await readFile(path, 'utf8'));
    expect(second.token).not.toBe(first.token);
    // A till its server revoked is enrolled again with a code alone.
    await server.revoke(second.terminal.terminalId);
    expect(await services.handle({ op: 'enrol', serverUrl: server.url, code: await server.enrolmentCode(), deviceName: 'Till 3' })).toMatchObject({ ok: true });
  });

  it('treats a damaged credential file as not enrolled', async () => {
    const { services, path } = await freshHost();
    await writeFile(path, '{"serverUrl": 12');
    expect(await services.handle({ op: 'status' })).toMatchObject({ ok: true, value: { enrolled: false } });
  });
});
