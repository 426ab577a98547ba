import type { PricedReceipt } from '../../core/engine';
import { PushResponse, type EventOutcome, type PushResultItem, type RegistrationEvent, type SaleEvent, type TillEvent } from '../protocol/events';
import type { ApiCaller } from './api';
import { stampAndTally } from './cashiers';
import { giveCardBack } from './cardTaken';
import type { AckedBalanceRecord, BalanceDeltaRecord, OutboxRecord, ReceiptRecord } from './records';
import type { TillDb } from './tillDb';

export type { AckedBalanceRecord, BalanceDeltaRecord, OutboxRecord, ReceiptRecord } from './records';

const tables = (db: TillDb) => [db.journal, db.outbox, db.balanceDeltas, db.ackedBalances] as const;

export interface CheckoutInput {
  event: SaleEvent;
  priced?: PricedReceipt;
  now?: number;
}

/**
 * Make a sale durable: journal entry, outbox entry and balance delta in ONE strict
 * IndexedDB transaction, or none of them. Only after this resolves may the till say "done".
 * Resolves to the event as stored (with the signed-in cashier, if any).
 */
export async function commitSale(db: TillDb, { event: made, priced, now = Date.now() }: CheckoutInput): Promise<SaleEvent> {
  const customerId = made.sale.customer?.id ?? null;
  return db.transaction('rw', [...tables(db), db.shift, db.tally], async () => {
    // Stamped with the cashier signed in at this moment, in the same transaction.
    const t = made.totals;
    const event = await stampAndTally(
      db,
      made,
      {
        receipts: 1,
        identifiedReceipts: customerId ? 1 : 0,
        salesKopecks: t.payable,
        discountKopecks: t.discount,
        accruedKopecks: customerId ? t.accrued : 0,
        redeemedKopecks: customerId ? t.redeemed : 0,
      },
      now,
    );
    await db.journal.add({
      receiptId: event.sale.receiptId,
      eventId: event.eventId,
      createdAt: now,
      customerId,
      event,
      synced: false,
      ...(priced ? { priced } : {}),
    } satisfies ReceiptRecord);
    await db.outbox.add(outboxRecord(event, now));
    if (customerId) {
      await db.balanceDeltas.add({
        eventId: event.eventId,
        customerId,
        available: 0 - event.totals.redeemed,
        pending: event.totals.accrued,
      } satisfies BalanceDeltaRecord);
    }
    return event;
  });
}

/** Queue a non-sale event (registration, card link, consent) for the server. */
export async function enqueue(db: TillDb, event: TillEvent, now = Date.now()): Promise<void> {
  await db.outbox.add(outboxRecord(event, now));
}

function outboxRecord(event: TillEvent, now: number): OutboxRecord {
  return { eventId: event.eventId, type: event.type, event, status: 'pending', createdAt: now, attempts: 0, lastError: null, rejection: null };
}

export interface ShownBalance {
  available: number;
  pending: number;
}

/**
 * What to show for a customer: the newest server balance the till knows (the cache, or a
 * later acknowledgement) plus this till's deltas the server has not acknowledged yet.
 */
export async function shownBalance(db: TillDb, customerId: string, cached: ShownBalance): Promise<ShownBalance> {
  const [deltas, acked] = await Promise.all([
    db.balanceDeltas.where('customerId').equals(customerId).toArray(),
    db.ackedBalances.where('customerId').equals(customerId).toArray(),
  ]);
  const latest = acked.sort((a, b) => b.at - a.at || b.seq - a.seq)[0];
  const base = latest ? { available: latest.available, pending: latest.pending } : cached;
  return deltas.reduce((b, d) => ({ available: b.available + d.available, pending: b.pending + d.pending }), base);
}

/** A pull that started after an acknowledgement carries its effect: the overlay can go. */
export async function forgetAckedBefore(db: TillDb, pullStartedAt: number): Promise<void> {
  await db.ackedBalances.where('at').below(pullStartedAt).delete();
}

export interface OutboxStats {
  waiting: number;
  rejected: number;
}

