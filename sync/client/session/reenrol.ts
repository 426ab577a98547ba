import type { OutboxRecord } from '../records';
import type { TillDb } from '../tillDb';

/**
 * A till enrolled again gets a new terminal identity, and with it a new database. What the
 * earlier identities had not sent yet (and their receipts, for returns and the shift's history,
 * the open sale, the sales put aside and the approved no-receipt returns not yet recorded) moves
 * into the new one, so nothing is dropped; the server applies each event once by its id.
 * Copy first, then clear the old: a crash in between leaves a copy the unique event ids dedupe.
 */
export async function carryOverEarlierEnrolments(db: TillDb, open: (name: string) => TillDb, names: readonly string[], prefix: string): Promise<number> {
  let moved = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || name === db.name) continue;
    const old = open(name);
    try {
      const [outbox, journal, deltas, draft, held, pending, couponsUsed, tally] = await Promise.all([
        old.outbox.orderBy('seq').toArray(),
        old.journal.toArray(),
        old.balanceDeltas.toArray(),
        old.draft.get('current'),
        old.held.toArray(),
        old.pendingNoReceipt.toArray(),
        old.couponsUsed.toArray(),
        old.tally.toArray(),
      ]);
      if (outbox.length === 0 && journal.length === 0 && !draft && held.length === 0 && pending.length === 0 && couponsUsed.length === 0 && tally.length === 0)
        continue;
      const tables = [db.outbox, db.journal, db.balanceDeltas, db.draft, db.held, db.pendingNoReceipt, db.couponsUsed, db.tally];
      await db.transaction('rw', tables, async () => {
        for (const r of outbox) {
          if (await db.outbox.where('eventId').equals(r.eventId).count()) continue;
          const { seq: _seq, ...rest } = r;
          await db.outbox.add(rest as OutboxRecord);
          moved++;
        }
        for (const j of journal) if (!(await db.journal.get(j.receiptId))) await db.journal.add(j);
        for (const d of deltas) if (!(await db.balanceDeltas.get(d.eventId))) await db.balanceDeltas.add(d);
        // The open sale goes along, with a card payment in flight (found by the model test:
        // re-enrolling mid-sale emptied the basket). The newest draft wins.
        const here = await db.draft.get('current');
        if (draft && (!here || here.updatedAt < draft.updatedAt)) await db.draft.put(draft);
        // Receipts put aside for a customer who is still in the shop (found walking the till: they
        // vanished from the held list after a re-enrolment), and approved returns not yet recorded.
        for (const h of held) if (!(await db.held.get(h.id))) await db.held.add(h);
        for (const r of pending) if (!(await db.pendingNoReceipt.get(r.returnId))) await db.pendingNoReceipt.add(r);
        // Single-use coupons taken here (refused here again at once; counted against the offline
        // allowance until their sales reach the server) and the till's own figures of the day
        // (found walking the till: both started from nothing after a re-enrolment).
        await db.couponsUsed.bulkPut(couponsUsed);
        for (const t of tally) if (!(await db.tally.get(t.eventId))) await db.tally.add(t);
      });
      const olds = [old.outbox, old.journal, old.balanceDeltas, old.draft, old.held, old.pendingNoReceipt, old.couponsUsed, old.tally];
      await old.transaction('rw', olds, async () => {
        await Promise.all(olds.map((t) => t.clear()));
      });
    } finally {
      old.close();
    }
  }
  return moved;
}
