import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePage, pageOffsets, parsePrefix, SnapshotOffer, type SnapshotHeader } from '../../protocol/snapshot';
import { identifierKeys } from '../../protocol/snapshotRow';
import { CustomerPage, type CachedCustomer, type EnrolResponse } from '../../protocol/schemas';
import { testDatabases } from '../testing/databases';
import { registration } from '../testing/events';
import { startTestServer, type TestServer } from '../testing/fixtures';
import { lettersOnly } from './build';
import { parseRange } from './serve';
import { isStale, rebuildInBackground } from './store';

describe('Range header', () => {
  it('reads one range, open or suffix, and refuses what lies past the end', () => {
    expect(parseRange(undefined, 100)).toBe('none');
    expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBe('none');
  });
});

describe.each(testDatabases())('customer snapshot on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 300 });
    till = await s.enrol(1);
  });
  afterAll(async () => {
    await s?.close();
  });
  const auth = () => ({ authorization: `Bearer ${till.token}` });
  const offer = async () => {
    const res = await s.inject({ method: 'GET', url: '/api/v1/pull/snapshot', headers: auth() });
    expect(res.statusCode, res.body).toBe(200);
    return SnapshotOffer.parse(res.json()).snapshot;
  };
  const get = (path: string, headers: Record<string, string> = {}) => s.inject({ method: 'GET', url: path, headers: { ...auth(), ...headers } });

  async function pagedPull(cursor = '0'): Promise<{ items: CachedCustomer[]; cursor: string }> {
    const items: CachedCustomer[] = [];
    for (;;) {
      const page = CustomerPage.parse((await get(`/api/v1/pull/customers?cursor=${cursor}&limit=100`)).json());
      items.push(...page.items);
      cursor = page.cursor;
      if (!page.hasMore) return { items, cursor };
    }
  }

  function contents(file: Buffer): { header: SnapshotHeader; keys: Map<string, string> } {
    const prefix = parsePrefix(file);
    if (!('header' in prefix)) throw new Error('short file');
    const { offsets, lengths } = pageOffsets(prefix.header);
    const keys = new Map<string, string>();
    prefix.header.keyLayer.first.forEach((first, i) => {
      const at = prefix.dataStart + offsets[i]!;
      const page = decodePage(gunzipSync(file.subarray(at, at + lengths[i]!)).toString());
      expect(page.keys[0]).toBe(first);
      page.keys.forEach((k, j) => keys.set(k, page.owners[j]!));
    });
    return { header: prefix.header, keys };
  }

  it('offers nothing until the first build is done, then a content-addressed file holding every customer the paged pull sends', async () => {
    expect(await offer()).toBeNull(); // the request started the build
    await rebuildInBackground(s.db, 1);
    const snap = (await offer())!;
    expect(snap).not.toBeNull();
    const res = await get(snap.path);
    expect(res.statusCode).toBe(200);
    const file = res.rawPayload;
    expect(file.length).toBe(snap.bytes);
    expect(res.headers.etag).toBe(`"${lettersOnly(createHash('sha256').update(file).digest('hex'))}"`);
    expect(snap.name).toContain(lettersOnly(createHash('sha256').update(file).digest('hex')));

    const { header, keys } = contents(file);
    const paged = await pagedPull();
    expect(header.customers).toBe(paged.items.length);
    expect(header.cursor).toBe(paged.cursor);
    const expected = new Map(paged.items.flatMap((c) => identifierKeys(c).map((k) => [k, c.id] as const)));
    expect(keys).toEqual(expected);
  });

  it('resumes a cut download with Range and If-Range, and answers 304 and 416 as a static file server does', async () => {
    const snap = (await offer())!;
    const whole = (await get(snap.path)).rawPayload;
    const etag = `"${lettersOnly(createHash('sha256').update(whole).digest('hex'))}"`;
    const cutAt = Math.floor(whole.length / 3);
    const first = await get(snap.path, { range: `bytes=0-${cutAt - 1}` });
    expect(first.statusCode).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-${cutAt - 1}/${whole.length}`);
    const rest = await get(snap.path, { range: `bytes=${cutAt}-`, 'if-range': etag });
    expect(rest.statusCode).toBe(206);
    expect(Buffer.concat([first.rawPayload, rest.rawPayload]).equals(whole)).toBe(true);
    // Another file under that name would not be resumed into this one: the whole file comes back.
    expect((await get(snap.path, { range: `bytes=${cutAt}-`, 'if-range': '"other"' })).statusCode).toBe(200);
    expect((await get(snap.path, { 'if-none-match': etag })).statusCode).toBe(304);
    expect((await get(snap.path, { range: `bytes=${whole.length}-` })).statusCode).toBe(416);
    expect((await get(snap.path.replace('customers-1-', 'customers-2-'))).statusCode).toBe(404);
    expect((await s.inject({ method: 'GET', url: snap.path })).statusCode).toBe(401);
  });

  it('goes stale after enough changes and is rebuilt with them; the changes after a snapshot come by the cursor', async () => {
    const before = (await offer())!;
    const [r] = await s.push(till.token, [registration({ phone: '+79997771234', card: '2799999000017' })]);
    expect(r?.status).toBe('applied');
    const info = { hash: '', chainId: 1, name: before.name, cursor: before.cursor, customers: before.customers, bytes: before.bytes, builtAt: before.builtAt };
    expect(await isStale(s.db, info, { maxAgeMs: 3600_000, minChanges: 1_000, changeShare: 0.05 })).toBe(false);
    expect(await isStale(s.db, info, { maxAgeMs: 3600_000, minChanges: 1, changeShare: 0 })).toBe(true);
    expect(await isStale(s.db, info, { maxAgeMs: 0, minChanges: 1_000, changeShare: 0 }, Date.now() + 1)).toBe(true);

    const since = await pagedPull(before.cursor);
    expect(since.items.map((c) => c.cards)).toContainEqual(['2799999000017']);

    const rebuilt = (await rebuildInBackground(s.db, 1))!;
    expect(rebuilt.name).not.toBe(before.name);
    const file = (await get(`/api/v1/snapshot/${rebuilt.name}`)).rawPayload;
    expect(contents(file).keys.has('card:2799999000017')).toBe(true);
    // The previous file is still served: a till may be half-way through it.
    expect((await get(before.path)).statusCode).toBe(200);
  });
});
