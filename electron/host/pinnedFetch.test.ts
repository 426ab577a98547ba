import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileCredentialStore } from './credentialStore';
import { readHostConfig } from './hostConfig';
import { createHostServices } from './hostServices';
import { normaliseFingerprint, pinnedFetch } from './pinnedFetch';
import { startRealServer, type RealServer } from './testing/realServer';

/** A self-signed certificate for 127.0.0.1, as a store's IT would make one. */
function selfSigned(): { cert: string; key: string; sha256: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lt-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' }); // prettier-ignore
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  return { cert, key: readFileSync(join(dir, 'key.pem'), 'utf8'), sha256: new X509Certificate(cert).fingerprint256 };
}

const ours = selfSigned();
const intruder = selfSigned();
let server: RealServer;
let httpsUrl: string;

beforeAll(async () => {
  server = await startRealServer(5, { https: { cert: ours.cert, key: ours.key } });
  httpsUrl = server.url.replace(/^http:/, 'https:');
});
afterAll(async () => {
  await server.close();
});

/** A bare HTTPS server that counts the requests it is sent. */
async function countingServer(tls: { cert: string; key: string }): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let n = 0;
  const s: Server = createServer(tls, (_req, res) => (n++, res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(s.address() as AddressInfo).port}`,
    requests: () => n,
    close: () => new Promise((resolve) => (s.closeAllConnections(), s.close(() => resolve()))),
  };
}

const credentialPath = () => join(mkdtempSync(join(tmpdir(), 'lt-pin-')), 'credential.json');
/** A till host; `serverCertSha256` is IT's configured pin. */
const hostWith = (serverCertSha256?: string, path = credentialPath(), transport?: typeof fetch, serverCaPem?: string) =>
  createHostServices({ mode: 'browser', credentials: fileCredentialStore(path), timeoutMs: 10_000, serverCertSha256, fetch: transport, serverCaPem });

/** One address (a TCP relay) whose server behind it can be swapped, as a man in the middle would. */
async function relay(target: string): Promise<{ url: string; to: (next: string) => void; close: () => Promise<void> }> {
  let port = Number(new URL(target).port);
  const s = createTcpServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(s.address() as AddressInfo).port}`,
    to: (next) => void (port = Number(new URL(next).port)),
    close: () => new Promise((resolve) => s.close(() => resolve())),
  };
}

