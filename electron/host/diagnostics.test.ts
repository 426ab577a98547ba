import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../core/scan';
import type { DeviceInfo as ManagerDeviceInfo, DeviceManager } from '../../drivers';
import { demoCardNumber } from '../../sync/server/demoSeed';
import { HostDiagnostics, HostLogExport, ServerCheck } from '../../sync/protocol/host';
import { PROTOCOL_VERSION } from '../../sync/protocol/schemas';
import { findAppVersion } from './appVersion';
import { fileCredentialStore } from './credentialStore';
import { checkServer } from './diagnostics';
import { createHostLog } from './hostLog';
import { createHostServices } from './hostServices';
import { createTillHost } from './tillHost';
import { startRealServer, TEST_ADMIN, type RealServer } from './testing/realServer';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let server: RealServer;
beforeAll(async () => {
  server = await startRealServer();
});
afterAll(async () => {
  await server.close();
});

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function httpServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const s = createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    server: s,
    close: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

async function enrolledHost() {
  const dir = await mkdtemp(join(tmpdir(), 'lt-diag-'));
  const path = join(dir, 'credential.json');
  const log = createHostLog();
  const services = createHostServices({ mode: 'browser', credentials: fileCredentialStore(path), timeoutMs: 2_000, log, appVersion: '9.8.7', dataDir: dir });
  const res = await services.handle({ op: 'enrol', serverUrl: server.url, code: await server.enrolmentCode(), deviceName: 'Касса 7' });
  expect(res.ok).toBe(true);
  const stored = JSON.parse(await readFile(path, 'utf8')) as { token: string; terminal: { terminalId: string; lookupSecret: string } };
  return { services, log, dir, token: stored.token, lookupSecret: stored.terminal.lookupSecret, terminalId: stored.terminal.terminalId };
}

describe('server check (GET /api/v1/health)', () => {
  it('reaches a real server with a round trip and a plausible clock skew', async () => {
    const check = await checkServer(server.url);
    const ok = ServerCheck.parse(check);
    if (!ok.reachable) throw new Error(`unreachable: ${ok.reason}`);
    expect(ok.protocol).toBe(PROTOCOL_VERSION);
    expect(ok.protocolMatches).toBe(true);
    expect(ok.roundTripMs).toBeGreaterThanOrEqual(0);
    expect(ok.roundTripMs).toBeLessThan(2_000);
    // Same machine, same clock: the skew is within the round trip plus the server's millisecond rounding.
    expect(Math.abs(ok.clockSkewMs)).toBeLessThanOrEqual(ok.roundTripMs + 5);
  });

  it('measures skew as server time minus the midpoint of the request', async () => {
    // This till's clock is 90 s behind the server's.
    const behind = await checkServer(server.url, { now: () => Date.now() - 90_000 });
    if (!behind.reachable) throw new Error('unreachable');
    expect(behind.clockSkewMs).toBeGreaterThan(89_000);
    expect(behind.clockSkewMs).toBeLessThan(91_000);
  });

  it('calls a closed port unreachable: connection refused', async () => {
    const check = await checkServer(`http://127.0.0.1:${await closedPort()}`, { timeoutMs: 2_000 });
    expect(check).toMatchObject({ reachable: false, code: 'refused' });
    expect(check.reachable === false && check.reason).toMatch(/connection refused/);
  });

  it('calls a server that never answers unreachable after the timeout', async () => {
    const silent = await httpServer(() => undefined);
    try {
      const started = Date.now();
      const check = await checkServer(silent.url, { timeoutMs: 300 });
      expect(check).toMatchObject({ reachable: false, code: 'timeout', reason: 'no answer within 300 ms' });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await silent.close();
    }
  });

  it('tells an error page and a stranger from the till server', async () => {
    const failing = await httpServer((_req, res) => res.writeHead(502, 'Bad Gateway').end('<html>proxy</html>'));
    const stranger = await httpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}'));
    try {
      expect(await checkServer(failing.url)).toMatchObject({ reachable: false, code: 'http_502', reason: 'the server answered 502 Bad Gateway' });
      expect(await checkServer(stranger.url)).toMatchObject({ reachable: false, code: 'bad_answer' });
    } finally {
      await failing.close();
      await stranger.close();
    }
  });
});

