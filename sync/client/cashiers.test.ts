import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashPinArgon2, hashPinPbkdf2 } from '../../core/pinHash';
import { line, sale } from '../server/testing/events';
import type { ApiCaller } from './api';
import {
  currentCashier,
  isCashiersOwnCard,
  localDate,
  lockAfter,
  type MonotonicClock,
  needsCashier,
  pullCashiers,
  recordRegistrationOffered,
  signIn,
  signOut,
  SIGN_IN_LIMIT,
  TALLY_FIGURES,
  tallyFigures,
  tillFigures,
  type TallyRecord,
} from './cashiers';
import { commitSale } from './outbox';
import { TillDb } from './tillDb';

let n = 0;
let clocks = 0;
/** A page's monotonic clock that the test moves. */
function fakeClock(): MonotonicClock & { advance(ms: number): void } {
  let t = 0;
  return { session: `page-${++clocks}`, now: () => t, advance: (ms) => void (t += ms) };
}
const freshDb = () => new TillDb(`cashiers-test-${++n}`);

async function listApi(pins: Record<string, string>): Promise<ApiCaller> {
  const cashiers = await Promise.all(
    Object.entries(pins).map(async ([no, pin]) => ({
      cashierId: String(Number(no) * 10),
      personnelNo: no,
      name: `Кассир ${no}`,
      pinHash: await hashPinPbkdf2(pin, 1_000),
    })),
  );
  return async () => ({ ok: true, status: 200, body: { storeId: 1, cashiers } });
}

describe('cashier sign-in at the till', () => {
  it('needs no cashier until the store has some, then checks number + PIN offline and throttles guesses', async () => {
    const db = freshDb();
    expect(await needsCashier(db)).toBe(false);
    expect(await pullCashiers(db, await listApi({ '101': '1357', '102': '2468' }))).toEqual({ ok: true, count: 2 });
    expect(await needsCashier(db)).toBe(true);
    // Offline from here on: the list and the hashes are on the till.
    expect(await signIn(db, '101', '2468')).toEqual({ ok: false, reason: 'wrong', attemptsLeft: 4 });
    expect(await signIn(db, '999', '1357')).toEqual({ ok: false, reason: 'wrong', attemptsLeft: 3 });
    const ok = await signIn(db, '101', '1357');
    expect(ok).toMatchObject({ ok: true, cashier: { cashierId: '1010', name: 'Кассир 101' } });
    expect(await currentCashier(db)).toMatchObject({ cashierId: '1010' });
    await signOut(db);
    expect(await currentCashier(db)).toBeNull();

    const clock = fakeClock();
    for (let i = 0; i < SIGN_IN_LIMIT.maxFailures; i++) await signIn(db, '102', '0000', Date.now(), clock);
    expect(await signIn(db, '102', '2468', Date.now(), clock)).toMatchObject({ ok: false, reason: 'locked' });
    clock.advance(SIGN_IN_LIMIT.windowMs + 10);
    expect(await signIn(db, '102', '2468', Date.now(), clock)).toMatchObject({ ok: true });
  });

  it('locks by a monotonic clock: moving the wall clock or restarting the till does not unlock it, and each wrong PIN past the limit doubles the lock', async () => {
    const db = freshDb();
    await pullCashiers(db, await listApi({ '101': '1357' }));
    const wall = Date.now();
    const page = fakeClock();
    for (let i = 0; i < SIGN_IN_LIMIT.maxFailures; i++) await signIn(db, '101', '0000', wall, page);
    // Someone sets the wall clock a day ahead (the old lock counted wall time: 6 minutes were enough).
    expect(await signIn(db, '101', '1357', wall + 86_400_000, page)).toMatchObject({ ok: false, reason: 'locked', retryInMs: 5 * 60_000 });
    page.advance(2 * 60_000);
    expect(await signIn(db, '101', '1357', wall, page)).toMatchObject({ ok: false, reason: 'locked', retryInMs: 3 * 60_000 });
    // The till restarts (a new page, its monotonic clock from zero): the lock is where it was.
    const restarted = fakeClock();
    restarted.advance(10 * 60_000);
    expect(await signIn(db, '101', '1357', wall + 86_400_000, restarted)).toMatchObject({ ok: false, reason: 'locked', retryInMs: 3 * 60_000 });
    restarted.advance(3 * 60_000);
    // Lock over; one more wrong PIN locks again for twice as long, then four times.
    expect(await signIn(db, '101', '0000', wall, restarted)).toMatchObject({ ok: false, reason: 'wrong', attemptsLeft: 0 });
    expect(await signIn(db, '101', '1357', wall, restarted)).toMatchObject({ ok: false, reason: 'locked', retryInMs: 10 * 60_000 });
    restarted.advance(10 * 60_000);
    await signIn(db, '101', '0000', wall, restarted);
    expect(await signIn(db, '101', '1357', wall, restarted)).toMatchObject({ ok: false, reason: 'locked', retryInMs: 20 * 60_000 });
    restarted.advance(20 * 60_000);
    // The right PIN clears the count: the next wrong one is the first of five again.
    expect(await signIn(db, '101', '1357', wall, restarted)).toMatchObject({ ok: true });
    expect(await signIn(db, '101', '0000', wall, restarted)).toEqual({ ok: false, reason: 'wrong', attemptsLeft: 4 });
    expect([4, 5, 6, 7, 30].map(lockAfter)).toEqual([0, 5 * 60_000, 10 * 60_000, 20 * 60_000, SIGN_IN_LIMIT.maxLockMs]);
  });

  it("knows when the customer identified holds the signed-in cashier's own loyalty card", async () => {
    const db = freshDb();
    const pinHash = await hashPinPbkdf2('1357', 1_000);
    const list = [
      { cashierId: '1010', personnelNo: '101', name: 'Анна', pinHash, card: '2700000000079' },
      { cashierId: '1020', personnelNo: '102', name: 'Борис', pinHash: await hashPinArgon2('1357', { memoryKiB: 64, iterations: 1 }), card: null },
    ];
    await pullCashiers(db, async () => ({ ok: true, status: 200, body: { storeId: 1, cashiers: list } }));
    const annasKeys = ['card:2700000000079', 'phone:abc'];
    expect(await isCashiersOwnCard(db, annasKeys)).toBe(false); // nobody signed in
    // Anna's hash is an older PBKDF2 one: the till is told to have the server upgrade it.
    expect(await signIn(db, '101', '1357', Date.now(), fakeClock())).toMatchObject({ ok: true, legacyPin: true });
    expect(await isCashiersOwnCard(db, annasKeys)).toBe(true);
    expect(await isCashiersOwnCard(db, ['card:2700000000086'])).toBe(false);
    await signOut(db);
    const boris = await signIn(db, '102', '1357', Date.now(), fakeClock());
    expect(boris).toMatchObject({ ok: true });
    expect(boris.ok && boris.legacyPin).toBeFalsy();
    expect(await isCashiersOwnCard(db, annasKeys)).toBe(false);
  });

  it('signs out a cashier the server no longer lists', async () => {
    const db = freshDb();
    await pullCashiers(db, await listApi({ '101': '1357' }));
    await signIn(db, '101', '1357');
    await pullCashiers(db, await listApi({ '205': '1111' }));
    expect(await currentCashier(db)).toBeNull();
    // An unreachable server changes nothing.
    await signIn(db, '205', '1111');
    expect(await pullCashiers(db, async () => ({ ok: false, offline: true, code: 'offline', message: 'x', status: 0 }))).toEqual({ ok: false });
    expect(await currentCashier(db)).toMatchObject({ personnelNo: '205' });
  });

  it('stamps a sale and a registration offer with the signed-in cashier, and tallies them', async () => {
    const db = freshDb();
    await pullCashiers(db, await listApi({ '101': '1357' }));
    const anon = await commitSale(db, { event: sale({ customerId: null, lines: [line(1)] }).event });
    expect(anon.cashierId).toBeUndefined();
    await signIn(db, '101', '1357');
    const made = sale({ customerId: '7', available: 50_000, lines: [line(2)], redeem: 1_000 });
    const stored = await commitSale(db, { event: made.event });
    expect(stored.cashierId).toBe('1010');
    expect((await db.journal.get(made.event.sale.receiptId))?.event.cashierId).toBe('1010');
    expect((await db.outbox.where('eventId').equals(made.event.eventId).first())?.event).toMatchObject({ cashierId: '1010' });
    const offer = await recordRegistrationOffered(db, 'phone');
    expect(offer).toMatchObject({ type: 'registrationOffered', cashierId: '1010', via: 'phone' });

    const f = await tillFigures(db, 'Europe/Moscow');
    expect(f.totals).toMatchObject({ receipts: 2, identifiedReceipts: 1, registrationsOffered: 1, redeemedKopecks: made.event.totals.redeemed });
    expect(f.cashiers).toEqual([
      expect.objectContaining({
        cashierId: '1010',
        cashierName: 'Кассир 101',
        personnelNo: '101',
        receipts: 1,
        identifiedReceipts: 1,
        registrationsOffered: 1,
      }),
      expect.objectContaining({ cashierId: null, receipts: 1, identifiedReceipts: 0 }),
    ]);
  });
});

