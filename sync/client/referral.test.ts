import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { demoProgramme } from '../../core/engine/testkit';
import { demoCardNumber } from '../server/demoSeed';
import { TillEvent } from '../protocol/events';
import { registerCustomer, type RegistrationContext } from './registration';
import { TillDb } from './tillDb';

const ctx: RegistrationContext = {
  storeId: 1,
  regionId: '1',
  timeZone: 'Europe/Moscow',
  phoneKeyOf: async () => 'k'.repeat(43),
  programme: demoProgramme(),
  offers: [],
};
const form = { firstName: 'Вера', phone: '+79169990055', personalDataConsent: true, marketing: {} };

describe('registration with a referrer', () => {
  it('names the referrer’s card in the event the server reads, and leaves out what is not a card number', async () => {
    const db = new TillDb('referral-1');
    const { event } = await registerCustomer(db, ctx, { ...form, referrerCard: demoCardNumber(5) });
    expect(event.referrer).toEqual({ card: demoCardNumber(5) });
    expect(TillEvent.safeParse(event).success).toBe(true);
    const short = await registerCustomer(db, ctx, { ...form, phone: '+79169990056', referrerCard: '123' });
    expect(short.event.referrer).toBeUndefined();
    db.close();
  });
});
