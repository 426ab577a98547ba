import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { line, registration, sale } from '../../server/testing/events';
import { commitSale, enqueue } from '../outbox';
import type { DraftRecord } from '../records';
import { TillDb } from '../tillDb';
import { carryOverEarlierEnrolments } from './reenrol';

let n = 0;
const prefix = () => `reenrol-test-${++n}-`;
const open = (name: string) => new TillDb(name);

function draft(at: number, receiptId: string | null): DraftRecord {
  const product = {
    id: 'p00001',
    ean: '4600010000011',
    name: 'dairy #1',
    categories: ['dairy'],
    priceKopecks: 4990,
    weighed: false,
  } as unknown as DraftRecord['items'][number]['product'];
  return {
    key: 'current',
    items: [{ lineId: `line-${at}`, product, quantityMilli: 2_000 }],
    customer: null,
    redeem: 0,
    payment: receiptId ? { receiptId, amountKopecks: 9_980, stage: 'approved', answer: { last4: '4242' }, startedAt: at } : null,
    updatedAt: at,
  };
}

/** An earlier enrolment's database with unsent events, a receipt and an open sale. */
async function earlier(name: string, o: { draftAt?: number; receiptId?: string } = {}) {
  const db = open(name);
  const reg = registration({ phone: '+79161234567' });
  const s = sale({ customerId: reg.customerId, lines: [line(1, 2)], receiptId: o.receiptId ?? `R-${name}` });
  await enqueue(db, reg);
  await commitSale(db, { event: s.event, priced: s.priced });
  if (o.draftAt !== undefined) await db.draft.put(draft(o.draftAt, 'RCPT-CARD'));
  return { db, reg, sale: s.event };
}

describe('re-enrolment', () => {
  it("moves the earlier identity's unsent events, receipts, balance deltas and open sale into the new database", async () => {
    const p = prefix();
    const old = await earlier(`${p}old`, { draftAt: 1_000 });
    const next = open(`${p}new`);
    const moved = await carryOverEarlierEnrolments(next, open, [`${p}old`, `${p}new`, 'some-other-app'], p);
    expect(moved).toBe(2);
    expect((await next.outbox.orderBy('seq').toArray()).map((r) => r.eventId)).toEqual([old.reg.eventId, old.sale.eventId]);
    expect(await next.journal.get(old.sale.sale.receiptId)).toMatchObject({ eventId: old.sale.eventId });
    expect(await next.balanceDeltas.get(old.sale.eventId)).toBeDefined();
    // The open sale and the card payment the terminal approved for it come along.
    expect(await next.draft.get('current')).toMatchObject({ items: [{ quantityMilli: 2_000 }], payment: { receiptId: 'RCPT-CARD', stage: 'approved' } });
    // The old database is emptied only after the copy: nothing is left to send twice.
    const again = open(`${p}old`);
    expect([await again.outbox.count(), await again.journal.count(), await again.balanceDeltas.count(), await again.draft.count()]).toEqual([0, 0, 0, 0]);
    again.close();
  });

  it('a copy interrupted before the old database was emptied is not doubled when it runs again', async () => {
    const p = prefix();
    const old = await earlier(`${p}old`);
    const next = open(`${p}new`);
    // As if the first run copied and then the page died: the same events are already here.
    for (const r of await old.db.outbox.orderBy('seq').toArray()) {
      const { seq: _seq, ...rest } = r;
      await next.outbox.add(rest);
    }
    expect(await carryOverEarlierEnrolments(next, open, [`${p}old`], p)).toBe(0);
    expect(await next.outbox.count()).toBe(2);
    expect(await next.journal.count()).toBe(1);
    expect(await carryOverEarlierEnrolments(next, open, [`${p}old`], p)).toBe(0);
    expect(await next.outbox.count()).toBe(2);
  });

  it('keeps the newest open sale when several enrolments left one, and never overwrites a newer one here', async () => {
    const p = prefix();
    await earlier(`${p}a`, { draftAt: 2_000, receiptId: 'R-a' });
    await earlier(`${p}b`, { draftAt: 1_000, receiptId: 'R-b' });
    const next = open(`${p}new`);
    await carryOverEarlierEnrolments(next, open, [`${p}a`, `${p}b`], p);
    expect((await next.draft.get('current'))?.updatedAt).toBe(2_000);
    expect(await next.outbox.count()).toBe(4);

    const q = prefix();
    await earlier(`${q}old`, { draftAt: 1_000 });
    const here = open(`${q}new`);
    await here.draft.put(draft(5_000, null));
    await carryOverEarlierEnrolments(here, open, [`${q}old`], q);
    expect((await here.draft.get('current'))?.updatedAt).toBe(5_000);
  });

  it('a receipt the cashier put aside (Ctrl+H) and a no-receipt return approved but not yet recorded come along too', async () => {
    const p = prefix();
    const old = open(`${p}old`);
    const items = draft(1_000, null).items;
    await old.held.put({ id: 'held-1', heldAt: 1_000, items, customer: null, redeem: 0, cashierId: 'c-101' });
    const pending = { returnId: 'ret-1', lines: [], managerId: 'm-1', managerName: 'Ольга', cashierId: 'c-101', startedAt: 1_500, fiscal: null };
    await old.pendingNoReceipt.put(pending);
    const next = open(`${p}new`);
    await carryOverEarlierEnrolments(next, open, [`${p}old`], p);
    // After re-enrolment the held list still offers the customer's basket to resume.
    expect(await next.held.toArray()).toMatchObject([{ id: 'held-1', items: [{ quantityMilli: 2_000 }], cashierId: 'c-101' }]);
    expect(await next.pendingNoReceipt.get('ret-1')).toEqual(pending);
    const again = open(`${p}old`);
    expect([await again.held.count(), await again.pendingNoReceipt.count()]).toEqual([0, 0]);
    again.close();
  });

  it("single-use coupons used here and the day's own figures come along: the code is still refused here, the allowance still counted", async () => {
    const p = prefix();
    const old = await earlier(`${p}old`);
    await old.db.couponsUsed.put({ code: 'SPRING25', eventId: old.sale.eventId, atMs: 1_000 });
    await old.db.tally.put({ eventId: 'tally-1', at: 1_000, cashierId: 'c-101', figures: { receipts: 1, salesKopecks: 9_980 } });
    const next = open(`${p}new`);
    await carryOverEarlierEnrolments(next, open, [`${p}old`], p);
    expect(await next.couponsUsed.get('SPRING25')).toEqual({ code: 'SPRING25', eventId: old.sale.eventId, atMs: 1_000 });
    expect(await next.tally.get('tally-1')).toEqual({ eventId: 'tally-1', at: 1_000, cashierId: 'c-101', figures: { receipts: 1, salesKopecks: 9_980 } });
    const again = open(`${p}old`);
    expect([await again.couponsUsed.count(), await again.tally.count()]).toEqual([0, 0]);
    again.close();
  });

  it('an empty earlier database costs nothing and is left alone', async () => {
    const p = prefix();
    const empty = open(`${p}old`);
    await empty.open();
    const next = open(`${p}new`);
    expect(await carryOverEarlierEnrolments(next, open, [`${p}old`], p)).toBe(0);
    expect(await next.outbox.count()).toBe(0);
  });
});
