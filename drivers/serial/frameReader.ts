import type { Clock } from '../clock';
import { InterByteTimeout } from './interByteTimeout';
import { SuffixFramer, type Suffix } from './suffixFramer';

/**
 * Suffix framing plus the inter-byte timeout: complete frames go to `onFrame`, partial
 * and over-long ones to `onDropped` (with their length only, never their content).
 */
export interface FrameReaderOptions {
  suffix: Suffix;
  maxFrameLength: number;
  interByteTimeoutMs: number;
  /**
   * Resynchronise after a partial frame: skip up to the next terminator, because the bytes
   * after a pause may be the tail of the dropped frame. The skip ends without a terminator
   * only if the line stays quiet this long after the drop (a fresh scan, not a tail).
   * Absent: no resynchronisation (line protocols, where a reply follows a request).
   */
  resyncQuietMs?: number;
}

export interface FrameReaderHandlers {
  onFrame(bytes: Uint8Array): void;
  onDropped(code: 'partial-frame' | 'frame-too-long', message: string): void;
}

export class FrameReader {
  private readonly framer: SuffixFramer;
  private readonly timeout: InterByteTimeout;
  private readonly quiet: InterByteTimeout | null;
  private readonly maxFrameLength: number;

  constructor(
    options: FrameReaderOptions,
    clock: Clock,
    private readonly handlers: FrameReaderHandlers,
  ) {
    this.framer = new SuffixFramer(options.suffix, options.maxFrameLength);
    const resyncQuietMs = options.resyncQuietMs;
    this.quiet = resyncQuietMs === undefined ? null : new InterByteTimeout(clock, resyncQuietMs, () => this.framer.endIdleResync());
    this.timeout = new InterByteTimeout(clock, options.interByteTimeoutMs, () => {
      const n = this.framer.discardPending();
      if (n > 0) this.handlers.onDropped('partial-frame', `dropped a partial frame of ${n} bytes (no terminator within ${options.interByteTimeoutMs} ms)`);
      if (this.quiet) {
        this.framer.skipToTerminator();
        this.quiet.update(true);
      }
    });
    this.maxFrameLength = options.maxFrameLength;
  }

  push(chunk: Uint8Array): void {
    // Bytes after a drop: the resync now ends at a terminator (or at the next timeout).
    if (chunk.length > 0) this.quiet?.cancel();
    for (const out of this.framer.push(chunk)) {
      if (out.kind === 'frame') this.handlers.onFrame(out.bytes);
      else if (out.kind === 'overflow') this.handlers.onDropped('frame-too-long', `dropped a frame longer than ${this.maxFrameLength} bytes`);
      else this.handlers.onDropped('partial-frame', `dropped the ${out.length}-byte rest of a partial frame (read resumes after the next terminator)`);
    }
    this.timeout.update(this.framer.pending > 0);
  }

  /** Stops the timers and forgets any frame in progress (port closed). */
  dispose(): void {
    this.timeout.cancel();
    this.quiet?.cancel();
    this.framer.reset();
  }
}
