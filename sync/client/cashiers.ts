import { toLocal } from '../../core/engine';
import { isLegacyPinHash, verifyPin } from '../../core/pinHash';
import { CashierList } from '../protocol/cashiers';
import type { RegistrationEvent, RegistrationOfferedEvent, ReturnEvent, SaleEvent } from '../protocol/events';
import type { ApiCaller } from './api';
import { randomId } from './ids';
import { TALLY_FIGURES, type OutboxRecord, type SignedIn, type TallyFigure, type TallyRecord } from './records';
import type { TillDb } from './tillDb';

/**
 * Cashier sign-in at the till, and the till's own tally of the day per cashier.
 *
 * The store's cashiers come from the server with their PINs as salted PBKDF2 hashes; a cashier
 * signs in at shift start with personnel number + PIN, checked here, so a shift starts with
 * the server away too. While signed in, every sale, return, registration and registration
 * offer is stamped with the cashier's id in the same transaction that makes it durable.
 * A store with no cashiers on the server needs no sign-in: its events carry no cashier.
 */
export { TALLY_FIGURES } from './records';
export type { CashierRecord, ShiftRecord, SignedIn, TallyFigure, TallyRecord } from './records';

/**
 * Wrong PINs allowed before a lock, the first lock, and its ceiling: each wrong PIN past the
 * limit doubles the lock (5, 10, 20 minutes ... at most 24 hours). Only a right PIN clears the count.
 */
export const SIGN_IN_LIMIT = { maxFailures: 5, windowMs: 5 * 60_000, maxLockMs: 24 * 3_600_000 } as const;

/**
 * A clock that only moves forward while this page runs (performance.now()) and the page it
 * belongs to. A lock runs down by it: moving the wall clock does nothing, and a reload or a
 * restart finds the lock where the last page left it (issue 13).
 */
export interface MonotonicClock {
  session: string;
  now(): number;
}

export const pageClock: MonotonicClock = { session: randomId(), now: () => performance.now() };

/** The lock that the n-th wrong PIN in a row earns (0 below the limit). */
export function lockAfter(failures: number): number {
  if (failures < SIGN_IN_LIMIT.maxFailures) return 0;
  return Math.min(SIGN_IN_LIMIT.maxLockMs, SIGN_IN_LIMIT.windowMs * 2 ** Math.min(20, failures - SIGN_IN_LIMIT.maxFailures));
}
const TALLY_KEEP_MS = 40 * 86_400_000;

/** Fetch the store's cashiers; a cashier no longer on the list is signed out. */
export async function pullCashiers(db: TillDb, api: ApiCaller, now = Date.now()): Promise<{ ok: true; count: number } | { ok: false }> {
  const res = await api('GET', '/api/v1/pull/cashiers');
  if (!res.ok) return { ok: false };
  const parsed = CashierList.safeParse(res.body);
  if (!parsed.success) return { ok: false };
  const list = parsed.data.cashiers;
  await db.transaction('rw', [db.cashiers, db.shift, db.tally], async () => {
    await db.cashiers.clear();
    await db.cashiers.bulkPut(list);
    const current = await db.shift.get('current');
    if (current?.key === 'current' && !list.some((c) => c.cashierId === current.cashierId)) await db.shift.delete('current');
    await db.tally
      .where('at')
      .below(now - TALLY_KEEP_MS)
      .delete();
  });
  return { ok: true, count: list.length };
}

/** Whether this till must ask for a cashier before selling: the store has cashiers. */
export async function needsCashier(db: TillDb): Promise<boolean> {
  return (await db.cashiers.count()) > 0;
}

export async function currentCashier(db: TillDb): Promise<SignedIn | null> {
  const s = await db.shift.get('current');
  return s?.key === 'current' ? s : null;
}

export type SignInResult =
  /** `legacyPin`: the PIN matched an older PBKDF2 hash; the till asks the server to re-make it with Argon2id. */
  | { ok: true; cashier: SignedIn; legacyPin?: boolean }
  | { ok: false; reason: 'wrong'; attemptsLeft: number }
  | { ok: false; reason: 'locked'; retryInMs: number };

