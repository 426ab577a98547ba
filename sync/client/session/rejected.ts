import { RegistrationEvent } from '../../protocol/events';
import { randomId } from '../ids';
import type { OutboxRecord } from '../records';
import type { TillDb } from '../tillDb';

/** A refused event as the rejected-events screen lists it: reason code, and what can be fixed here. */
export interface RejectedView {
  eventId: string;
  type: OutboxRecord['type'];
  code: string;
  createdAt: number;
  /** The registration's customer name, to recognise it; nothing else personal. */
  name: string | null;
  /** What the cashier or manager can change to send it again, or null when it cannot be fixed here. */
  fix: 'email' | null;
  email: string | null;
}

/** Parked, not refused: a sale waiting for a registration the server refused; fixed with it. */
export const WAITS_FOR_REGISTRATION = 'registration_rejected';

function registrationFix(r: OutboxRecord): 'email' | null {
  if (r.type !== 'registration' || !r.rejection) return null;
  const e = r.event as RegistrationEvent;
  return r.rejection.code === 'invalid_event' && (e.email !== undefined || /email/i.test(r.rejection.message)) ? 'email' : null;
}

export async function rejectedEvents(db: TillDb): Promise<RejectedView[]> {
  const list = await db.outbox.where('status').equals('rejected').toArray();
  return list
    .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
    .map((r) => ({
      eventId: r.eventId,
      type: r.type,
      code: r.rejection?.code ?? 'unknown',
      createdAt: r.createdAt,
      name: r.type === 'registration' ? (r.event as RegistrationEvent).firstName : null,
      fix: registrationFix(r),
      email: r.type === 'registration' ? ((r.event as RegistrationEvent).email ?? null) : null,
    }));
}

function customerOf(r: OutboxRecord): string | null {
  const e = r.event;
  if (e.type === 'sale') return e.sale.customer?.id ?? null;
  if (e.type === 'cardLink') return e.customerId;
  return null;
}

/**
 * Events waiting for a customer whose registration the server refused would be retried for
 * ever: park them beside it (shown, not sent) until the registration is fixed.
 */
export async function parkDependents(db: TillDb): Promise<number> {
  const refused = await db.outbox
    .where('status')
    .equals('rejected')
    .filter((r) => r.type === 'registration')
    .toArray();
  if (refused.length === 0) return 0;
  const ids = new Set(refused.map((r) => (r.event as RegistrationEvent).customerId));
  return db.outbox
    .where('status')
    .equals('pending')
    .filter((r) => {
      const c = customerOf(r);
      return c !== null && ids.has(c);
    })
    .modify((r) => {
      r.status = 'rejected';
      r.rejection = { code: WAITS_FOR_REGISTRATION, message: 'Waits for the registration of its customer, which the server refused.' };
    });
}

/**
 * Send a refused registration again with the cashier's fix, as a new event for the same
 * till-made customer id, and release what waited for it. Checked with the server's own schema.
 */
export async function fixRejected(
  db: TillDb,
  eventId: string,
  fix: { email?: string | null },
  now: Date,
): Promise<{ ok: true } | { ok: false; problem: string }> {
  const record = await db.outbox.where('eventId').equals(eventId).first();
  if (!record || record.status !== 'rejected' || record.type !== 'registration' || registrationFix(record) === null)
    return { ok: false, problem: 'rejected.cannotFix' };
  const old = record.event as RegistrationEvent;
  const { email: _dropped, ...rest } = old;
  const email = fix.email?.trim();
  const made = { ...rest, ...(email ? { email } : {}), eventId: randomId() };
  const parsed = RegistrationEvent.safeParse(made);
  if (!parsed.success) return { ok: false, problem: 'register.invalid.email' };
  await db.transaction('rw', db.outbox, async () => {
    await db.outbox.delete(record.seq!);
    await db.outbox.add({
      eventId: parsed.data.eventId,
      type: 'registration',
      event: parsed.data,
      status: 'pending',
      createdAt: now.getTime(),
      attempts: 0,
      lastError: null,
      rejection: null,
    });
    await db.outbox
      .where('status')
      .equals('rejected')
      .filter((r) => r.rejection?.code === WAITS_FOR_REGISTRATION && customerOf(r) === old.customerId)
      .modify((r) => {
        r.status = 'pending';
        r.rejection = null;
      });
  });
  return { ok: true };
}
