import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileCredentialStore } from './credentialStore';
import { createHostServices } from './hostServices';
import { startRealServer, type RealServer } from './testing/realServer';

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

  it('treats a damaged credential file as not enrolled', async () => {
    const { services, path } = await freshHost();
    await writeFile(path, '{"serverUrl": 12');
    expect(await services.handle({ op: 'status' })).toMatchObject({ ok: true, value: { enrolled: false } });
  });
});
