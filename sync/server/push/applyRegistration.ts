import { makeLot, welcomeBonus } from '../../../core/engine';
import { setReferrer } from '../referrals';
import { phoneLookupKey } from '../../../core/lookupKey';
import type { AppliedResult, RegistrationEvent } from '../../protocol/events';
import type { Sql } from '../db/database';
import type { ExceptionDraft } from '../exceptions';
import { CustomerBook } from '../ledger';
import { eventCashier } from '../cashiers';
import { engineStore, flag, rulesOf, tillInstantMs, type EventContext } from './context';
import { lockCustomerById } from './customerRef';
import { insertConsents } from './applyConsent';
import { currentPhoneSecret } from '../lookupSecrets';
import { useConfirmation } from '../phoneCodes';

/**
 * A customer registered at a till. The phone is the identity: when the chain already has a
 * customer with this phone and the registration carries the confirmation of an SMS code sent to
 * it (issue 13), the registration merges into that customer: the till-made id becomes an alias
 * of it, missing contact fields and consents are added, and no second welcome bonus is paid.
 * Without the confirmation (made offline, or a stranger who knows the number) it becomes a
 * customer of its own, without the phone as an identifier and without a welcome bonus, flagged
 * for head office to merge (or not): nothing is linked to, recorded in the name of, or shown
 * from the customer who has the phone.
 * Two registrations racing on two instances meet at the unique phone identifier; the loser's
 * transaction is retried and takes the merge path.
 */