describe('HTTPS between till and server, with the certificate pinned', () => {
  it('enrols and calls the API over HTTPS with a self-signed certificate when the till is pinned to it', async () => {
    const services = hostWith(ours.sha256);
    expect(await services.handle({ op: 'enrol', serverUrl: httpsUrl, code: await server.enrolmentCode(), deviceName: 'Till' })).toMatchObject({ ok: true });
    const pull = await services.handle({ op: 'api', method: 'GET', path: '/api/v1/pull/customers', query: { limit: '2' } });
    expect(pull).toMatchObject({ ok: true, value: { status: 200, body: { collection: 'customers' } } });
  });

  it('without a configured pin, pins the certificate shown at enrolment; another certificate at that address later gets nothing', async () => {
    const address = await relay(httpsUrl);
    const mitm = await countingServer(intruder);
    try {
      const path = credentialPath();
      // The store's own CA (here the self-signed certificate itself), as IT configures it.
      const services = hostWith(undefined, path, undefined, ours.cert);
      expect(await services.handle({ op: 'enrol', serverUrl: address.url, code: await server.enrolmentCode(), deviceName: 'Till' })).toMatchObject({
        ok: true,
      });
      expect(JSON.parse(await readFile(path, 'utf8')).serverCertSha256).toBe(normaliseFingerprint(ours.sha256));
      const pull = { op: 'api', method: 'GET', path: '/api/v1/pull/customers', query: { limit: '2' } } as const;
      expect(await services.handle(pull)).toMatchObject({ ok: true, value: { status: 200, body: { collection: 'customers' } } });
      // Someone else's server now answers at the same address: refused before the till's token is sent.
      address.to(mitm.url);
      const refused = await services.handle(pull);
      expect(refused).toMatchObject({ ok: true, value: { status: 503, body: { code: 'server_certificate_mismatch' } } });
      // Nor can it take the till over by enrolling it again: the pin stays.
      const again = await services.handle({ op: 'enrol', serverUrl: address.url, code: 'ABCDEFGHJK', deviceName: 'Till' });
      expect(again).toMatchObject({ ok: false, error: { code: 'server_certificate_mismatch' } });
      expect(JSON.parse(await readFile(path, 'utf8')).serverCertSha256).toBe(normaliseFingerprint(ours.sha256));
      expect(mitm.requests()).toBe(0);
      // IT's configured pin wins over the one taken at enrolment.
      address.to(httpsUrl);
      expect(await hostWith(intruder.sha256, path).handle(pull)).toMatchObject({
        ok: true,
        value: { status: 503, body: { code: 'server_certificate_mismatch' } },
      });
      expect(await services.handle(pull)).toMatchObject({ ok: true, value: { status: 200 } });
    } finally {
      await mitm.close();
      await address.close();
    }
  });

  it('at first use a certificate the till cannot verify (self-signed, no CA or pin configured) is refused and sent nothing', async () => {
    const stranger = await countingServer(intruder);
    try {
      const path = credentialPath();
      const res = await hostWith(undefined, path, undefined, ours.cert).handle({
        op: 'enrol',
        serverUrl: stranger.url,
        code: 'ABCDEFGHJK',
        deviceName: 'Till',
      });
      expect(res).toMatchObject({ ok: false, error: { code: 'server_certificate_untrusted' } });
      expect(!res.ok && res.error.message).toContain(intruder.sha256);
      expect(stranger.requests()).toBe(0);
      await expect(readFile(path, 'utf8')).rejects.toThrow();
    } finally {
      await stranger.close();
    }
  });

  it('a credential saved before pins (no serverCertSha256) keeps working over the ordinary transport', async () => {
    const path = credentialPath();
    expect(
      await hostWith(undefined, path, undefined, ours.cert).handle({
        op: 'enrol',
        serverUrl: httpsUrl,
        code: await server.enrolmentCode(),
        deviceName: 'Till',
      }),
    ).toMatchObject({
      ok: true,
    });
    const { serverCertSha256, ...before } = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(serverCertSha256).toBeTruthy();
    await writeFile(path, JSON.stringify(before));
    // The ordinary transport stands in for CA-verified TLS: here it trusts this test server's certificate.
    let ordinary = 0;
    const trusting: typeof fetch = (input, init) => (ordinary++, pinnedFetch(ours.sha256)(input, init));
    const pull = await hostWith(undefined, path, trusting).handle({ op: 'api', method: 'GET', path: '/api/v1/pull/customers', query: { limit: '2' } });
    expect(pull).toMatchObject({ ok: true, value: { status: 200, body: { collection: 'customers' } } });
    expect(ordinary).toBe(1);
  });

  it('refuses a server with another certificate with a clear message, before sending anything', async () => {
    const mitm = await countingServer(intruder);
    try {
      const services = hostWith(ours.sha256);
      const res = await services.handle({ op: 'enrol', serverUrl: mitm.url, code: 'ABCDEFGHJK', deviceName: 'Till' });
      expect(res).toMatchObject({ ok: false, error: { code: 'server_certificate_mismatch' } });
      expect(!res.ok && res.error.message).toContain(ours.sha256);
      expect(!res.ok && res.error.message).toContain(intruder.sha256);
      expect(mitm.requests()).toBe(0);
      // The same server, once pinned, is spoken to: the count proves the refusal came before the request.
      await pinnedFetch(intruder.sha256)(`${mitm.url}/x`, { method: 'POST', body: '{}' });
      expect(mitm.requests()).toBe(1);
    } finally {
      await mitm.close();
    }
  });

  it('a pinned till refuses a plain http:// address', async () => {
    const services = hostWith(ours.sha256.toLowerCase().replace(/:/g, ''));
    const res = await services.handle({ op: 'enrol', serverUrl: server.url, code: 'ABCDEFGHJK', deviceName: 'Till' });
    expect(res).toMatchObject({ ok: false, error: { code: 'server_certificate_mismatch' } });
    expect(!res.ok && res.error.message).toContain('https://');
  });

  it('takes the fingerprint from the till config or the environment, and names a malformed one', () => {
    const config = JSON.stringify({ serverUrl: httpsUrl, serverCertSha256: ours.sha256 });
    expect(readHostConfig({ LT_CONFIG: '/x.json' }, () => config).serverCertSha256).toBe(ours.sha256);
    expect(readHostConfig({ LT_CONFIG: '/x.json', LT_SERVER_CERT_SHA256: intruder.sha256 }, () => config).serverCertSha256).toBe(intruder.sha256);
    expect(() => readHostConfig({ LT_CONFIG: '/x.json' }, () => JSON.stringify({ serverCertSha256: 'abc' }))).toThrow(
      /serverCertSha256 must be a SHA-256 fingerprint/,
    );
    expect(normaliseFingerprint(' ab'.repeat(32))).toBe('ab'.repeat(32));
  });
});