/**
 * Personnel number + PIN, checked against the pulled hash. Throttled on this till: after
 * SIGN_IN_LIMIT.maxFailures wrong tries in a row even the right PIN waits, longer with each
 * further wrong try (lockAfter), by a monotonic clock (MonotonicClock).
 * A wrong number and a wrong PIN answer alike, so the screen does not confirm who works here.
 */
export async function signIn(db: TillDb, personnelNo: string, pin: string, now = Date.now(), clock: MonotonicClock = pageClock): Promise<SignInResult> {
  const lock = await currentLockout(db, clock);
  if (lock.remainingMs > 0) return { ok: false, reason: 'locked', retryInMs: lock.remainingMs };
  const cashier = await db.cashiers.where('personnelNo').equals(personnelNo.trim()).first();
  const matches = await verifyPin(pin, cashier?.pinHash ?? DECOY);
  if (!matches || !cashier) {
    const failures = lock.failures + 1;
    await db.shift.put({ key: 'lockout', failures, remainingMs: lockAfter(failures), session: clock.session, mono: clock.now() });
    return { ok: false, reason: 'wrong', attemptsLeft: Math.max(0, SIGN_IN_LIMIT.maxFailures - failures) };
  }
  const signed: SignedIn = { key: 'current', cashierId: cashier.cashierId, name: cashier.name, personnelNo: cashier.personnelNo, since: now };
  await db.transaction('rw', db.shift, async () => {
    await db.shift.put(signed);
    await db.shift.bulkDelete(['failures', 'lockout']);
  });
  return isLegacyPinHash(cashier.pinHash) ? { ok: true, cashier: signed, legacyPin: true } : { ok: true, cashier: signed };
}

/** A well-formed hash nobody's PIN matches: an unknown number costs as long as a wrong PIN. */
const DECOY = 'argon2id$16384$3$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * The wrong tries in a row and the lock left, run down by the monotonic time this page has seen
 * since the record was last written. A record from another page (a reload, a restart) is taken
 * as it stands and adopted by this page: the time the till was off does not count.
 */
async function currentLockout(db: TillDb, clock: MonotonicClock): Promise<{ failures: number; remainingMs: number }> {
  const r = await db.shift.get('lockout');
  if (r?.key !== 'lockout') return { failures: 0, remainingMs: 0 };
  const mono = clock.now();
  const elapsed = r.session === clock.session ? Math.max(0, mono - r.mono) : 0;
  const remainingMs = Math.max(0, r.remainingMs - elapsed);
  if (remainingMs !== r.remainingMs || r.session !== clock.session) {
    await db.shift.put({ ...r, remainingMs, session: clock.session, mono });
  }
  return { failures: r.failures, remainingMs };
}

/**
 * Whether the customer just identified is the signed-in cashier's own loyalty account: they hold
 * the card the cashier linked at creation, or they are the account the server names as the
 * cashier's own (by that card or the cashier's phone, however the customer was identified now).
 * A cashier selling to themselves is told so (issue 13).
 */
export async function isCashiersOwnCard(db: TillDb, customerKeys: readonly string[], customerId?: string): Promise<boolean> {
  const current = await currentCashier(db);
  if (!current) return false;
  const me = await db.cashiers.get(current.cashierId);
  if (!me) return false;
  if (customerId !== undefined && typeof me.customerId === 'string' && me.customerId === customerId) return true;
  return typeof me.card === 'string' && customerKeys.includes(`card:${me.card}`);
}

export async function signOut(db: TillDb): Promise<void> {
  await db.shift.delete('current');
}

/**
 * Inside a checkout/return/registration transaction (which must include `db.shift` and
 * `db.tally`): stamp the event with the signed-in cashier and tally its figures.
 */
export async function stampAndTally<E extends SaleEvent | ReturnEvent | RegistrationEvent | RegistrationOfferedEvent>(
  db: TillDb,
  event: E,
  figures: TallyRecord['figures'],
  at: number,
): Promise<E> {
  const current = await db.shift.get('current');
  const cashierId = event.cashierId ?? (current?.key === 'current' ? current.cashierId : undefined);
  await db.tally.put({ eventId: event.eventId, at, cashierId: cashierId ?? null, figures });
  return cashierId === undefined ? event : { ...event, cashierId };
}