export async function applyRegistration(ctx: EventContext, ev: RegistrationEvent): Promise<AppliedResult> {
  const { tx, terminal, nowMs } = ctx;
  const rules = rulesOf(ctx);
  const flags: ExceptionDraft[] = [];

  const [known] = await tx.query<{ customer_id: number }>('SELECT customer_id FROM customer_aliases WHERE alias = $1', [ev.customerId]);
  if (known) {
    // The same till-made customer registered again under a new event id: nothing new to do.
    const id = Number(known.customer_id);
    flags.push({ kind: 'registration_repeated', customerId: id });
    await flag(ctx, flags);
    return { type: 'registration', customerId: String(id), posted: {}, balance: null, flags: flags.map((f) => f.kind) };
  }

  // Keyed with the chain's current phone secret (Argon2id: tens of milliseconds, once per customer).
  const secret = await currentPhoneSecret(tx, terminal.chainId);
  const phoneKey = await phoneLookupKey(secret, ev.phone);
  // By the phone itself: a customer not re-keyed yet after a rotation still holds an older key.
  const [existing] = await tx.query<{ customer_id: number }>(
    `SELECT id AS customer_id FROM customers WHERE chain_id = $1 AND phone_e164 = $2
     UNION SELECT customer_id FROM identifiers WHERE chain_id = $1 AND kind = 'phone' AND key = $3 LIMIT 1`,
    [terminal.chainId, ev.phone, phoneKey],
  );
  const owner = existing ? Number(existing.customer_id) : null;
  const confirmed =
    owner !== null &&
    ev.phoneConfirmation !== undefined &&
    (await useConfirmation(tx, {
      token: ev.phoneConfirmation,
      chainId: terminal.chainId,
      terminalId: terminal.terminalId,
      customerId: owner,
      purpose: 'register',
      eventId: ctx.eventId,
      atMs: nowMs,
    }));
  if (owner !== null && confirmed) {
    const id = owner;
    await lockCustomerById(tx, id);
    await tx.query('INSERT INTO customer_aliases (alias, customer_id) VALUES ($1, $2)', [ev.customerId, id]);
    await tx.query('UPDATE customers SET email = COALESCE(email, $2), birthday = COALESCE(birthday, $3::date) WHERE id = $1', [
      id,
      ev.email ?? null,
      ev.birthday ?? null,
    ]);
    if (ev.cardNumber && !(await addCard(tx, terminal.chainId, id, ev.cardNumber))) flags.push({ kind: 'card_taken', customerId: id });
    await insertConsents(ctx, id, ev.consents);
    flags.push({ kind: 'registration_merged', customerId: id, details: { alias: ev.customerId } });
    if (ev.welcomeBonusKopecks > 0) flags.push({ kind: 'welcome_not_granted', customerId: id, details: { till: ev.welcomeBonusKopecks } });
    await flag(ctx, flags);
    const book = await CustomerBook.open(tx, id, nowMs);
    const b = await book.flush(tx, { eventId: ctx.eventId, terminalId: terminal.terminalId, receiptId: null }, {});
    return {
      type: 'registration',
      customerId: String(id),
      mergedInto: String(id),
      posted: { welcome: 0 },
      balance: { available: b.available, pending: b.pending },
      flags: flags.map((f) => f.kind),
    };
  }

  const { programme } = rules;
  const registeredAtMs = tillInstantMs(ev.occurredAt, nowMs);
  const cashierId = await eventCashier(tx, terminal.storeId, ev.cashierId);
  if (ev.cashierId !== undefined && cashierId === null) flags.push({ kind: 'cashier_unknown', details: { cashierId: ev.cashierId } });
  const duplicateOf = owner;
  const [created] = await tx.query<{ id: number }>(
    `INSERT INTO customers (chain_id, first_name, phone_e164, email, birthday, tier, store_id, registered_by_event, registered_at, registered_by_cashier, phone_key_version,
       unconfirmed_phone_e164, duplicate_of)
     VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, to_timestamp($9 / 1000.0), $10, $11, $12, $13) RETURNING id`,
    [
      terminal.chainId,
      ev.firstName,
      duplicateOf === null ? ev.phone : null,
      ev.email ?? null,
      ev.birthday ?? null,
      programme.tiers[0]?.id ?? 'base',
      terminal.storeId,
      ctx.eventId,
      registeredAtMs,
      cashierId,
      secret.version,
      duplicateOf === null ? null : ev.phone,
      duplicateOf,
    ],
  );
  const id = Number(created!.id);
  // A concurrent registration of the same phone fails here (unique key) and is retried as a merge.
  if (duplicateOf === null) {
    await tx.query(`INSERT INTO identifiers (chain_id, kind, key, customer_id) VALUES ($1, 'phone', $2, $3)`, [terminal.chainId, phoneKey, id]);
  } else {
    flags.push({ kind: 'registration_unconfirmed_phone', customerId: id, details: { duplicateOf } });
  }
  if (ev.cardNumber && !(await addCard(tx, terminal.chainId, id, ev.cardNumber))) flags.push({ kind: 'card_taken', customerId: id });
  await tx.query('INSERT INTO customer_aliases (alias, customer_id) VALUES ($1, $2)', [ev.customerId, id]);
  await tx.query('INSERT INTO balances (customer_id) VALUES ($1)', [id]);
  // Invited by another customer: both get the referral bonus once this one has bought (referrals.ts).
  if (ev.referrer) await setReferrer(tx, terminal.chainId, id, ev.referrer);
  await insertConsents(ctx, id, ev.consents);

  const birthday = ev.birthday ? { month: Number(ev.birthday.slice(5, 7)), day: Number(ev.birthday.slice(8, 10)) } : null;
  const server = welcomeBonus(programme, rules.index, {
    customer: { id: String(id), availableBonusKopecks: 0, rollingSpendKopecks: 0, segments: [], purchaseCount: 0, birthday },
    store: engineStore(terminal),
    at: { kind: 'instant', instant: new Date(registeredAtMs).toISOString(), timeZone: terminal.timeZone },
  });
  // As with sales: the till's figure, at most the server's plus the offline allowance. None for a
  // registration that claimed another customer's phone: a phone number must not mint bonuses.
  const welcome = duplicateOf !== null ? 0 : Math.min(ev.welcomeBonusKopecks, server.amount + programme.offlineAllowanceKopecks);
  if (duplicateOf !== null) {
    if (ev.welcomeBonusKopecks > 0) flags.push({ kind: 'welcome_not_granted', customerId: id, details: { till: ev.welcomeBonusKopecks } });
  } else if (welcome !== server.amount) {
    flags.push({ kind: 'welcome_difference', customerId: id, details: { till: ev.welcomeBonusKopecks, server: server.amount, posted: welcome } });
  }
  const book = await CustomerBook.open(tx, id, nowMs);
  const lot = makeLot(programme, { id: 'welcome', amount: welcome, earnedAtMs: registeredAtMs, pendingDays: server.pendingDays });
  await book.credit(tx, 'welcome', welcome, lot);
  const balance = await book.flush(tx, { eventId: ctx.eventId, terminalId: terminal.terminalId, receiptId: null });
  const limited = new Set(rules.limited.map((o) => o.id));
  const used = server.appliedOffers.map((o) => o.id).filter((o) => limited.has(o));
  if (used.length > 0) {
    await tx.query(
      `INSERT INTO offer_uses (customer_id, offer_id, used_at, event_id) SELECT $1, o, to_timestamp($3 / 1000.0), $4 FROM unnest($2::text[]) AS o`,
      [id, used, registeredAtMs, ctx.eventId],
    );
  }
  await flag(ctx, flags);
  return {
    type: 'registration',
    customerId: String(id),
    posted: { welcome },
    balance: { available: balance.available, pending: balance.pending },
    flags: flags.map((f) => f.kind),
  };
}

/** Link a loyalty card unless another customer has it. */
export async function addCard(tx: Sql, chainId: number, customerId: number, card: string): Promise<boolean> {
  const rows = await tx.query<{ customer_id: number }>(
    `INSERT INTO identifiers (chain_id, kind, key, customer_id) VALUES ($1, 'card', $2, $3)
     ON CONFLICT (chain_id, kind, key) DO UPDATE SET customer_id = identifiers.customer_id RETURNING customer_id`,
    [chainId, card, customerId],
  );
  return Number(rows[0]?.customer_id) === customerId;
}
