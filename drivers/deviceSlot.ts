import type { DeviceStatus } from '../core/scan';
import { backoffDelay, type BackoffPolicy } from './backoff';
import type { Clock, TimerHandle } from './clock';

/**
 * One device's life: open ("claim and enable" in UnifiedPOS terms), run, lose it, retry
 * with capped exponential backoff plus jitter, and come back by itself when it reappears.
 * Status changes are reported once per change, not once per failed retry.
 */
export interface Session {
  close(): Promise<void>;
}

export interface OpenFailure {
  status: 'disconnected' | 'error';
  detail: string;
}

export interface SlotHooks<S extends Session> {
  /** Opens the device. `lost` is to be called (once) when it goes away on its own. */
  open(lost: (detail: string) => void): Promise<S>;
  /** How an open failure is shown: absent device -> disconnected, anything else -> error. */
  describeFailure(err: unknown): OpenFailure;
  onStatus(status: DeviceStatus, detail: string | undefined): void;
}

export class DeviceSlot<S extends Session = Session> {
  private _status: DeviceStatus = 'disconnected';
  private _detail: string | undefined = 'not opened yet';
  private announced = false;
  private session: S | null = null;
  private timer: TimerHandle | undefined;
  private failures = 0;
  private running = false;
  /** Bumped on every open and stop, so that late callbacks of an old session are ignored. */
  private generation = 0;

  constructor(
    private readonly hooks: SlotHooks<S>,
    private readonly clock: Clock,
    private readonly backoff: BackoffPolicy,
    private readonly random: () => number,
  ) {}

  get status(): DeviceStatus {
    return this._status;
  }

  get detail(): string | undefined {
    return this._detail;
  }

  /** The open session, if connected. */
  get current(): S | null {
    return this.session;
  }

  /** Starts the open/retry loop; resolves after the first attempt. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    this.cancelTimer();
    const s = this.session;
    this.session = null;
    if (s) await s.close().catch(() => undefined);
    this.setStatus('disabled', undefined);
  }

  /** Shown as disabled without ever being opened (config says enabled: false). */
  markDisabled(): void {
    this.setStatus('disabled', 'disabled in the device config');
  }

  private async connect(): Promise<void> {
    this.timer = undefined;
    if (!this.running) return;
    const gen = ++this.generation;
    let session: S;
    try {
      session = await this.hooks.open((detail) => this.lost(gen, detail));
    } catch (err) {
      if (gen !== this.generation || !this.running) return;
      const failure = this.hooks.describeFailure(err);
      this.setStatus(failure.status, failure.detail);
      this.retryLater();
      return;
    }
    if (gen !== this.generation || !this.running) {
      // Stopped (or superseded) while opening: release what was just claimed.
      await session.close().catch(() => undefined);
      return;
    }
    this.session = session;
    this.failures = 0;
    this.setStatus('connected', undefined);
  }

  private lost(gen: number, detail: string): void {
    if (gen !== this.generation || !this.running || !this.session) return;
    const s = this.session;
    this.session = null;
    s.close().catch(() => undefined);
    this.setStatus('disconnected', detail);
    this.failures = 0;
    this.retryLater();
  }

  private retryLater(): void {
    this.cancelTimer();
    const delay = backoffDelay(this.failures, this.backoff, this.random);
    this.failures++;
    this.timer = this.clock.setTimeout(() => {
      this.connect().catch(() => undefined);
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private setStatus(status: DeviceStatus, detail: string | undefined): void {
    const changed = !this.announced || status !== this._status;
    this._status = status;
    this._detail = detail;
    if (changed) {
      this.announced = true;
      this.hooks.onStatus(status, detail);
    }
  }
}
