import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { cardLink, line, registration, sale } from '../../server/testing/events';
import { commitSale, enqueue } from '../outbox';
import type { OutboxRecord } from '../records';
import { TillDb } from '../tillDb';
import { fixRejected, parkDependents, rejectedEvents, WAITS_FOR_REGISTRATION } from './rejected';

let n = 0;
const freshTill = () => new TillDb(`rejected-test-${++n}`);

/** What a push does with the server's refusal: kept, with the reason code, never resent. */
async function refuse(db: TillDb, eventId: string, code: string, message: string): Promise<void> {
  await db.outbox
    .where('eventId')
    .equals(eventId)
    .modify((r: OutboxRecord) => {
      r.status = 'rejected';
      r.rejection = { code, message };
    });
}

const byId = async (db: TillDb) => new Map((await db.outbox.toArray()).map((r) => [r.eventId, r]));

describe('events the server refused', () => {
  it('lists each with its reason code and says which can be fixed here (an e-mail) and which cannot', async () => {
    const db = freshTill();
    const withEmail = registration({ phone: '+79161234567', firstName: 'Ольга', email: 'olga@example' });
    const withoutEmail = registration({ phone: '+79161234568', firstName: 'Пётр' });
    const wrongStore = sale({ customerId: null, lines: [line(1)] }).event;
    await enqueue(db, withEmail);
    await enqueue(db, withoutEmail);
    await commitSale(db, { event: wrongStore });
    await refuse(db, withEmail.eventId, 'invalid_event', 'email: Invalid email address');
    await refuse(db, withoutEmail.eventId, 'phone_invalid', 'The phone is not a number in use.');
    await refuse(db, wrongStore.eventId, 'wrong_store', 'This terminal sells for store 1.');
    const list = await rejectedEvents(db);
    expect(list.map((r) => ({ type: r.type, code: r.code, name: r.name, fix: r.fix, email: r.email }))).toEqual([
      { type: 'registration', code: 'invalid_event', name: 'Ольга', fix: 'email', email: 'olga@example' },
      { type: 'registration', code: 'phone_invalid', name: 'Пётр', fix: null, email: null },
      { type: 'sale', code: 'wrong_store', name: null, fix: null, email: null },
    ]);
  });

  it('parks what waits for a refused registration (its sales, its card links), and nothing else', async () => {
    const db = freshTill();
    const reg = registration({ phone: '+79161234567', email: 'olga@example' });
    const other = registration({ phone: '+79161234569' });
    const hers = sale({ customerId: reg.customerId, lines: [line(2)] }).event;
    const link = cardLink(reg.customerId, 'bank', 'bank-token-hash-aaaaaaaaaaaa');
    const anonymous = sale({ customerId: null, lines: [line(3)], receiptId: 'R-anon' }).event;
    const others = sale({ customerId: other.customerId, lines: [line(4)], receiptId: 'R-other' }).event;
    await enqueue(db, reg);
    await enqueue(db, other);
    await commitSale(db, { event: hers });
    await enqueue(db, link);
    await commitSale(db, { event: anonymous });
    await commitSale(db, { event: others });
    // Nothing is refused yet: nothing is parked.
    expect(await parkDependents(db)).toBe(0);
    await refuse(db, reg.eventId, 'invalid_event', 'email: Invalid email address');
    expect(await parkDependents(db)).toBe(2);
    const rows = await byId(db);
    expect(rows.get(hers.eventId)).toMatchObject({ status: 'rejected', rejection: { code: WAITS_FOR_REGISTRATION } });
    expect(rows.get(link.eventId)).toMatchObject({ status: 'rejected', rejection: { code: WAITS_FOR_REGISTRATION } });
    for (const e of [other, anonymous, others]) expect(rows.get(e.eventId)?.status, e.type).toBe('pending');
    // The journal keeps the sale either way: parked is not lost.
    expect(await db.journal.get(hers.sale.receiptId)).toBeDefined();
  });

  it('fixing the e-mail sends the registration again, for the same customer, and releases what waited for it', async () => {
    const db = freshTill();
    const reg = registration({ phone: '+79161234567', email: 'olga@example' });
    const hers = sale({ customerId: reg.customerId, lines: [line(2)] }).event;
    await enqueue(db, reg);
    await commitSale(db, { event: hers });
    await refuse(db, reg.eventId, 'invalid_event', 'email: Invalid email address');
    await parkDependents(db);

    // A fix the server would refuse again is refused here, and changes nothing.
    expect(await fixRejected(db, reg.eventId, { email: 'still@wrong' }, new Date())).toEqual({ ok: false, problem: 'register.invalid.email' });
    expect((await byId(db)).get(reg.eventId)?.status).toBe('rejected');

    expect(await fixRejected(db, reg.eventId, { email: ' olga@example.ru ' }, new Date())).toEqual({ ok: true });
    const rows = [...(await byId(db)).values()];
    expect(
      rows.find((r) => r.eventId === reg.eventId),
      'the refused event is replaced',
    ).toBeUndefined();
    const again = rows.find((r) => r.type === 'registration');
    expect(again).toMatchObject({ status: 'pending', event: { customerId: reg.customerId, email: 'olga@example.ru', phone: reg.phone } });
    expect(again?.eventId).not.toBe(reg.eventId);
    expect(rows.find((r) => r.eventId === hers.eventId)).toMatchObject({ status: 'pending', rejection: null });
    expect(await rejectedEvents(db)).toEqual([]);
  });

  it('an empty e-mail fix sends the registration without one', async () => {
    const db = freshTill();
    const reg = registration({ phone: '+79161234567', email: 'olga@example' });
    await enqueue(db, reg);
    await refuse(db, reg.eventId, 'invalid_event', 'email: Invalid email address');
    expect(await fixRejected(db, reg.eventId, { email: '  ' }, new Date())).toEqual({ ok: true });
    const again = (await db.outbox.toArray())[0]!;
    expect(again.status).toBe('pending');
    expect('email' in again.event).toBe(false);
  });

  it('what cannot be fixed here is not touched', async () => {
    const db = freshTill();
    const wrongStore = sale({ customerId: null, lines: [line(1)] }).event;
    const reg = registration({ phone: '+79161234567' });
    await commitSale(db, { event: wrongStore });
    await enqueue(db, reg);
    await refuse(db, wrongStore.eventId, 'wrong_store', 'This terminal sells for store 1.');
    await refuse(db, reg.eventId, 'phone_invalid', 'The phone is not a number in use.');
    for (const e of [wrongStore, reg])
      expect(await fixRejected(db, e.eventId, { email: 'a@example.ru' }, new Date())).toEqual({ ok: false, problem: 'rejected.cannotFix' });
    expect(await fixRejected(db, 'no-such-event', { email: 'a@example.ru' }, new Date())).toEqual({ ok: false, problem: 'rejected.cannotFix' });
    expect((await db.outbox.toArray()).map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
