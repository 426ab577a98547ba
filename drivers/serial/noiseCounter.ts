import type { Clock, TimerHandle } from '../clock';

/**
 * Counts frames dropped as noise and reports them as few events: the first at once, then
 * at most one per window with how many followed and why. A scanner on the wrong baud rate
 * produces hundreds of garbage frames a second; IT needs the count, not a flood.
 * Reasons and counts only: the content of a dropped frame is never kept.
 */
export class NoiseCounter {
  private readonly reasons = new Map<string, number>();
  private count = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly report: (message: string) => void,
    /** What is counted, in the singular: "frame", "line". */
    private readonly noun = 'frame',
  ) {}

  add(reason: string): void {
    this.count++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    if (this.timer === undefined) {
      this.flush();
      this.timer = this.clock.setTimeout(() => this.windowEnded(), this.windowMs);
    }
  }

  /** Reports what is counted but not yet reported (the port is closing). */
  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private windowEnded(): void {
    this.timer = undefined;
    if (this.count === 0) return;
    this.flush();
    // Still noisy: keep summarising once per window.
    this.timer = this.clock.setTimeout(() => this.windowEnded(), this.windowMs);
  }

  private flush(): void {
    if (this.count === 0) return;
    const why = [...this.reasons].map(([reason, n]) => (n === 1 ? reason : `${reason} x${n}`)).join(', ');
    this.report(`dropped ${this.count} ${this.noun}${this.count === 1 ? '' : 's'} as noise (${why})`);
    this.count = 0;
    this.reasons.clear();
  }
}
