import type { DeviceEvent } from '../../../../core/scan';
import type { DeviceInfo, HostRequest, PaymentAnswer } from '../../../protocol/host';
import type { TillHost } from '../tillSession';
import type { Timers } from '../timers';

/**
 * Test doubles for what surrounds a till session: a virtual clock for its timers, a payment
 * terminal that approves, declines, times out, hangs or takes the host down mid-payment, and a
 * host that can go down and come back (losing what it kept in memory) and be reached from
 * several page loads. The host's own logic is injected (the real host services in tests).
 */

/** Timers on a virtual clock: loops that wait minutes run when the test moves time on. */
export class VirtualClock implements Timers {
  private t: number;
  private seq = 0;
  private readonly queue = new Map<number, { at: number; fn: () => void }>();

  constructor(start: number) {
    this.t = start;
  }

  now = (): number => this.t;

  set = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.queue.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  };

  clear = (handle: unknown): void => {
    if (typeof handle === 'number') this.queue.delete(handle);
  };

  /** When the next timer is due, or null when none is set. */
  nextAt(): number | null {
    let next: number | null = null;
    for (const { at } of this.queue.values()) if (next === null || at < next) next = at;
    return next;
  }

  /** Move time on by `ms`, firing due timers in order; `flush` lets the work they start run. */
  async advance(ms: number, flush: () => Promise<void> = macrotask): Promise<void> {
    const end = this.t + Math.max(0, ms);
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | null = null;
      for (const entry of this.queue)
        if (entry[1].at <= end && (!due || entry[1].at < due[1].at || (entry[1].at === due[1].at && entry[0] < due[0]))) due = entry;
      if (!due) break;
      this.queue.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
      await flush();
    }
    this.t = end;
  }
}

export const macrotask = (): Promise<void> => new Promise((r) => setImmediate(r));

/** What the payment terminal does with the next payment. */
export type TerminalPlan =
  | 'approve'
  | 'decline'
  /** The terminal gives up waiting for the card: an error the host turns into a decline. */
  | 'timeout'
  /** The customer is still at the PIN pad: no answer until `answer()` (or the host dies). */
  | 'hang'
  /** The terminal charges the card, then the host process dies before it can answer. */
  | 'crashCharged'
  /** The host process dies before the terminal charged anything. */
  | 'crashNotCharged';

/** One transaction as the terminal (and the bank) saw it: the truth the cashier reads from the slip. */
export interface Charge {
  receiptId: string;
  amountKopecks: number;
  approved: boolean;
}

export interface BankCard {
  tokenHash: string;
  last4: string;
}

/** The device source the host drives: a payment terminal whose behaviour the test plans. */
export class FakeTerminal {
  plan: TerminalPlan = 'approve';
  card: BankCard = { tokenHash: 'bank-card-token-hash-0000', last4: '4242' };
  /** Why the next card reads (before payment) fail, e.g. the customer cancelled; null: they succeed. */
  cardReadRefusal: string | null = null;
  readonly charges: Charge[] = [];
  /** Receipt ids the terminal was asked to charge more than once (a till must never do that). */
  readonly askedTwice: string[] = [];
  /** How many payments met each behaviour. */
  readonly plans = new Map<TerminalPlan, number>();
  private hung: { receiptId: string; amountKopecks: number; card: BankCard; resolve: (a: PaymentAnswer) => void } | null = null;
  private readonly asked = new Set<string>();
  /** Set by the host: the host process dies now. */
  onCrash: () => void = () => undefined;

  get hanging(): string | null {
    return this.hung?.receiptId ?? null;
  }

  /** The charge for a receipt, if the terminal made one. */
  charged(receiptId: string): Charge | undefined {
    return this.charges.find((c) => c.receiptId === receiptId && c.approved);
  }

  pay(amountKopecks: number, receiptId: string): Promise<PaymentAnswer> {
    if (this.asked.has(receiptId)) this.askedTwice.push(receiptId);
    this.asked.add(receiptId);
    const card = this.card;
    const plan = this.plan;
    this.plans.set(plan, (this.plans.get(plan) ?? 0) + 1);
    switch (plan) {
      case 'approve':
        return Promise.resolve(this.settle(receiptId, amountKopecks, card, true));
      case 'decline':
        return Promise.resolve(this.settle(receiptId, amountKopecks, card, false));
      case 'timeout':
        this.charges.push({ receiptId, amountKopecks, approved: false });
        return Promise.reject(new Error('terminal timeout'));
      case 'hang':
        return new Promise((resolve) => (this.hung = { receiptId, amountKopecks, card, resolve }));
      case 'crashCharged':
      case 'crashNotCharged':
        this.charges.push({ receiptId, amountKopecks, approved: plan === 'crashCharged' });
        this.onCrash();
        return new Promise(() => undefined);
    }
  }

  /** The customer finishes at the PIN pad: the hung payment is answered. */
  answer(approved: boolean): void {
    const h = this.hung;
    if (!h) return;
    this.hung = null;
    h.resolve(this.settle(h.receiptId, h.amountKopecks, h.card, approved));
  }

  /** The host died while a payment hung: the terminal still finishes it; nobody hears the answer. */
  finishUnheard(approved: boolean): void {
    const h = this.hung;
    if (!h) return;
    this.hung = null;
    this.settle(h.receiptId, h.amountKopecks, h.card, approved);
  }

