import type { TillReport } from '../../protocol/tillReport';
import type { ApiCaller } from '../api';
import { pullCashiers } from '../cashiers';
import { pullCatalogue } from '../catalogue';
import { pullContexts } from '../customerContext';
import { pullCoupons } from '../coupons';
import { forgetAckedBefore, outboxStats, pushOutbox, retryDelay, type PushOutcome } from '../outbox';
import { pullCustomers, type PullOutcome, type PullProgress } from '../pull';
import type { TillDb } from '../tillDb';
import { parkDependents } from './rejected';
import type { Timers } from './timers';

export type PullRunner = (db: TillDb, api: ApiCaller, onProgress: (p: PullProgress) => void) => Promise<PullOutcome>;

export const onThreadPull: PullRunner = (db, api, onProgress) => pullCustomers(db, api, onProgress);

export interface LoopEvents {
  cashiersPulled(): void;
  pullProgress(p: PullProgress): void;
  pullStarted(existing: PullProgress | null): void;
  pullDone(outcome: PullOutcome, catalogueStored: boolean, cached: number | null): void;
  pushed(outcome: PushOutcome, stats: { waiting: number; rejected: number }): void;
}

/**
 * The pull and push loops of one till database. They live here, not in the screen: every
 * durable write calls `pushSoon()`, and the loops keep going whatever the screen shows.
 */
export class SyncLoops {
  private stopped = false;
  private pullTimer: unknown = null;
  private pushTimer: unknown = null;
  private pushing: Promise<void> | null = null;
  private pushAgain = false;
  private attempt = 0;

  constructor(
    private readonly db: TillDb,
    private readonly api: ApiCaller,
    private readonly events: LoopEvents,
    private readonly timers: Timers,
    private readonly pull: PullRunner,
    private readonly every = { pullMs: 30_000, pushMs: 5_000 },
    /** Reported on the heartbeat after each pull round, with the outbox counts (head office's tills list). */
    private readonly appVersion = 'unknown',
  ) {}

  start(): void {
    void this.runPull();
    this.pushSoon();
  }

  stop(): void {
    this.stopped = true;
    this.timers.clear(this.pullTimer);
    this.timers.clear(this.pushTimer);
  }

  /** Send the outbox now (a new event was stored), unless the server is being backed off from. */
  pushSoon(): void {
    if (this.stopped) return;
    if (this.pushing) {
      this.pushAgain = true;
      return;
    }
    if (this.attempt > 0) {
      void outboxStats(this.db).then(
        (stats) => !this.stopped && this.events.pushed({ ok: true, sent: 0, applied: 0, rejected: 0, retryLater: 0, more: false }, stats),
      );
      return;
    }
    this.pushing = this.pushRound().finally(() => {
      this.pushing = null;
      if (this.pushAgain) {
        this.pushAgain = false;
        this.pushSoon();
      }
    });
  }

  /** Resolves when no push round is running (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.pushing) await this.pushing;
  }

  /** The server is back (a lookup or pull got through): stop backing off. */
  serverSeen(): void {
    if (this.attempt === 0) return;
    this.attempt = 0;
    this.timers.clear(this.pushTimer);
    this.pushSoon();
  }

  private async pushRound(): Promise<void> {
    this.timers.clear(this.pushTimer);
    let outcome: PushOutcome;
    try {
      outcome = await pushOutbox(this.db, this.api);
      // A sale for a customer whose registration was refused would be retried for ever: park it beside it.
      if (outcome.ok && outcome.rejected + outcome.retryLater > 0) await parkDependents(this.db);
    } catch (err) {
      outcome = { ok: false, offline: false, message: err instanceof Error ? err.message : String(err) };
    }
    if (this.stopped) return;
    const stats = await outboxStats(this.db).catch(() => ({ waiting: 0, rejected: 0 }));
    this.events.pushed(outcome, stats);
    this.attempt = outcome.ok ? 0 : this.attempt + 1;
    const wait = outcome.ok ? (outcome.more || (outcome.retryLater > 0 && outcome.applied > 0) ? 0 : this.every.pushMs) : retryDelay(this.attempt);
    this.pushTimer = this.timers.set(() => {
      this.attempt = 0;
      this.pushSoon();
    }, wait);
  }

  /** The heartbeat: this till's version and outbox counts. A failed one is simply sent again next round. */
  private async report(): Promise<void> {
    const stats = await outboxStats(this.db);
    const report: TillReport = { appVersion: this.appVersion, unsent: stats.waiting, refused: stats.rejected };
    if (!this.stopped) await this.api('POST', '/api/v1/heartbeat', undefined, report).catch(() => undefined);
  }

  private async runPull(): Promise<void> {
    if (this.stopped) return;
    const startedAt = Date.now();
    try {
      const cashiers = await pullCashiers(this.db, this.api);
      if (this.stopped) return;
      if (cashiers.ok) this.events.cashiersPulled();
      const existing = await this.db.syncState.get('customers');
      this.events.pullStarted(existing ? { loaded: existing.loaded, remaining: existing.remaining, complete: existing.complete } : null);
      const outcome = await this.pull(this.db, this.api, (p) => !this.stopped && this.events.pullProgress(p));
      if (this.stopped) return;
      if (outcome.ok) await forgetAckedBefore(this.db, startedAt);
      const catalogue = outcome.ok ? await pullCatalogue(this.db, this.api) : null;
      // Segments, purchases and offer uses: their own section, after the catalogue (limited offers known).
      if (catalogue?.ok) await pullContexts(this.db, this.api);
      if (catalogue?.ok) await pullCoupons(this.db, this.api);
      const cached = outcome.ok ? await this.db.customers.count() : null;
      if (this.stopped) return;
      this.events.pullDone(outcome, catalogue?.ok === true, cached);
      if (outcome.ok) this.serverSeen();
      if (outcome.ok) await this.report();
    } catch (err) {
      if (this.stopped) return;
      this.events.pullDone(
        { ok: false, offline: false, code: 'storage_error', message: err instanceof Error ? err.message : String(err), progress: null },
        false,
        null,
      );
    }
    this.pullTimer = this.timers.set(() => void this.runPull(), this.every.pullMs);
  }
}