export async function outboxStats(db: TillDb): Promise<OutboxStats> {
  const [waiting, rejected] = await Promise.all([db.outbox.where('status').equals('pending').count(), db.outbox.where('status').equals('rejected').count()]);
  return { waiting, rejected };
}

export type PushOutcome =
  { ok: true; sent: number; applied: number; rejected: number; retryLater: number; more: boolean } | { ok: false; offline: boolean; message: string };

function outcomeOf(item: PushResultItem): EventOutcome | { status: 'retry'; message: string } {
  if (item.status === 'applied') return { status: 'applied', result: item.result };
  if (item.status === 'duplicate') return item.original;
  if (item.retryable) return { status: 'retry', message: item.message };
  return { status: 'rejected', code: item.code, message: item.message, retryable: false };
}

/**
 * Send the oldest waiting events, in order, and settle each by the server's answer:
 * applied or duplicate -> leaves the till; rejected -> kept and shown, never dropped;
 * retryable -> stays for the next round. Safe to repeat: the server applies each event once.
 */
export async function pushOutbox(db: TillDb, api: ApiCaller, batchSize = 100, now: () => number = Date.now): Promise<PushOutcome> {
  const batch = await db.outbox.where('status').equals('pending').limit(batchSize).sortBy('seq');
  if (batch.length === 0) return { ok: true, sent: 0, applied: 0, rejected: 0, retryLater: 0, more: false };
  const res = await api('POST', '/api/v1/push', undefined, { events: batch.map((r) => r.event) });
  if (!res.ok) {
    await db.outbox
      .where('eventId')
      .anyOf(batch.map((r) => r.eventId))
      .modify((r) => {
        r.attempts = Number(r.attempts ?? 0) + 1;
        r.lastError = res.message;
      });
    return { ok: false, offline: res.offline, message: res.message };
  }
  const parsed = PushResponse.safeParse(res.body);
  if (!parsed.success) return { ok: false, offline: false, message: 'The server answered the push with something the till cannot read.' };
  const byId = new Map(parsed.data.results.map((r) => [r.eventId, r]));
  let applied = 0;
  let rejected = 0;
  let retryLater = 0;
  const cardsKeptByOwner: RegistrationEvent[] = [];
  await db.transaction('rw', tables(db), async () => {
    for (const record of batch) {
      const item = byId.get(record.eventId);
      if (!item) {
        retryLater++;
        continue;
      }
      const outcome = outcomeOf(item);
      if (outcome.status === 'retry') {
        retryLater++;
        await db.outbox.update(record.seq!, { attempts: record.attempts + 1, lastError: outcome.message });
      } else if (outcome.status === 'rejected') {
        rejected++;
        await db.outbox.update(record.seq!, { status: 'rejected', rejection: { code: outcome.code, message: outcome.message } });
      } else {
        applied++;
        await db.outbox.delete(record.seq!);
        await db.balanceDeltas.delete(record.eventId);
        const customerId = outcome.result.customerId;
        if (customerId && outcome.result.balance) {
          await db.ackedBalances.put({
            eventId: record.eventId,
            customerId,
            ...outcome.result.balance,
            at: now(),
            seq: record.seq!,
          } satisfies AckedBalanceRecord);
        }
        if (record.type === 'sale') await db.journal.update((record.event as SaleEvent).sale.receiptId, { synced: true });
        if (record.type === 'registration' && outcome.result.flags.includes('card_taken')) cardsKeptByOwner.push(record.event as RegistrationEvent);
      }
    }
  });
  // The server's decision wins over what this till assumed at registration.
  for (const r of cardsKeptByOwner) await giveCardBack(db, r).catch(() => undefined);
  return { ok: true, sent: batch.length, applied, rejected, retryLater, more: batch.length === batchSize };
}

/** Exponential backoff with full jitter, capped: spreads retries of many tills after an outage. */
export function retryDelay(attempt: number, random: () => number = Math.random, baseMs = 1_000, maxMs = 60_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.floor(random() * ceiling);
}
