import type { RegistrationEvent } from '../protocol/events';
import type { CachedCustomer } from '../protocol/schemas';
import { cacheTables, lookupCustomer, prepareCustomers, storeCustomers } from './customerCache';
import type { LocalCustomer } from './records';
import type { TillDb } from './tillDb';

/** A cached customer back in the shape the cache stores, with its keys split by kind. */
function toCached(c: LocalCustomer, keys: readonly string[]): CachedCustomer {
  const of = (prefix: string) => keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  return {
    id: c.id,
    firstName: c.firstName,
    maskedPhone: c.maskedPhone,
    tier: c.tier,
    balance: c.balance,
    pending: c.pending,
    cards: of('card:'),
    phoneKey: of('phone:')[0] ?? null,
    bankKeys: of('bank:'),
    deleted: false,
    birthday: c.birthday ?? null,
  };
}

/**
 * The server kept a card with its owner (flag `card_taken` on a registration made here): take
 * it off the new customer in this till's cache, so the next scan of it finds the owner (from
 * the cache or the server) instead of the newcomer.
 */
export async function giveCardBack(db: TillDb, registration: RegistrationEvent): Promise<void> {
  const card = registration.cardNumber;
  if (!card) return;
  const holder = await lookupCustomer(db, `card:${card}`);
  if (!holder || holder.id !== registration.customerId) return;
  const keys = holder.keys.filter((k) => k !== `card:${card}`);
  const writer = db.cacheWriter();
  await writer.transaction('rw', cacheTables(writer), () => storeCustomers(writer, prepareCustomers([toCached(holder, keys)])));
}
