import type { Clock, TimerHandle } from '../clock';
import type { Scale, WeighOptions, WeighResult } from './scale';
import type { WeightReading } from './weightLine';
import { WeightLineReader } from './weightLineReader';

/**
 * A scale speaking the CAS-style weight line protocol (PROTOCOL.md) over any byte link.
 * Continuous mode: the scale streams its weight and weigh() takes the next readings.
 * Request mode: weigh() sends the configured command, again every `intervalMs` while it waits.
 * Only readings that arrive after weigh() was called count: the weight on the scale now.
 */
export interface ByteLink {
  write(data: string): Promise<void>;
}

export interface ScaleRequest {
  /** The scale's "send the weight" command, e.g. "W" or "WT" (see the scale's manual). */
  command: string;
  suffix: 'CR' | 'CRLF' | 'none';
  /** How often to ask again while waiting for a steady weight. */
  intervalMs: number;
}

export interface SerialScaleOptions {
  clock: Clock;
  /** null: the scale streams (continuous mode). */
  request: ScaleRequest | null;
  /** No reading at all for this long after weigh(): 'timeout'. */
  responseTimeoutMs: number;
  /** Readings, but none steady, for this long after weigh(): 'unstable'. */
  stableTimeoutMs: number;
  onDiagnostic(code: string, message: string): void;
}

interface Waiter {
  requireStable: boolean;
  heard: boolean;
  timers: TimerHandle[];
  resolve(result: WeighResult): void;
}

const SUFFIX = { CR: '\r', CRLF: '\r\n', none: '' } as const;

export class SerialScale implements Scale {
  private readonly reader: WeightLineReader;
  private readonly waiters = new Set<Waiter>();
  private pollTimer: TimerHandle | undefined;
  private disposed = false;

  constructor(
    private readonly link: ByteLink,
    private readonly options: SerialScaleOptions,
  ) {
    this.reader = new WeightLineReader(options.clock, {
      reading: (r) => this.reading(r),
      diagnostic: (code, message) => options.onDiagnostic(code, message),
    });
  }

  /** Bytes from the scale. */
  push(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  weigh(options: WeighOptions = {}): Promise<WeighResult> {
    if (this.disposed) return Promise.resolve({ ok: false, code: 'offline' });
    const { clock, responseTimeoutMs, stableTimeoutMs } = this.options;
    return new Promise<WeighResult>((resolve) => {
      const waiter: Waiter = { requireStable: options.requireStable ?? true, heard: false, timers: [], resolve };
      waiter.timers.push(
        clock.setTimeout(() => {
          if (!waiter.heard) this.settle(waiter, { ok: false, code: 'timeout' });
        }, responseTimeoutMs),
        clock.setTimeout(() => this.settle(waiter, { ok: false, code: waiter.heard ? 'unstable' : 'timeout' }), Math.max(stableTimeoutMs, responseTimeoutMs)),
      );
      this.waiters.add(waiter);
      if (this.options.request && this.pollTimer === undefined) this.poll();
    });
  }

  /** The link is gone: whoever waits hears 'offline'. */
  dispose(): void {
    this.disposed = true;
    this.reader.dispose();
    this.stopPolling();
    for (const w of [...this.waiters]) this.settle(w, { ok: false, code: 'offline' });
  }

  private reading(r: WeightReading): void {
    for (const w of [...this.waiters]) {
      w.heard = true;
      if (r.status === 'overload' || r.grams === null) this.settle(w, { ok: false, code: 'overload' });
      else if (r.status === 'stable' || !w.requireStable) this.settle(w, { ok: true, grams: r.grams, stable: r.status === 'stable' });
    }
  }

  private settle(w: Waiter, result: WeighResult): void {
    if (!this.waiters.delete(w)) return;
    for (const t of w.timers) this.options.clock.clearTimeout(t);
    if (this.waiters.size === 0) this.stopPolling();
    w.resolve(result);
  }

  private poll(): void {
    const request = this.options.request;
    if (!request || this.waiters.size === 0 || this.disposed) return;
    // A failed write is a scale that is going away: the link's close settles the waiters.
    this.link.write(request.command + SUFFIX[request.suffix]).catch(() => undefined);
    this.pollTimer = this.options.clock.setTimeout(() => {
      this.pollTimer = undefined;
      this.poll();
    }, request.intervalMs);
  }

  private stopPolling(): void {
    if (this.pollTimer !== undefined) this.options.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }
}
