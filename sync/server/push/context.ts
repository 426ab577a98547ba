import type { Store } from '../../../core/engine';
import type { Row, Sql } from '../db/database';
import { recordExceptions, type ExceptionDraft } from '../exceptions';
import type { ChainRules } from '../rules';
import type { TerminalContext } from '../terminals';
import { retryLater } from './rejection';

/** What applying one event needs: its transaction, who sent it, the rules, and the server's clock. */
export interface EventContext {
  tx: Sql;
  terminal: TerminalContext;
  eventId: string;
  /** The database's clock at the start of the event's transaction. */
  nowMs: number;
  rules: ChainRules | null;
  /** Rows of the customer lock sent with BEGIN, when the event named its customer up front. */
  locked: Row[] | null;
}

export function rulesOf(ctx: EventContext): ChainRules {
  if (!ctx.rules) retryLater('no_programme', 'The server has no loyalty programme for this chain yet.');
  return ctx.rules;
}

/** The terminal's store as the engine names stores in offer scopes. */
export function engineStore(t: TerminalContext): Store {
  return { id: String(t.storeId), regionId: t.regionId === null ? 'none' : String(t.regionId) };
}

export function flag(ctx: EventContext, drafts: readonly ExceptionDraft[]): Promise<void> {
  return recordExceptions(
    ctx.tx,
    { chainId: ctx.terminal.chainId, eventId: ctx.eventId, terminalId: ctx.terminal.terminalId, storeId: ctx.terminal.storeId },
    drafts,
  );
}

/** An instant the till reported, never later than the server's clock (till clocks drift). */
export function tillInstantMs(iso: string, nowMs: number): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.min(t, nowMs) : nowMs;
}
