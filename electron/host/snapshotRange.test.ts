import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrefix, SnapshotOffer } from '../../sync/protocol/snapshot';
import { SnapshotRangeAnswer } from '../../sync/protocol/host';
import { fileCredentialStore } from './credentialStore';
import { createHostServices } from './hostServices';
import { startRealServer, type RealServer } from './testing/realServer';

let server: RealServer;
beforeAll(async () => {
  server = await startRealServer(300);
});
afterAll(async () => {
  await server.close();
});

async function enrolledHost() {
  const dir = await mkdtemp(join(tmpdir(), 'lt-host-'));
  const services = createHostServices({ mode: 'browser', credentials: fileCredentialStore(join(dir, 'credential.json')), timeoutMs: 5_000 });
  await services.handle({ op: 'enrol', serverUrl: server.url, code: await server.enrolmentCode(), deviceName: 'Till' });
  return services;
}

/** The chain's snapshot offer, once the server has built it (it builds on the first ask). */
async function offeredSnapshot(services: Awaited<ReturnType<typeof enrolledHost>>) {
  for (let i = 0; i < 200; i++) {
    const res = await services.handle({ op: 'api', method: 'GET', path: '/api/v1/pull/snapshot' });
    const offer = res.ok ? SnapshotOffer.safeParse((res.value as { body: unknown }).body) : null;
    if (offer?.success && offer.data.snapshot) return offer.data.snapshot;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server built no snapshot');
}

describe('snapshot ranges through the host', () => {
  it('hands the page the bytes of the chain snapshot it asked for, with the till credential', async () => {
    const services = await enrolledHost();
    const snap = await offeredSnapshot(services);
    const res = await services.handle({ op: 'snapshotRange', path: snap.path, start: 0, end: snap.bytes });
    const answer = SnapshotRangeAnswer.parse(res.ok ? res.value : null);
    if (!answer.ok) throw new Error(answer.message);
    const bytes = new Uint8Array(Buffer.from(answer.base64, 'base64'));
    expect(bytes.length).toBe(snap.bytes);
    expect(answer.cut).toBe(false);
    const prefix = parsePrefix(bytes);
    expect('header' in prefix && prefix.header.customers).toBe(300);

    // A middle range is exactly those bytes of the file.
    const res2 = await services.handle({ op: 'snapshotRange', path: snap.path, start: 10, end: 50 });
    const mid = SnapshotRangeAnswer.parse(res2.ok ? res2.value : null);
    expect(mid.ok && [...Buffer.from(mid.base64, 'base64')]).toEqual([...bytes.subarray(10, 50)]);
  });

  it('refuses any path but a snapshot file, a range too large, and a till not enrolled', async () => {
    const services = await enrolledHost();
    for (const req of [
      { op: 'snapshotRange', path: '/api/v1/admin/customers', start: 0, end: 10 },
      { op: 'snapshotRange', path: `/api/v1/snapshot/customers-1-${'a'.repeat(64)}.snap/../../admin`, start: 0, end: 10 },
      { op: 'snapshotRange', path: `/api/v1/snapshot/customers-1-${'a'.repeat(64)}.snap`, start: 10, end: 10 },
      { op: 'snapshotRange', path: `/api/v1/snapshot/customers-1-${'a'.repeat(64)}.snap`, start: 0, end: 64 << 20 },
    ]) {
      expect(await services.handle(req)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    const missing = await services.handle({ op: 'snapshotRange', path: `/api/v1/snapshot/customers-1-${'a'.repeat(64)}.snap`, start: 0, end: 10 });
    expect(missing).toMatchObject({ ok: true, value: { ok: false, status: 404 } });

    const dir = await mkdtemp(join(tmpdir(), 'lt-host-'));
    const lone = createHostServices({ mode: 'browser', credentials: fileCredentialStore(join(dir, 'credential.json')), timeoutMs: 2_000 });
    const path = `/api/v1/snapshot/customers-1-${'a'.repeat(64)}.snap`;
    expect(await lone.handle({ op: 'snapshotRange', path, start: 0, end: 10 })).toMatchObject({ ok: true, value: { ok: false, status: 401 } });
  });
});