describe('diagnostics and exportLogs host requests', () => {
  it('report versions, enrolment, the server and recent log lines, never the token or the lookup secret', async () => {
    const { services, token, lookupSecret, dir } = await enrolledHost();
    const res = await services.handle({ op: 'diagnostics' });
    if (!res.ok) throw new Error(res.error.message);
    const d = HostDiagnostics.parse(res.value);
    expect(d).toMatchObject({
      appVersion: '9.8.7',
      mode: 'browser',
      dataDir: dir,
      versions: { node: process.versions.node, electron: null, platform: process.platform },
      enrolment: { terminalName: 'Касса 7', storeId: 1, serverUrl: server.url },
      server: { reachable: true, url: server.url, protocolMatches: true },
      devices: [],
    });
    expect(d.log.map((l) => l.message)).toContainEqual(expect.stringMatching(/^enrolled as "Касса 7" of .+ \(store 1\) with http:\/\/127\.0\.0\.1:\d+$/));
    const json = JSON.stringify(res);
    expect(json).not.toContain(token);
    expect(json).not.toContain(lookupSecret);
    expect(json).not.toMatch(/lookupSecret|"token"/);
  });

  it('logs API failures by path only, and the export carries no token, lookup secret, card number or phone', async () => {
    const { services, log, token, lookupSecret, terminalId } = await enrolledHost();
    const card = demoCardNumber(42);
    // A lookup that finds nothing is an answer, not a failure; the query (with the card) is never logged.
    await services.handle({ op: 'api', method: 'GET', path: '/api/v1/lookup', query: { card: '2700000099999' } });
    // Something upstream echoing a secret or a card into a message must still not reach the file.
    log.warn(`upstream said: bad token ${token} for card ${card}, phone +7 916 000-00-42, key ${lookupSecret}`);
    await server.app.inject({ method: 'POST', url: `/api/v1/admin/terminals/${terminalId}/revoke`, headers: { authorization: `Bearer ${TEST_ADMIN}` } });
    const refused = await services.handle({ op: 'api', method: 'GET', path: '/api/v1/terminal' });
    expect(refused).toMatchObject({ ok: true, value: { status: 401 } });

    const res = await services.handle({ op: 'exportLogs', till: { customers: 1000, lastSyncAt: Date.UTC(2025, 0, 15), note: `card ${card}` } });
    if (!res.ok) throw new Error(res.error.message);
    const file = HostLogExport.parse(res.value);
    expect(file.terminalName).toBe('Касса 7');
    expect(file.text).toContain('== Host diagnostics ==');
    expect(file.text).toContain('== Till (renderer) ==');
    expect(file.text).toContain('"lastSyncAt": "2025-01-15T00:00:00.000Z"');
    expect(file.text).toMatch(/WARN {2}API GET \/api\/v1\/terminal answered 401/);
    expect(file.text).not.toMatch(/\/api\/v1\/lookup/);
    for (const secret of [token, lookupSecret, card, '2700000099999', '000-00-42']) expect(file.text).not.toContain(secret);
    expect(file.text).not.toMatch(/\d(?:[ -]?\d){11,}/);
  });

  it('checks the configured server while the till is not enrolled, and says why it cannot reach it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-diag-'));
    const port = await closedPort();
    const services = createHostServices({
      mode: 'electron',
      credentials: fileCredentialStore(join(dir, 'c.json')),
      serverUrl: `http://127.0.0.1:${port}`,
      healthTimeoutMs: 1_000,
    });
    const res = await services.handle({ op: 'diagnostics' });
    if (!res.ok) throw new Error(res.error.message);
    const d = HostDiagnostics.parse(res.value);
    expect(d.enrolment).toBeNull();
    expect(d.server).toMatchObject({ reachable: false, code: 'refused', url: `http://127.0.0.1:${port}` });
    expect(d.log.at(-1)?.message).toMatch(/^diagnostics: server http:\/\/127\.0\.0\.1:\d+ unreachable \(refused\)/);
    // Not enrolled and no address configured: nothing to check.
    const bare = createHostServices({ mode: 'browser', credentials: fileCredentialStore(join(dir, 'none.json')) });
    expect(await bare.handle({ op: 'diagnostics' })).toMatchObject({ ok: true, value: { server: null, enrolment: null } });
  });

  it('refuses a malformed export request', async () => {
    const { services } = await enrolledHost();
    expect(await services.handle({ op: 'exportLogs', till: 'not an object' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});

/** A device manager that only reports what a test tells it. */
function fakeManager(devices: ManagerDeviceInfo[]) {
  const listeners = new Set<(e: DeviceEvent) => void>();
  const manager: DeviceManager = {
    start: async () => undefined,
    stop: async () => undefined,
    list: () => devices,
    on: (l) => (listeners.add(l), () => listeners.delete(l)),
    paymentTerminal: () => {
      throw new Error('no payment terminal');
    },
  };
  return { manager, emit: (e: DeviceEvent) => listeners.forEach((l) => l(e)) };
}

describe('the till host wires the log', () => {
  it('logs start-up, enrolment and device events, and lists devices with status, last event and detail', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-diag-host-'));
    const devices: ManagerDeviceInfo[] = [
      {
        id: 'front-scanner',
        type: 'scanner',
        transport: 'serial',
        address: '/dev/ttyUSB0',
        origin: 'config',
        status: 'connected',
        lastEventAt: Date.UTC(2025, 0, 15, 10),
      },
      {
        id: 'msr',
        type: 'msr',
        transport: 'serial',
        address: '/dev/ttyUSB1',
        origin: 'config',
        status: 'disconnected',
        lastEventAt: null,
        detail: 'no such port',
      },
    ];
    const fake = fakeManager(devices);
    const till = await createTillHost(
      { serverUrl: server.url, dataDir: dir, enrolCode: await server.enrolmentCode(), terminalName: 'Касса 9', port: 0, deviceConfigPath: null },
      'browser',
      { deviceManager: () => fake.manager },
    );
    try {
      fake.emit({ kind: 'scan', deviceId: 'front-scanner', source: 'serial', symbology: 'EAN13', text: demoCardNumber(7), at: Date.now() });
      fake.emit({ kind: 'status', deviceId: 'msr', deviceType: 'msr', status: 'error', detail: 'permission denied', at: Date.now() });
      const res = await till.services.handle({ op: 'diagnostics' });
      if (!res.ok) throw new Error(res.error.message);
      const d = HostDiagnostics.parse(res.value);
      expect(d.appVersion).toBe(packageVersion);
      expect(d.dataDir).toBe(dir);
      expect(d.devices).toEqual([
        expect.objectContaining({ deviceId: 'front-scanner', status: 'connected', lastEventAt: Date.UTC(2025, 0, 15, 10), detail: null }),
        expect.objectContaining({ deviceId: 'msr', status: 'disconnected', lastEventAt: null, detail: 'no such port' }),
      ]);
      const messages = d.log.map((l) => l.message);
      expect(messages[0]).toMatch(/^host starting: Loyalty Till \S+, browser mode, data in /);
      expect(messages).toContain('enrolment: enrolled with ' + server.url + ' using the given code');
      expect(messages).toContain('scan from front-scanner (serial, EAN13, 13 characters)');
      expect(messages).toContain('device msr (msr) error: permission denied');
      expect(JSON.stringify(d)).not.toContain(demoCardNumber(7));
    } finally {
      await till.stop();
    }
  });
});

describe('app version', () => {
  it('is the version in package.json, found by walking up from the code', () => {
    expect(findAppVersion([join(process.cwd(), 'dist', 'node')])).toBe(packageVersion);
    expect(findAppVersion([undefined, '/'])).toBe('unknown');
    // Another package's package.json on the way up does not count.
    const files: Record<string, string> = {
      '/app/node_modules/x/package.json': '{"name":"x","version":"1.0.0"}',
      '/app/package.json': '{"name":"loyalty-till","version":"2.3.4"}',
    };
    const read = (p: string) => {
      const f = files[p];
      if (f === undefined) throw new Error('ENOENT');
      return f;
    };
    expect(findAppVersion(['/app/node_modules/x/lib'], read)).toBe('2.3.4');
  });
});
