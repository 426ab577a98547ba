import type { TillEvent } from '../../../protocol/events';
import type { ApprovalRecord, DraftRecord, ReceiptRecord } from '../../records';
import { TillDb } from '../../tillDb';
import { TillSession } from '../tillSession';
import { FakeHost, macrotask, VirtualClock, type HostDeps, type HostProcess, type Page } from './fakeHost';

/** The central server as the session tests reach it (a real in-process server in the tests). */
export interface ServerHandle {
  url: string;
  enrolmentCode(): Promise<string>;
  revoke(terminalId: string): Promise<void>;
}

export interface WorldOptions {
  server: ServerHandle;
  /** The host's own logic (the real host services), started again at each host restart. */
  startProcess: (deps: HostDeps) => HostProcess;
  /** Virtual start time; the real clock by default (the server dates events by it). */
  start?: number;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let worlds = 0;

/**
 * One till: a host (with its payment terminal), a page running a TillSession on fake-indexeddb,
 * a virtual clock for the session's loops. Reloads, host restarts and re-enrolments happen here
 * as they would on a real till; every database the till ever opened is remembered, to read them all.
 */
export class TillWorld {
  readonly clock: VirtualClock;
  readonly host: FakeHost;
  readonly server: ServerHandle;
  session!: TillSession;
  page!: Page;
  /** The current page's start-up (it may wait for a card payment to be settled). */
  started: Promise<void> = Promise.resolve();
  startError: unknown = null;
  readonly dbNames = new Set<string>();
  readonly terminalIds: string[] = [];
  readonly id = ++worlds;
  reloads = 0;

  constructor(opts: WorldOptions) {
    this.server = opts.server;
    this.clock = new VirtualClock(opts.start ?? Math.floor(Date.now() / 1000) * 1000);
    this.host = new FakeHost(opts.startProcess);
    this.openPage();
  }

  /** A till enrolled with the server, its first pull done (catalogue and customers on the till). */
  static async enrolled(opts: WorldOptions): Promise<TillWorld> {
    const w = new TillWorld(opts);
    await w.settle();
    const res = await w.enrol();
    if (!res.ok) throw new Error(`enrolment failed: ${res.message}`);
    await w.waitFor(() => w.session.getState().catalogue !== null && w.session.getState().sync.cached !== null, 'the first pull');
    return w;
  }

  get state() {
    return this.session.getState();
  }

  get db(): TillDb {
    const db = this.session.database;
    if (!db) throw new Error('the session has no database open');
    return db;
  }

  /** A new page load: the old page is gone (its pending requests never answer), a new session starts. */
  openPage(): void {
    if (this.page) {
      this.page.kill();
      this.session.close();
      this.reloads++;
    }
    this.page = this.host.connect();
    this.session = new TillSession({
      host: this.page,
      openDb: (name) => {
        this.dbNames.add(name);
        return new TillDb(name);
      },
      databaseNames: async () => [...this.dbNames],
      timers: this.clock,
      now: this.clock.now,
    });
    this.startError = null;
    this.started = this.session.start().catch((err: unknown) => {
      this.startError = err;
    });
  }

  /** Enrol through the session with a fresh code, as the setup screen does. */
  async enrol(): Promise<{ ok: true } | { ok: false; message: string }> {
    const code = await this.server.enrolmentCode();
    const res = await this.session.enrol(this.server.url, code, `Till ${this.id}`);
    const id = this.state.status?.terminal?.terminalId;
    if (res.ok && id && !this.terminalIds.includes(id)) this.terminalIds.push(id);
    await this.settle();
    return res;
  }

