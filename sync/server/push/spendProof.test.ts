import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaleEvent } from '../../protocol/events';
import type { EnrolResponse } from '../../protocol/schemas';
import { demoBalance, demoCardNumber, demoPhone } from '../demoSeed';
import { testDatabases } from '../testing/databases';
import { line, registration, sale } from '../testing/events';
import { admin, startTestServer, type TestServer } from '../testing/fixtures';
import { confirmationFor } from '../testing/phoneConfirmations';

/** Issue 13, High 2: a phone number alone neither spends a customer's bonuses nor takes over their account. */
describe.each(testDatabases())('phone confirmation at the server on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  let other: EnrolResponse;

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 60 });
    till = await s.enrol(1);
    other = await s.enrol(1);
  });
  afterAll(async () => s.close());

  const spend = (n: number, redeem: number, identity: SaleEvent['identity']): SaleEvent => {
    const made = sale({ customerId: String(n), available: demoBalance(n), lines: [line(1, 3), line(3, 2), line(24, 20)], redeem }).event;
    expect(made.totals.redeemed).toBe(redeem);
    return { ...made, ...(identity ? { identity } : {}) };
  };
  const balance = async (n: number) =>
    Number((await s.db.query<{ available: number }>('SELECT balance AS available FROM balances WHERE customer_id = $1', [n]))[0]!.available);

  it('refuses a typed-phone spend above the allowance without a code, and leaves the balance alone', async () => {
    const before = await balance(21);
    const [r] = await s.push(till.token, [spend(21, 15_000, { via: 'phone' })]);
    expect(r).toMatchObject({ status: 'rejected', code: 'spend_needs_phone_code', retryable: false });
    expect(await balance(21)).toBe(before);
  });

  it("applies a spend from a till that does not say how it identified the customer (before issue 13) as an 'unknown' method, flagged for head office", async () => {
    const before = await balance(26);
    const [r] = await s.push(till.token, [spend(26, 15_000, undefined)]);
    expect(r).toMatchObject({ status: 'applied', result: { posted: { redeemed: 15_000 } } });
    expect(r?.status === 'applied' && r.result.flags).toContain('spend_identity_unknown');
    expect(await balance(26)).toBe(before - 15_000);
    const [flag] = await s.db.query<{ details: { method: string; redeemed: number } }>(
      `SELECT details FROM exceptions WHERE kind = 'spend_identity_unknown' AND customer_id = 26`,
    );
    expect(flag?.details).toMatchObject({ method: 'unknown', redeemed: 15_000 });
    // A sale that spends nothing, or says how the customer was identified, is not flagged.
    const [plain] = await s.push(till.token, [spend(27, 0, undefined)]);
    expect(plain?.status === 'applied' && plain.result.flags).not.toContain('spend_identity_unknown');
    const [card] = await s.push(till.token, [spend(28, 5_000, { via: 'card', card: demoCardNumber(28) })]);
    expect(card?.status === 'applied' && card.result.flags).not.toContain('spend_identity_unknown');
  });

  it('posts a typed-phone spend within the allowance, flagged for head office', async () => {
    const [r] = await s.push(till.token, [spend(22, 5_000, { via: 'phone' })]);
    expect(r).toMatchObject({ status: 'applied', result: { posted: { redeemed: 5_000 } } });
    expect(r?.status === 'applied' && r.result.flags).toContain('phone_spend_unconfirmed');
  });

  it('posts a spend with a confirmation, once: the same proof on another sale or another customer is refused', async () => {
    const token = await confirmationFor(s.db, { terminalId: till.terminalId, customerId: 23, purpose: 'spend' });
    const first = spend(23, 15_000, { via: 'phone', confirmation: token });
    const [a] = await s.push(till.token, [first]);
    expect(a).toMatchObject({ status: 'applied', result: { posted: { redeemed: 15_000 } } });
    expect(a?.status === 'applied' && a.result.flags).not.toContain('phone_spend_unconfirmed');
    // A resend of the same event is the same answer, not a reuse.
    expect((await s.push(till.token, [first]))[0]).toMatchObject({ status: 'duplicate' });
    expect((await s.push(till.token, [spend(23, 15_000, { via: 'phone', confirmation: token })]))[0]).toMatchObject({ code: 'spend_needs_phone_code' });
    const forOther = await confirmationFor(s.db, { terminalId: till.terminalId, customerId: 23, purpose: 'spend' });
    expect((await s.push(till.token, [spend(33, 15_000, { via: 'phone', confirmation: forOther })]))[0]).toMatchObject({ code: 'spend_needs_phone_code' });
    // Bound to the till that asked for the code, to spending (not registering), and to its lifetime.
    const fromTill = await confirmationFor(s.db, { terminalId: till.terminalId, customerId: 25, purpose: 'spend' });
    expect((await s.push(other.token, [spend(25, 15_000, { via: 'phone', confirmation: fromTill })]))[0]).toMatchObject({ code: 'spend_needs_phone_code' });
    const forRegister = await confirmationFor(s.db, { terminalId: till.terminalId, customerId: 25, purpose: 'register' });
    expect((await s.push(till.token, [spend(25, 15_000, { via: 'phone', confirmation: forRegister })]))[0]).toMatchObject({ code: 'spend_needs_phone_code' });
    const expired = await confirmationFor(s.db, { terminalId: till.terminalId, customerId: 25, purpose: 'spend', ttlMs: -60_000 });
    expect((await s.push(till.token, [spend(25, 15_000, { via: 'phone', confirmation: expired })]))[0]).toMatchObject({ code: 'spend_needs_phone_code' });
  });

  it('takes the customer’s own card as proof, not somebody else’s', async () => {
    expect((await s.push(till.token, [spend(26, 15_000, { via: 'card', card: demoCardNumber(26) })]))[0]).toMatchObject({ status: 'applied' });
    expect((await s.push(till.token, [spend(27, 15_000, { via: 'card', card: demoCardNumber(28) })]))[0]).toMatchObject({ code: 'spend_needs_phone_code' });
    expect((await s.push(till.token, [spend(27, 15_000, { via: 'bank' })]))[0]).toMatchObject({ code: 'spend_needs_phone_code' });
  });

  it('makes an unconfirmed registration of a known phone a customer of its own, flagged for merge, touching nothing of the owner', async () => {
    const owner = 30;
    const ownerRow = async () => (await s.db.query('SELECT first_name, email, birthday, phone_e164 FROM customers WHERE id = $1', [owner]))[0];
    const consentsOf = async (id: number) =>
      Number((await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consents WHERE customer_id = $1', [id]))[0]!.n);
    const before = { row: await ownerRow(), consents: await consentsOf(owner), balance: await balance(owner) };
    const claim = { ...registration({ phone: demoPhone(owner), firstName: 'Мошенник', card: demoCardNumber(90_500), email: 'thief@example.com' }) };
    const [r] = await s.push(till.token, [claim]);
    expect(r?.status).toBe('applied');
    const result = r?.status === 'applied' ? r.result : null;
    expect(result?.mergedInto).toBeUndefined();
    expect(result?.customerId).not.toBe(String(owner));
    expect(result).toMatchObject({ posted: { welcome: 0 }, balance: { available: 0 } });
    expect(result?.flags).toEqual(expect.arrayContaining(['registration_unconfirmed_phone', 'welcome_not_granted']));
    // The owner: the same contact data, consents and balance; the card went to the new customer.
    expect(await ownerRow()).toEqual(before.row);
    expect(await consentsOf(owner)).toBe(before.consents);
    expect(await balance(owner)).toBe(before.balance);
    const card = await s.db.query<{ customer_id: number }>("SELECT customer_id FROM identifiers WHERE kind = 'card' AND key = $1", [demoCardNumber(90_500)]);
    expect(String(card[0]!.customer_id)).toBe(result?.customerId);
    expect(await consentsOf(Number(result?.customerId))).toBeGreaterThan(0);
    // The phone still finds only its owner; head office sees the pair.
    const byPhone = await s.db.query<{ id: number }>('SELECT id FROM customers WHERE phone_e164 = $1', [demoPhone(owner)]);
    expect(byPhone.map((x) => Number(x.id))).toEqual([owner]);
    const list = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/merge-candidates', headers: admin });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().candidates).toContainEqual(
      expect.objectContaining({ customerId: result?.customerId, duplicateOf: String(owner), firstName: 'Мошенник', maskedPhone: expect.stringMatching(/30$/) }),
    );
    expect(list.body).not.toContain(demoPhone(owner));
  });

  it('merges a registration of a known phone only with that phone’s confirmation, made for this till', async () => {
    const owner = 31;
    const wrongTill = await confirmationFor(s.db, { terminalId: other.terminalId, customerId: owner, purpose: 'register' });
    const [a] = await s.push(till.token, [{ ...registration({ phone: demoPhone(owner) }), phoneConfirmation: wrongTill }]);
    expect(a?.status === 'applied' && a.result.mergedInto).toBeFalsy();
    const right = await confirmationFor(s.db, { terminalId: till.terminalId, customerId: owner, purpose: 'register' });
    const [b] = await s.push(till.token, [{ ...registration({ phone: demoPhone(owner) }), phoneConfirmation: right }]);
    expect(b).toMatchObject({ status: 'applied', result: { mergedInto: String(owner) } });
  });
});
