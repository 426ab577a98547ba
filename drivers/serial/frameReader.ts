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
}

export interface FrameReaderHandlers {
  onFrame(bytes: Uint8Array): void;
  onDropped(code: 'partial-frame' | 'frame-too-long', message: string): void;
}

export class FrameReader {
  private readonly framer: SuffixFramer;
  private readonly timeout: InterByteTimeout;
  private readonly maxFrameLength: number;

  constructor(
    options: FrameReaderOptions,
    clock: Clock,
    private readonly handlers: FrameReaderHandlers,
  ) {
    this.framer = new SuffixFramer(options.suffix, options.maxFrameLength);
    this.timeout = new InterByteTimeout(clock, options.interByteTimeoutMs, () => {
      const n = this.framer.discardPending();
      if (n > 0) this.handlers.onDropped('partial-frame', `dropped a partial frame of ${n} bytes (no terminator within ${options.interByteTimeoutMs} ms)`);
    });
    this.maxFrameLength = options.maxFrameLength;
  }

  push(chunk: Uint8Array): void {
    for (const out of this.framer.push(chunk)) {
      if (out.kind === 'frame') this.handlers.onFrame(out.bytes);
      else this.handlers.onDropped('frame-too-long', `dropped a frame longer than ${this.maxFrameLength} bytes`);
    }
    this.timeout.update(this.framer.pending > 0);
  }

  /** Stops the timer and forgets any frame in progress (port closed). */
  dispose(): void {
    this.timeout.cancel();
    this.framer.reset();
  }
}