  /**
   * Wait until the session has nothing left to do: intents, draft writes, pushes and host
   * requests done. Timers due within a second are run (a payment being asked for after a
   * reload polls every 500 ms); longer ones wait for the test to move time on. While a payment
   * hangs at the PIN pad the session cannot settle: only pending writes are let through.
   */
  async settle(): Promise<void> {
    let quiet = false;
    const whenQuiet = (async () => {
      await this.started;
      await this.session.idle();
      quiet = true;
    })();
    void whenQuiet;
    for (let round = 0; round < 2_000; round++) {
      if (this.host.terminal.hanging) {
        for (let i = 0; i < 5; i++) await macrotask();
        await delay(5);
        return;
      }
      await Promise.race([whenQuiet, delay(10)]);
      if (quiet) {
        // A pull may still be talking to the server: it needs no timer, only a moment.
        if (this.host.busy === 0) {
          await macrotask();
          if (this.host.busy === 0) return;
        }
        await delay(5);
        continue;
      }
      const next = this.clock.nextAt();
      if (next !== null && next - this.clock.now() <= 1_000) await this.clock.advance(next - this.clock.now());
    }
    throw new Error('the till session did not settle');
  }

  /**
   * Wait for one intent the way a cashier would: until it is done, or until it cannot be done
   * because a payment hangs at the PIN pad ahead of it in the session's queue (then it stays queued).
   */
  async run<T>(intent: Promise<T>): Promise<T | undefined> {
    let done = false;
    let value: T | undefined;
    let failure: { err: unknown } | null = null;
    const finished = intent.then(
      (v) => {
        done = true;
        value = v;
      },
      (err: unknown) => {
        done = true;
        failure = { err };
      },
    );
    for (let round = 0; round < 2_000 && !done; round++) {
      if (this.host.terminal.hanging) {
        await delay(5);
        if (!done) return undefined;
        break;
      }
      await Promise.race([finished, delay(10)]);
      if (done) break;
      const next = this.clock.nextAt();
      if (next !== null && next - this.clock.now() <= 1_000) await this.clock.advance(next - this.clock.now());
    }
    if (failure) throw (failure as { err: unknown }).err;
    if (!done) throw new Error('an intent of the till session never finished');
    return value;
  }

  /** Move virtual time on, firing the loops' timers, then settle. */
  async tick(ms: number): Promise<void> {
    await this.clock.advance(ms);
    await this.settle();
  }

  /** Tick in steps of `stepMs` until `ok()` holds. */
  async waitFor(ok: () => boolean | Promise<boolean>, what: string, stepMs = 1_000, maxSteps = 400): Promise<void> {
    for (let i = 0; i < maxSteps; i++) {
      await this.settle();
      if (await ok()) return;
      await this.tick(stepMs);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Every receipt in every database this till opened, by event id (a receipt carried over counts once). */
  async journals(): Promise<Map<string, ReceiptRecord>> {
    const all = new Map<string, ReceiptRecord>();
    for (const name of this.dbNames) for (const r of await this.reader(name).journal.toArray()) all.set(r.eventId, r);
    return all;
  }

  /** Supervisor approvals journaled in every database this till opened, by id. */
  async approvals(): Promise<Map<string, ApprovalRecord>> {
    const all = new Map<string, ApprovalRecord>();
    for (const name of this.dbNames) for (const a of await this.reader(name).approvals.toArray()) all.set(a.id, a);
    return all;
  }

  /** Events still on the till, over every database it opened. */
  async outboxes(): Promise<{ db: string; status: string; type: string; eventId: string; code: string | null; event: TillEvent }[]> {
    const all: { db: string; status: string; type: string; eventId: string; code: string | null; event: TillEvent }[] = [];
    for (const name of this.dbNames) {
      for (const r of await this.reader(name).outbox.toArray())
        all.push({ db: name, status: r.status, type: r.type, eventId: r.eventId, code: r.rejection?.code ?? null, event: r.event });
    }
    return all;
  }

  /** The open sale as stored in each database this till opened (an unopened one still holds it). */
  async drafts(): Promise<DraftRecord[]> {
    const all: DraftRecord[] = [];
    for (const name of this.dbNames) {
      const d = await this.reader(name).draft.get('current');
      if (d) all.push(d);
    }
    return all;
  }

  /** The test's own connection to one of the till's databases (as DevTools would read it). */
  private reader(name: string): TillDb {
    let db = this.readers.get(name);
    if (!db) this.readers.set(name, (db = new TillDb(name)));
    return db;
  }

  private readonly readers = new Map<string, TillDb>();

  /** Stop the page; databases stay (fake-indexeddb is per process). */
  dispose(): void {
    this.page.kill();
    this.session.close();
    for (const db of this.readers.values()) db.close();
  }
}
