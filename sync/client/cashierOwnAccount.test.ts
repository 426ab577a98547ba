import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { hashPinArgon2 } from '../../core/pinHash';
import { isCashiersOwnCard, pullCashiers, signIn } from './cashiers';
import { TillDb } from './tillDb';

describe("a cashier's own loyalty account at the till (issue 13)", () => {
  it("is recognised by the account the server names (the cashier's phone), however the customer was identified", async () => {
    const db = new TillDb('cashier-own-account-test');
    const pinHash = await hashPinArgon2('1357', { memoryKiB: 64, iterations: 1 });
    // Vera linked no card, only her phone: the server names customer 9 as hers.
    const list = [{ cashierId: '2010', personnelNo: '201', name: 'Вера', pinHash, card: null, customerId: '9' }];
    await pullCashiers(db, async () => ({ ok: true, status: 200, body: { storeId: 1, cashiers: list } }));
    expect(await isCashiersOwnCard(db, ['phone:k9'], '9')).toBe(false); // nobody signed in
    expect(await signIn(db, '201', '1357')).toMatchObject({ ok: true });
    // Found by her typed phone (or any card of hers): her own account.
    expect(await isCashiersOwnCard(db, ['phone:k9'], '9')).toBe(true);
    expect(await isCashiersOwnCard(db, ['card:2700000000093'], '9')).toBe(true);
    expect(await isCashiersOwnCard(db, ['phone:k8'], '8')).toBe(false);
    db.close();
  });
});
