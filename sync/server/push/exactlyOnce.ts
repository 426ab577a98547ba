import type { AppliedResult, EventOutcome, PushResultItem } from '../../protocol/events';
import { guardSelect } from '../changeFeed';
import { literal, type Database, type Row, type Sql } from '../db/database';
import { recordExceptions } from '../exceptions';
import { Rejection } from './rejection';

export interface EventKey {
  eventId: string;
  type: string;
  chainId: number;
  /** Null for head-office operations. */
  terminalId: string | null;
  storeId: number | null;
}

/** Errors after which running the whole transaction again is right: lost races, deadlocks. */
function transient(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '23505' || code === '40001' || code === '40P01';
}

const ATTEMPTS = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Apply one event in its own transaction, at most once. The first statement claims the
 * event id in `applied_events` (primary key, ON CONFLICT DO NOTHING): a concurrent delivery
 * of the same id, on any instance, waits for the first transaction and then finds its row,
 * so the event's effects and its recorded answer commit together or not at all.
 * The claim also takes the change-feed guard (see changeFeed.ts), first of all locks, so
 * no writer ever waits for a row while a pull waits for it.
 * A permanent rejection rolls back the event's effects to a savepoint and is recorded; a
 * retryable one rolls back everything and is answered without being recorded.
 * The claim and the savepoint travel with BEGIN, the recorded answer with COMMIT: values are
 * inlined as literals there (ids validated as uuids, the answer as escaped JSON).
 */
export async function runOnce(
  db: Database,
  key: EventKey,
  apply: (tx: Sql, nowMs: number, locked: Row[] | null) => Promise<AppliedResult>,
  rejectedUpFront: Rejection | null = null,
  /** A lock statement (no parameters) the event needs first, sent with BEGIN; its rows go to `apply`. */
  lockSql: string | null = null,
): Promise<PushResultItem> {
  if (!UUID.test(key.eventId) || (key.terminalId !== null && !UUID.test(key.terminalId))) throw new TypeError('runOnce: ids must be uuids');
  const type = /^[A-Za-z]{1,40}$/.test(key.type) ? key.type : 'unknown';
  const begin = `INSERT INTO applied_events (event_id, terminal_id, store_id, type, status, result)
    VALUES (${literal(key.eventId)}, ${literal(key.terminalId)}, ${literal(key.storeId)}, ${literal(type)}, 'applying', '{}'::jsonb)
    ON CONFLICT (event_id) DO NOTHING
    RETURNING (extract(epoch FROM received_at) * 1000)::float8 AS now_ms${guardSelect(db)};
    SAVEPOINT apply_event${
      lockSql && !rejectedUpFront
        ? `;
    ${lockSql}`
        : ''
    }`;
  const record = (done: Done) =>
    done.outcome
      ? `UPDATE applied_events SET status = ${literal(done.outcome.status)}, result = ${literal(JSON.stringify(done.outcome))}::jsonb
         WHERE event_id = ${literal(key.eventId)}`
      : null;
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await db.transaction((tx, begun) => once(tx, begun, { ...key, type }, apply, rejectedUpFront), { begin, beforeCommit: record });
      return done.item;
    } catch (err) {
      if (err instanceof Rejection) return { eventId: key.eventId, status: 'rejected', code: err.code, message: err.message, retryable: true };
      if (transient(err) && attempt < ATTEMPTS) continue;
      throw err;
    }
  }
}

/** The answer, and the outcome to record with it (none for a duplicate). */
interface Done {
  item: PushResultItem;
  outcome: EventOutcome | null;
}

async function once(
  tx: Sql,
  begun: Row[][],
  key: EventKey,
  apply: (tx: Sql, nowMs: number, locked: Row[] | null) => Promise<AppliedResult>,
  rejectedUpFront: Rejection | null,
): Promise<Done> {
  const claimed = begun[0]?.[0] as { now_ms: number } | undefined;
  if (!claimed) {
    const [prev] = await tx.query<{ result: EventOutcome; store_id: number | null }>('SELECT result, store_id FROM applied_events WHERE event_id = $1', [
      key.eventId,
    ]);
    if (!prev) throw Object.assign(new Error('event row vanished'), { code: '40001' });
    // A uuid reused by another store is a client fault; do not show it that store's answer.
    if (prev.store_id !== key.storeId) {
      return {
        outcome: null,
        item: { eventId: key.eventId, status: 'rejected', code: 'event_id_conflict', message: 'This event id was used by another store.', retryable: false },
      };
    }
    return { outcome: null, item: { eventId: key.eventId, status: 'duplicate', original: prev.result } };
  }

  let outcome: EventOutcome;
  if (rejectedUpFront) {
    outcome = { status: 'rejected', code: rejectedUpFront.code, message: rejectedUpFront.message, retryable: false };
  } else {
    try {
      // No RELEASE: the commit releases the savepoint, one round trip fewer.
      outcome = { status: 'applied', result: await apply(tx, Number(claimed.now_ms), begun[2] ?? null) };
    } catch (err) {
      if (!(err instanceof Rejection) || err.retryable) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT apply_event');
      outcome = { status: 'rejected', code: err.code, message: err.message, retryable: false };
    }
  }
  if (outcome.status === 'rejected') {
    await recordExceptions(tx, key, [{ kind: 'rejected_event', details: { type: key.type, code: outcome.code } }]);
  }
  const item: PushResultItem =
    outcome.status === 'applied'
      ? { eventId: key.eventId, status: 'applied', result: outcome.result }
      : { eventId: key.eventId, status: 'rejected', code: outcome.code, message: outcome.message, retryable: false };
  return { outcome, item };
}
