import type { Clock, TimerHandle } from '../clock';

/**
 * Fires when bytes of an unfinished frame stop arriving: the scanner was unplugged
 * mid-frame, or line noise left half a frame. The owner then drops the partial frame.
 * Also used between the reports of a multi-report HID barcode.
 */
export class InterByteTimeout {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly onSilence: () => void,
  ) {}

  /** Call after each chunk: arms the timer while a frame is unfinished, disarms it otherwise. */
  update(frameInProgress: boolean): void {
    this.cancel();
    if (!frameInProgress) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.onSilence();
    }, this.timeoutMs);
  }

  cancel(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