/**
 * The till showed "register" for a customer it could not find: queue the fact for the
 * server and tally it, in one strict transaction.
 */
export async function recordRegistrationOffered(db: TillDb, via: RegistrationOfferedEvent['via'], now = new Date()): Promise<RegistrationOfferedEvent> {
  return db.transaction('rw', [db.outbox, db.shift, db.tally], async () => {
    const made: RegistrationOfferedEvent = { eventId: randomId(), occurredAt: now.toISOString(), type: 'registrationOffered', via };
    const event = await stampAndTally(db, made, { registrationsOffered: 1 }, now.getTime());
    await db.outbox.add({
      eventId: event.eventId,
      type: event.type,
      event,
      status: 'pending',
      createdAt: now.getTime(),
      attempts: 0,
      lastError: null,
      rejection: null,
    } satisfies OutboxRecord);
    return event;
  });
}

export type TallyRow = Record<TallyFigure, number>;
export interface TillCashierRow extends TallyRow {
  cashierId: string | null;
  cashierName: string | null;
  personnelNo: string | null;
}

/** The local calendar date (YYYY-MM-DD) of an instant in the store's time zone. */
export function localDate(at: number, timeZone: string): string {
  const l = toLocal({ kind: 'instant', instant: new Date(at).toISOString(), timeZone });
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

export function emptyTally(): TallyRow {
  return Object.fromEntries(TALLY_FIGURES.map((k) => [k, 0])) as TallyRow;
}

/**
 * This till's figures for a local day, per cashier and in total, from its own tally: what the
 * manager sees while the server is away. The till's figures, not the ledger's (which may clamp
 * or merge); the cashier rows sum to the totals exactly.
 */
export function tallyFigures(
  records: readonly TallyRecord[],
  names: ReadonlyMap<string, { name: string; personnelNo: string }>,
  timeZone: string,
  date: string,
): { date: string; totals: TallyRow; cashiers: TillCashierRow[] } {
  const rows = new Map<string, TallyRow>();
  for (const r of records) {
    if (localDate(r.at, timeZone) !== date) continue;
    const key = r.cashierId ?? '';
    let row = rows.get(key);
    if (!row) rows.set(key, (row = emptyTally()));
    for (const k of TALLY_FIGURES) row[k] += r.figures[k] ?? 0;
  }
  const totals = emptyTally();
  for (const row of rows.values()) for (const k of TALLY_FIGURES) totals[k] += row[k];
  const cashiers = [...rows.entries()]
    .sort(([a], [b]) =>
      a === '' ? 1 : b === '' ? -1 : (names.get(a)?.personnelNo ?? a).localeCompare(names.get(b)?.personnelNo ?? b, 'en', { numeric: true }),
    )
    .map(([id, row]) => ({
      cashierId: id || null,
      cashierName: id ? (names.get(id)?.name ?? null) : null,
      personnelNo: id ? (names.get(id)?.personnelNo ?? null) : null,
      ...row,
    }));
  return { date, totals, cashiers };
}

/** Today's (or `date`'s) figures of this till, read from its database. */
export async function tillFigures(db: TillDb, timeZone: string, now = Date.now(), date = localDate(now, timeZone)) {
  // A local day spans at most ~26 h around its UTC date: read a generous window, filter by date.
  const from = Date.parse(`${date}T00:00:00Z`) - 36 * 3_600_000;
  const records = await db.tally
    .where('at')
    .between(from, from + 96 * 3_600_000)
    .toArray();
  const list = await db.cashiers.toArray();
  const current = await currentCashier(db);
  const names = new Map(list.map((c) => [c.cashierId, { name: c.name, personnelNo: c.personnelNo }]));
  if (current && !names.has(current.cashierId)) names.set(current.cashierId, { name: current.name, personnelNo: current.personnelNo });
  return tallyFigures(records, names, timeZone, date);
}
