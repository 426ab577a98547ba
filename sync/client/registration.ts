import { indexOffers, toLocal, welcomeBonus, type Offer, type Programme } from '../../core/engine';
import { maskPhone } from '../../core/phone';
import type { ConsentChannel, RegistrationEvent } from '../protocol/events';
import type { CachedCustomer } from '../protocol/schemas';
import { stampAndTally } from './cashiers';
import { cacheTables, prepareCustomers, storeCustomers } from './customerCache';
import { randomId } from './ids';
import type { BalanceDeltaRecord, OutboxRecord } from './outbox';
import type { TillDb } from './tillDb';

/** Consent text versions shown on the registration screen; the server keeps which one was agreed to. */
export const CONSENT_TEXT_VERSION = { personalData: 'pd-2025-01', marketing: 'mk-2025-01' } as const;

export interface RegistrationForm {
  firstName: string;
  /** Already normalised to E.164 (core/phone). */
  phone: string;
  email?: string | undefined;
  /** YYYY-MM-DD */
  birthday?: string | undefined;
  cardNumber?: string | undefined;
  /** The loyalty card of the customer who invited this one (issue 16): both get the referral bonus after the first purchase. */
  referrerCard?: string | undefined;
  personalDataConsent: boolean;
  marketing: Partial<Record<ConsentChannel, boolean>>;
  /** The phone's owner read out its SMS code: the server merges into them (issue 13). */
  phoneConfirmation?: string | undefined;
  /** Another customer has the phone and no code could be asked (offline): a customer of its own, not found by the phone. */
  phoneUnconfirmed?: boolean | undefined;
}

export interface RegistrationContext {
  storeId: number;
  regionId: string;
  timeZone: string;
  /** The new customer's phone key under the chain's current phone secret (the host makes it). */
  phoneKeyOf: (e164: string) => Promise<string | null>;
  programme: Programme;
  offers: readonly Offer[];
}

/** The welcome bonus a new customer gets at this store now, as the engine says. */
export function welcomeFor(ctx: RegistrationContext, now: Date) {
  const local = toLocal({ kind: 'instant', instant: now.toISOString(), timeZone: ctx.timeZone });
  return welcomeBonus(ctx.programme, indexOffers(ctx.offers), {
    customer: { id: 'new', availableBonusKopecks: 0, rollingSpendKopecks: 0, segments: [], purchaseCount: 0, birthday: null },
    store: { id: String(ctx.storeId), regionId: ctx.regionId },
    at: { kind: 'local', year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute },
  });
}

/**
 * Register a customer at the till, online or not. The full contact goes only into the
 * outbox (strict durability) and leaves the till once the server acknowledges it; the
 * cache keeps what any customer has there: first name, masked phone, lookup keys.
 */
export async function registerCustomer(
  db: TillDb,
  ctx: RegistrationContext,
  form: RegistrationForm,
  now = new Date(),
): Promise<{ event: RegistrationEvent; customer: CachedCustomer }> {
  if (!form.personalDataConsent) throw new Error('personal-data consent is required');
  const givenAt = now.toISOString();
  const welcome = welcomeFor(ctx, now);
  const made: RegistrationEvent = {
    eventId: randomId(),
    occurredAt: givenAt,
    type: 'registration',
    customerId: randomId(),
    firstName: form.firstName.trim(),
    phone: form.phone,
    ...(form.email ? { email: form.email.trim() } : {}),
    ...(form.birthday ? { birthday: form.birthday } : {}),
    ...(form.cardNumber ? { cardNumber: form.cardNumber } : {}),
    ...(form.referrerCard && /^\d{6,19}$/.test(form.referrerCard) && form.referrerCard !== form.cardNumber ? { referrer: { card: form.referrerCard } } : {}),
    consents: [
      { purpose: 'personal_data', channel: null, granted: true, textVersion: CONSENT_TEXT_VERSION.personalData, givenAt },
      ...(Object.entries(form.marketing) as [ConsentChannel, boolean][]).map(([channel, granted]) => ({
        purpose: 'marketing' as const,
        channel,
        granted,
        textVersion: CONSENT_TEXT_VERSION.marketing,
        givenAt,
      })),
    ],
    welcomeBonusKopecks: welcome.amount,
    ...(form.phoneConfirmation ? { phoneConfirmation: form.phoneConfirmation } : {}),
  };
  const pendingWelcome = welcome.pendingDays > 0;
  const event = await db.transaction('rw', [db.outbox, db.balanceDeltas, db.shift, db.tally], async () => {
    // The till's welcome figure; the server may not pay it (a known phone merges): the tally is the till's view.
    const event = await stampAndTally(db, made, { registrations: 1, welcomeKopecks: welcome.amount }, now.getTime());
    await db.outbox.add({
      eventId: event.eventId,
      type: 'registration',
      event,
      status: 'pending',
      createdAt: now.getTime(),
      attempts: 0,
      lastError: null,
      rejection: null,
    } satisfies OutboxRecord);
    if (welcome.amount > 0) {
      await db.balanceDeltas.add({
        eventId: event.eventId,
        customerId: event.customerId,
        available: pendingWelcome ? 0 : welcome.amount,
        pending: pendingWelcome ? welcome.amount : 0,
      } satisfies BalanceDeltaRecord);
    }
    return event;
  });
  const lowestTier = [...ctx.programme.tiers].sort((a, b) => a.minSpendKopecks - b.minSpendKopecks)[0];
  const customer: CachedCustomer = {
    id: event.customerId,
    firstName: event.firstName,
    maskedPhone: maskPhone(form.phone),
    tier: lowestTier?.id ?? 'base',
    balance: 0,
    pending: 0,
    cards: form.cardNumber ? [form.cardNumber] : [],
    phoneKey: form.phoneUnconfirmed ? null : await ctx.phoneKeyOf(form.phone),
    bankKeys: [],
    deleted: false,
    // Month and day only, as the server's pull would send it: birthday offers apply at once.
    birthday: form.birthday ? { month: Number(form.birthday.slice(5, 7)), day: Number(form.birthday.slice(8, 10)) } : null,
  };
  // So the customer can be found on this till at once, even offline. The outbox entry is
  // already durable: should this write be lost, the next pull brings the customer anyway.
  const writer = db.cacheWriter();
  await writer.transaction('rw', cacheTables(writer), () => storeCustomers(writer, prepareCustomers([customer])));
  return { event, customer };
}
