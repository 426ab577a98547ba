import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPinPbkdf2, verifyPin } from '../../core/pinHash';
import { CashierInfo, CashierList } from '../protocol/cashiers';
import type { EnrolResponse } from '../protocol/schemas';
import { testDatabases } from './testing/databases';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('cashier PIN hashes: Argon2id, older ones upgraded after sign-in, on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  let otherStore: EnrolResponse;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 5 });
    till = await s.enrol(1);
    otherStore = await s.enrol(2);
  });
  afterAll(async () => {
    await s?.close();
  });

  const create = async (personnelNo: string, pin: string) => {
    const res = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/stores/1/cashiers',
      headers: admin,
      payload: { personnelNo, name: `Кассир ${personnelNo}`, pin },
    });
    expect(res.statusCode, res.body).toBe(200);
    return CashierInfo.parse(res.json());
  };
  const hashOf = async (id: string) => (await s.db.query<{ pin_hash: string }>('SELECT pin_hash FROM cashiers WHERE id = $1', [id]))[0]!.pin_hash;
  const upgrade = (token: string, cashierId: string, pin: string) =>
    s.inject({ method: 'POST', url: '/api/v1/cashiers/pin-upgrade', headers: { authorization: `Bearer ${token}` }, payload: { cashierId, pin } });

  it('makes new cashiers’ PIN hashes with Argon2id, which the tills pull', async () => {
    const c = await create('301', '482913');
    expect(await hashOf(c.cashierId)).toMatch(/^argon2id\$16384\$3\$/);
    const list = CashierList.parse(
      (await s.inject({ method: 'GET', url: '/api/v1/pull/cashiers', headers: { authorization: `Bearer ${till.token}` } })).json(),
    );
    const pulled = list.cashiers.find((x) => x.cashierId === c.cashierId)!;
    expect(await verifyPin('482913', pulled.pinHash)).toBe(true);
    // Already Argon2id: nothing to do.
    expect((await upgrade(till.token, c.cashierId, '482913')).json()).toEqual({ upgraded: false });
  });

  it('re-makes an older PBKDF2 hash with Argon2id when a till sends the PIN its cashier signed in with; a wrong PIN changes nothing', async () => {
    const c = await create('302', '1357');
    const legacy = await hashPinPbkdf2('1357', 1_000);
    await s.db.query('UPDATE cashiers SET pin_hash = $1 WHERE id = $2', [legacy, c.cashierId]);

    const wrong = await upgrade(till.token, c.cashierId, '7531');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('pin_rejected');
    expect(await hashOf(c.cashierId)).toBe(legacy);
    // A till of another store cannot touch this store's cashiers.
    expect((await upgrade(otherStore.token, c.cashierId, '1357')).statusCode).toBe(404);

    const ok = await upgrade(till.token, c.cashierId, '1357');
    expect(ok.json()).toEqual({ upgraded: true });
    const now = await hashOf(c.cashierId);
    expect(now).toMatch(/^argon2id\$/);
    expect(await verifyPin('1357', now)).toBe(true);
    expect(await verifyPin('1358', now)).toBe(false);
  });
});
