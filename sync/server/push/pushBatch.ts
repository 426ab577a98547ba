import type { FastifyBaseLogger } from 'fastify';
import { TillEvent, type PushResultItem, type SaleEvent } from '../../protocol/events';
import { soldCertificateCode } from '../../../core/loyalty/certificates';
import type { Database, Row, Sql } from '../db/database';
import type { RulesCache } from '../rules';
import type { TerminalContext } from '../terminals';
import { applyApproval } from './applyApproval';
import { applyCardLink } from './applyCardLink';
import { applyFeedback } from './applyFeedback';
import { applyConsent } from './applyConsent';
import { applyRegistration } from './applyRegistration';
import { applyRegistrationOffered } from './applyRegistrationOffered';
import { applyReturn } from './applyReturn';
import { applySale } from './applySale';
import type { EventContext } from './context';
import { lockCustomerSql } from './customerRef';
import { runOnce } from './exactlyOnce';
import { Rejection } from './rejection';
import { applySaleRun, RunFailed, type RunSale } from './saleBatch';
import { safeError } from '../safeLog';

/** Whether any text in the value (keys included) holds a NUL: walked, not stringified (it runs for every event). */
export function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasNul(item)) return true;
    return false;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && (key.includes('\0') || hasNul((value as Record<string, unknown>)[key]))) return true;
  }
  return false;
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
    case 'approval':
      return applyApproval(ctx, ev);
    case 'feedback':
      return applyFeedback(ctx, ev);
  }
}

/**
 * Fewer sales than this are applied one by one: a run's fixed cost (its statements are planned
 * for each run) is more than one or two sales' own (measured: docs/scaling.md).
 */
const MIN_RUN = 3;

/** A sale selling a gift certificate or paid in part by one (certificates.ts settleSaleCertificates). */
function movesCertificates(ev: SaleEvent): boolean {
  return (ev.payment.certificates?.length ?? 0) > 0 || ev.sale.lines.some((l) => soldCertificateCode(l.productId) !== null);
}

/** How a push is applied; the default is what the server runs. */
export interface PushOptions {
  /** Consecutive sales in one transaction (saleBatch.ts); false: every event alone (tests compare the two). */
  saleRuns?: boolean;
}

/**
 * Apply a terminal's batch in order. Three or more consecutive sales go together in one
 * transaction (applySaleRun); every other event, and every sale of a run that failed as a whole,
 * in its own (runOnce). Either way an event sees the effects of those before it: a
 * registration before a sale for that customer in the same batch is seen by the sale.
 */
export async function pushBatch(
  db: Database,
  rulesCache: RulesCache,
  terminal: TerminalContext,
  events: readonly { eventId: string; type?: string }[],
  log: FastifyBaseLogger,
  /** Checks beyond the schema (card numbers, phones, dates: ../eventScreen.ts); a rejection is recorded like any other. */
  screen: (ev: TillEvent) => Rejection | null = () => null,
  options: PushOptions = {},
): Promise<PushResultItem[]> {
  const rules = await rulesCache.get(db, terminal.chainId);
  const results: PushResultItem[] = [];
  let run: { index: number; sale: RunSale }[] = [];
  const inRun = new Set<string>();

  async function applyOne(eventId: string, type: string, ev: TillEvent | null, upFront: Rejection | null): Promise<PushResultItem> {
    const key = { eventId, type, chainId: terminal.chainId, terminalId: terminal.terminalId, storeId: terminal.storeId };
    try {
      // A sale's customer is locked in the same round trip as BEGIN.
      const lockSql = ev?.type === 'sale' && ev.sale.customer ? lockCustomerSql(terminal.chainId, ev.sale.customer.id) : null;
      return await runOnce(
        db,
        key,
        (tx: Sql, nowMs: number, locked: Row[] | null) => applyEvent({ tx, terminal, eventId, nowMs, rules, locked }, ev!),
        upFront,
        lockSql,
      );
    } catch (err) {
      // One event's fault must not fail the batch or lose the others: the till resends it.
      log.error({ ...safeError(err), eventId, type }, 'event failed');
      return { eventId, status: 'rejected', code: 'server_error', message: 'The server failed on this event; send it again later.', retryable: true };
    }
  }

  async function applyRun(): Promise<void> {
    const current = run;
    run = [];
    inRun.clear();
    if (current.length === 0 || !rules) return;
    const place = new Map(current.map((r) => [r.sale.eventId, r.index]));
    let pending = current.map((r) => r.sale);
    try {
      // First without waiting for customers other runs hold; what that defers, waiting.
      for (let attempt = 0; pending.length >= MIN_RUN; attempt++) {
        const done = await applySaleRun(db, rules, terminal, pending, { skipLocked: attempt === 0 });
        for (const f of done.faults) log.error({ ...safeError(f.err), eventId: f.eventId, type: 'sale' }, 'event failed');
        for (const [eventId, item] of done.items) results[place.get(eventId)!] = item;
        pending = done.deferred;
      }
    } catch (err) {
      // Nothing of the failed transaction was written: apply its sales one by one, where only a failing one fails.
      log.warn({ ...safeError(err instanceof RunFailed ? err.cause : err), events: pending.length }, 'sale run applied one event at a time');
    }
    for (const sale of pending) results[place.get(sale.eventId)!] = await applyOne(sale.eventId, 'sale', sale.ev, null);
  }

  for (const [index, raw] of events.entries()) {
    const parsed = TillEvent.safeParse(raw);
    const type = parsed.success ? parsed.data.type : typeof raw.type === 'string' ? raw.type : 'unknown';
    // PostgreSQL text cannot hold NUL; such an event could never be stored, so it is rejected alone.
    const upFront = hasNul(raw)
      ? new Rejection('invalid_event', 'Text fields must not contain NUL characters.')
      : parsed.success
        ? screen(parsed.data)
        : new Rejection(
            'invalid_event',
            parsed.error.issues
              .slice(0, 5)
              .map((i) => `${i.path.join('.') || 'event'}: ${i.message}`)
              .join('; '),
          );
    const ev = parsed.success ? parsed.data : null;
    // A sale presenting coupons, printing next-order coupons or moving gift certificates goes alone: its codes are taken under its own savepoint.
    if (
      ev?.type === 'sale' &&
      !ev.sale.coupons?.length &&
      !ev.nextOrderCoupons?.length &&
      !movesCertificates(ev) &&
      !upFront &&
      rules &&
      options.saleRuns !== false
    ) {
      // The same id twice: the second copy must see the first one's answer, so it starts a new run.
      if (inRun.has(raw.eventId.toLowerCase())) await applyRun();
      run.push({ index, sale: { eventId: raw.eventId, ev } });
      inRun.add(raw.eventId.toLowerCase());
      continue;
    }
    await applyRun();
    results[index] = await applyOne(raw.eventId, type, ev, upFront);
  }
  await applyRun();
  return results;
}
