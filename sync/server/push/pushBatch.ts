import type { FastifyBaseLogger } from 'fastify';
import { TillEvent, type PushResultItem } from '../../protocol/events';
import type { Database, Row, Sql } from '../db/database';
import type { RulesCache } from '../rules';
import type { TerminalContext } from '../terminals';
import { applyCardLink } from './applyCardLink';
import { applyConsent } from './applyConsent';
import { applyRegistration } from './applyRegistration';
import { applyRegistrationOffered } from './applyRegistrationOffered';
import { applyReturn } from './applyReturn';
import { applySale } from './applySale';
import type { EventContext } from './context';
import { lockCustomerSql } from './customerRef';
import { runOnce } from './exactlyOnce';
import { Rejection } from './rejection';
import { safeError } from '../safeLog';

export function hasNul(value: unknown): boolean {
  return JSON.stringify(value).includes('\\u0000');
}

function applyEvent(ctx: EventContext, ev: TillEvent) {
  switch (ev.type) {
    case 'sale':
      return applySale(ctx, ev);
    case 'return':
      return applyReturn(ctx, ev);
    case 'registration':
      return applyRegistration(ctx, ev);
    case 'cardLink':
      return applyCardLink(ctx, ev);
    case 'consent':
      return applyConsent(ctx, ev);
    case 'registrationOffered':
      return applyRegistrationOffered(ctx, ev);
  }
}

/**
 * Apply a terminal's batch in order, each event in its own transaction: a registration
 * before a sale for that customer in the same batch is seen by the sale.
 */
export async function pushBatch(
  db: Database,
  rulesCache: RulesCache,
  terminal: TerminalContext,
  events: readonly { eventId: string; type?: string }[],
  log: FastifyBaseLogger,
  /** Checks beyond the schema (card numbers, phones, dates: ../eventScreen.ts); a rejection is recorded like any other. */
  screen: (ev: TillEvent) => Rejection | null = () => null,
): Promise<PushResultItem[]> {
  const rules = await rulesCache.get(db, terminal.chainId);
  const results: PushResultItem[] = [];
  for (const raw of events) {
    const parsed = TillEvent.safeParse(raw);
    const type = parsed.success ? parsed.data.type : typeof raw.type === 'string' ? raw.type : 'unknown';
    // PostgreSQL text cannot hold NUL; such an event could never be stored, so it is rejected alone.
    const upFront = hasNul(raw)
      ? new Rejection('invalid_event', 'Text fields must not contain NUL characters.')
      : parsed.success
        ? screen(parsed.data)
        : new Rejection('invalid_event', parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; '));
    const key = { eventId: raw.eventId, type, chainId: terminal.chainId, terminalId: terminal.terminalId, storeId: terminal.storeId };
    try {
      // A sale's customer is locked in the same round trip as BEGIN.
      const ev = parsed.success ? parsed.data : null;
      const lockSql = ev?.type === 'sale' && ev.sale.customer ? lockCustomerSql(terminal.chainId, ev.sale.customer.id) : null;
      results.push(
        await runOnce(
          db,
          key,
          (tx: Sql, nowMs: number, locked: Row[] | null) => applyEvent({ tx, terminal, eventId: raw.eventId, nowMs, rules, locked }, ev!),
          upFront,
          lockSql,
        ),
      );
    } catch (err) {
      // One event's fault must not fail the batch or lose the others: the till resends it.
      log.error({ ...safeError(err), eventId: raw.eventId, type }, 'event failed');
      results.push({ eventId: raw.eventId, status: 'rejected', code: 'server_error', message: 'The server failed on this event; send it again later.', retryable: true });
    }
  }
  return results;
}
