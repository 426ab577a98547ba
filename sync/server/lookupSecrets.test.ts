import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneLookupKey, phoneLookupKeys, type PhoneSecret } from '../../core/lookupKey';
import { CustomerPage, TerminalInfo } from '../protocol/schemas';
import { DEMO_KEY_COST, demoPhone } from './demoSeed';
import { rekeyChain, rekeyPhones } from './lookupSecrets';
import { testDatabases } from './testing/databases';
import { registration } from './testing/events';
import { confirmationFor } from './testing/phoneConfirmations';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

/** Rotation of the chain's phone-key secret: new keys reach the tills as ordinary changes, old ones leave. */
describe.each(testDatabases())('phone-key secrets on $name', ({ open }) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 30 });
  });
  afterAll(() => s?.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const lookup = (token: string, phoneKey: string) => s.inject({ method: 'GET', url: `/api/v1/lookup?phoneKey=${phoneKey}`, headers: bearer(token) });
  const terminal = async (token: string) => TerminalInfo.parse((await s.inject({ method: 'GET', url: '/api/v1/terminal', headers: bearer(token) })).json());
  async function pullAll(token: string, cursor: string): Promise<{ items: CustomerPage['items']; cursor: string }> {
    const items: CustomerPage['items'] = [];
    for (;;) {
      const page = CustomerPage.parse(
        (await s.inject({ method: 'GET', url: `/api/v1/pull/customers?cursor=${cursor}&limit=500`, headers: bearer(token) })).json(),
      );
      items.push(...page.items);
      cursor = page.cursor;
      if (!page.hasMore) return { items, cursor };
    }
  }

  it('rotates: tills hash with both versions while customers are re-keyed, then only the new one; the old keys find nobody', async () => {
    const till = await s.enrol();
    const [v1] = till.phoneSecrets!;
    expect(till.phoneSecrets).toHaveLength(1);
    expect(v1).toMatchObject({ version: 1, ...DEMO_KEY_COST });
    const oldKey = await phoneLookupKey(v1!, demoPhone(5));
    expect((await lookup(till.token, oldKey)).json().customer).toMatchObject({ id: '5', maskedPhone: '+7 *** ***-**-05' });
    const before = await pullAll(till.token, '0');
    expect(before.items.find((c) => c.id === '5')?.phoneKey).toBe(oldKey);

    const rotated = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/chains/1/phone-secrets/rotate',
      headers: admin,
      payload: { memoryKiB: 512, iterations: 1 },
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json()).toMatchObject({ current: { version: 2, memoryKiB: 512, iterations: 1 }, older: [1], customersToRekey: 30 });
    expect(JSON.stringify(rotated.json())).not.toContain(v1!.secret);

    // Mid-way: the till holds both versions, and finds a customer under either.
    const info = await terminal(till.token);
    expect(info.phoneSecrets!.map((p) => p.version)).toEqual([2, 1]);
    await rekeyPhones(s.db, 1, 10);
    const [k2for5, k1for5] = await phoneLookupKeys(info.phoneSecrets!, demoPhone(5));
    const [k2for25, k1for25] = await phoneLookupKeys(info.phoneSecrets!, demoPhone(25));
    expect((await lookup(till.token, k2for5!)).statusCode).toBe(200);
    expect((await lookup(till.token, k1for5!)).statusCode).toBe(404);
    expect((await lookup(till.token, k1for25!)).statusCode).toBe(200);
    expect((await lookup(till.token, k2for25!)).statusCode).toBe(404);

    // A registration with a known phone finds its customer whichever version holds the key.
    const phoneConfirmation = await confirmationFor(s.db, { terminalId: till.terminalId, customerId: 25, purpose: 'register' });
    const [merged] = await s.push(till.token, [{ ...registration({ phone: demoPhone(25), firstName: 'Вера' }), phoneConfirmation }]);
    expect(merged).toMatchObject({ status: 'applied', result: { mergedInto: '25' } });

    expect(await rekeyChain(s.db, 1)).toBe(20);
    expect((await terminal(till.token)).phoneSecrets!.map((p) => p.version)).toEqual([2]);
    expect((await lookup(till.token, k1for25!)).statusCode).toBe(404);
    expect((await lookup(till.token, k2for25!)).json().customer).toMatchObject({ id: '25' });

    // No full reload: the re-keyed customers come as ordinary changes after the till's cursor,
    // each with only its new key, so the till's cache retires the old one.
    const after = await pullAll(till.token, before.cursor);
    const byId = new Map(after.items.map((c) => [c.id, c]));
    expect(byId.size).toBe(30);
    const v2 = info.phoneSecrets![0] as PhoneSecret;
    for (const n of [1, 5, 25, 30]) expect(byId.get(String(n))?.phoneKey).toBe(await phoneLookupKey(v2, demoPhone(n)));
    expect(JSON.stringify(after.items)).not.toContain(oldKey);
  });

  it('answers versions and progress to head office, never a secret, and refuses an unknown chain', async () => {
    const res = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/phone-secrets', headers: admin });
    expect(res.json()).toMatchObject({ older: [], customersToRekey: 0 });
    expect(Object.keys(res.json().current as object).sort()).toEqual(['iterations', 'memoryKiB', 'version']);
    expect((await s.inject({ method: 'POST', url: '/api/v1/admin/chains/77/phone-secrets/rotate', headers: admin, payload: {} })).statusCode).toBe(404);
    expect((await s.inject({ method: 'POST', url: '/api/v1/admin/chains/1/phone-secrets/rotate', headers: admin, payload: { memoryKiB: 4 } })).statusCode).toBe(
      400,
    );
  });
});