  private settle(receiptId: string, amountKopecks: number, card: BankCard, approved: boolean): PaymentAnswer {
    this.charges.push({ receiptId, amountKopecks, approved });
    return approved
      ? { approved: true, tokenHash: card.tokenHash, last4: card.last4, rrn: String(this.charges.length).padStart(12, '0') }
      : { approved: false, declineReason: 'declined by issuer' };
  }
}

export type HostAnswer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** The host's request handler (the real host services in tests). */
export interface HostProcess {
  handle(request: unknown): Promise<HostAnswer>;
}

/** What a host process is started with: its devices and its way to the central server. */
export interface HostDeps {
  devices: {
    list(): DeviceInfo[];
    on(listener: (e: DeviceEvent) => void): () => void;
    pay(amountKopecks: number, receiptId: string): Promise<PaymentAnswer>;
    weigh?(): Promise<{ ok: true; grams: number; stable: boolean } | { ok: false; code: 'unstable' | 'overload' | 'offline' | 'timeout' }>;
    readCard?(requestId: string): Promise<{ ok: true; tokenHash: string; last4?: string } | { ok: false; reason: string }>;
  };
  fetch: typeof fetch;
}

const UNREACHABLE: HostAnswer = { ok: false, error: { code: 'host_unreachable', message: 'The till host is not running.' } };

/** One page load's view of the host; killing it is what a reload does to the old page. */
export interface Page extends TillHost {
  kill(): void;
}

/**
 * The till host: a process that can die and be started again (its payment memory goes with
 * it), and a central server that can be switched off. Pages reach it as the browser bridge does.
 */
export class FakeHost {
  serverDown = false;
  readonly terminal = new FakeTerminal();
  /** What the serial scale reads: grams on it, or why it cannot say; null: no scale. */
  scale: { grams: number } | { code: 'unstable' | 'overload' | 'offline' | 'timeout' } | null = null;
  /** Host processes started so far. */
  starts = 0;
  private proc: { handle: HostProcess['handle']; died: Promise<HostAnswer>; kill: () => void } | null = null;
  private readonly pages = new Set<{ alive: boolean; listeners: Set<(e: DeviceEvent) => void> }>();
  private inFlight = 0;

  constructor(private readonly startProcess: (deps: HostDeps) => HostProcess) {
    this.terminal.onCrash = () => this.down(false);
    this.up();
  }

  get isUp(): boolean {
    return this.proc !== null;
  }

  get busy(): number {
    return this.inFlight;
  }

  /** Start the host process (a new one: nothing kept in memory survives). */
  up(): void {
    if (this.proc) return;
    let kill: () => void = () => undefined;
    const died = new Promise<HostAnswer>((r) => (kill = () => r(UNREACHABLE)));
    const terminal = this.terminal;
    const process = this.startProcess({
      devices: {
        list: () => [{ deviceId: 'pinpad', deviceType: 'payment-terminal', status: 'connected', lastEventAt: null }],
        on: () => () => undefined,
        pay: (amount, receiptId) => terminal.pay(amount, receiptId),
        readCard: async () => (terminal.cardReadRefusal ? { ok: false, reason: terminal.cardReadRefusal } : { ok: true, ...terminal.card }),
        weigh: async () => {
          const s = this.scale;
          if (!s) return { ok: false, code: 'offline' };
          return 'grams' in s ? { ok: true, grams: s.grams, stable: true } : { ok: false, code: s.code };
        },
      },
      fetch: (input, init) => (this.serverDown ? Promise.reject(new TypeError('fetch failed: connect ECONNREFUSED')) : fetch(input, init)),
    });
    this.proc = { handle: (r) => process.handle(r), died, kill };
    this.starts++;
  }

  /** The host process stops; a payment hanging at the terminal finishes as `hungApproved` says, unheard. */
  down(hungApproved: boolean): void {
    if (!this.proc) return;
    this.terminal.finishUnheard(hungApproved);
    this.proc.kill();
    this.proc = null;
  }

  /** A page load: requests and device events, as the renderer's bridge gives them. */
  connect(): Page {
    const page = { alive: true, listeners: new Set<(e: DeviceEvent) => void>() };
    this.pages.add(page);
    const never = new Promise<never>(() => undefined);
    return {
      request: async (req: HostRequest) => {
        if (!page.alive) return never;
        const proc = this.proc;
        if (!proc) return UNREACHABLE;
        this.inFlight++;
        let answer: HostAnswer;
        try {
          // Over the wire: what cannot be sent as JSON does not arrive.
          answer = await Promise.race([proc.handle(JSON.parse(JSON.stringify(req))), proc.died]);
          answer = JSON.parse(JSON.stringify(answer)) as HostAnswer;
        } catch (err) {
          answer = { ok: false, error: { code: 'host_error', message: err instanceof Error ? err.message : String(err) } };
        } finally {
          this.inFlight--;
        }
        // A reloaded page never hears what its old requests answered.
        return page.alive ? answer : never;
      },
      onDeviceEvent: (listener) => {
        page.listeners.add(listener);
        return () => page.listeners.delete(listener);
      },
      kill: () => {
        page.alive = false;
        page.listeners.clear();
        this.pages.delete(page);
      },
    };
  }

  /** A device event (scanner, card reader) as the host forwards it to the pages; lost while the host is down. */
  emit(e: DeviceEvent): void {
    if (!this.proc) return;
    for (const p of this.pages) for (const l of p.listeners) l(e);
  }
}