describe("the till's own figures", () => {
  const record = fc.record({
    eventId: fc.uuid(),
    at: fc.integer({ min: Date.parse('2026-03-28T00:00:00Z'), max: Date.parse('2026-04-02T00:00:00Z') }),
    cashierId: fc.constantFrom(null, '1', '2', '3'),
    figures: fc.record(
      Object.fromEntries(TALLY_FIGURES.map((k) => [k, fc.integer({ min: 0, max: 1_000_000 })])) as Record<(typeof TALLY_FIGURES)[number], fc.Arbitrary<number>>,
      { requiredKeys: [] },
    ),
  });

  it('per-cashier rows add up exactly to the till totals, and every record counts on exactly one local day', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 60 }),
        fc.constantFrom('Europe/Moscow', 'Asia/Vladivostok', 'Europe/Kaliningrad'),
        (records: TallyRecord[], zone) => {
          const names = new Map([
            ['1', { name: 'A', personnelNo: '10' }],
            ['2', { name: 'B', personnelNo: '9' }],
          ]);
          const days = [...new Set(records.map((r) => localDate(r.at, zone)))];
          const all = Object.fromEntries(TALLY_FIGURES.map((k) => [k, 0]));
          for (const day of days) {
            const f = tallyFigures(records, names, zone, day);
            for (const k of TALLY_FIGURES) {
              expect(f.cashiers.reduce((s, c) => s + c[k], 0)).toBe(f.totals[k]);
              all[k]! += f.totals[k];
            }
            const none = f.cashiers.findIndex((c) => c.cashierId === null);
            if (none >= 0) expect(none).toBe(f.cashiers.length - 1);
          }
          for (const k of TALLY_FIGURES) expect(all[k]).toBe(records.reduce((s, r) => s + (r.figures[k] ?? 0), 0));
        },
      ),
    );
  });
});
