/**
 * Splits a byte stream into frames ended by CR, LF or CRLF, in the manner of
 * node-serialport's delimiter parser but as a pure incremental function, so that it
 * can be fed chunk by chunk and tested without a port.
 *
 * - CR and LF modes also accept CRLF (the other character next to the terminator is
 *   skipped): scanners are often left on CRLF while the config says CR.
 * - A frame longer than `maxFrameLength` is reported once as an overflow and the rest
 *   of it, up to the next terminator, is skipped: the tail of an over-long frame is never
 *   mistaken for a frame of its own.
 * - Empty frames (a terminator alone) are ignored.
 * - After a partial frame was discarded, `skipToTerminator()` skips up to the next
 *   terminator (resynchronisation): the bytes after a pause may be the rest of the dropped
 *   frame, and the rest of a barcode is not a barcode. What was skipped is reported once.
 */
export type Suffix = 'CR' | 'LF' | 'CRLF';

export type FramerOutput = { kind: 'frame'; bytes: Uint8Array } | { kind: 'overflow'; length: number } | { kind: 'skipped'; length: number };

const CR = 0x0d;
const LF = 0x0a;

export class SuffixFramer {
  private readonly buf: Uint8Array;
  private len = 0;
  /** Inside an over-long frame: counting bytes until its terminator. */
  private overflowLen = -1;
  /** Resynchronising after a discarded partial frame: counting bytes until the next terminator. */
  private resyncLen = -1;
  /** CRLF mode: the previous byte was a CR that may start the terminator. */
  private pendingCr = false;
  /** CR mode: an LF straight after the terminator belongs to it. */
  private skipLf = false;

  constructor(
    private readonly suffix: Suffix,
    private readonly maxFrameLength: number,
  ) {
    // One spare byte: in LF mode the CR of a CRLF may sit after a frame of full length.
    this.buf = new Uint8Array(maxFrameLength + 1);
  }

  /** Bytes received since the last terminator (including a skipped over-long frame). */
  get pending(): number {
    if (this.overflowLen >= 0) return this.overflowLen;
    if (this.resyncLen >= 0) return this.resyncLen;
    return this.len + (this.pendingCr ? 1 : 0);
  }

  /** True while bytes are being skipped up to the next terminator after a partial frame. */
  get resynchronising(): boolean {
    return this.resyncLen >= 0;
  }

  push(chunk: Uint8Array): FramerOutput[] {
    const out: FramerOutput[] = [];
    for (const b of chunk) this.byte(b, out);
    return out;
  }

  /** Forgets the frame in progress (after an inter-byte timeout); returns how many bytes it had. */
  discardPending(): number {
    const n = this.pending;
    this.reset();
    return n;
  }

  reset(): void {
    this.buf.fill(0, 0, this.len);
    this.len = 0;
    this.overflowLen = -1;
    this.resyncLen = -1;
    this.pendingCr = false;
    this.skipLf = false;
  }

  /** Call after discardPending(): bytes up to the next terminator are skipped, not framed. */
  skipToTerminator(): void {
    this.reset();
    this.resyncLen = 0;
  }

  /** Ends a resynchronisation that has skipped nothing yet (the line went quiet instead). */
  endIdleResync(): void {
    if (this.resyncLen === 0) this.resyncLen = -1;
  }

  private byte(b: number, out: FramerOutput[]): void {
    switch (this.suffix) {
      case 'CR':
        if (this.skipLf) {
          this.skipLf = false;
          if (b === LF) return;
        }
        if (b === CR) {
          this.skipLf = true;
          this.end(out);
          return;
        }
        this.add(b, out);
        return;
      case 'LF':
        if (b === LF) {
          // A CR just before the LF is part of a CRLF terminator.
          if (this.overflowLen < 0 && this.len > 0 && this.buf[this.len - 1] === CR) this.len--;
          this.end(out);
          return;
        }
        this.add(b, out);
        return;
      case 'CRLF':
        if (this.pendingCr) {
          this.pendingCr = false;
          if (b === LF) {
            this.end(out);
            return;
          }
          this.add(CR, out);
        }
        if (b === CR) {
          this.pendingCr = true;
          return;
        }
        this.add(b, out);
        return;
    }
  }

  private add(b: number, out: FramerOutput[]): void {
    if (this.overflowLen >= 0) {
      this.overflowLen++;
      return;
    }
    if (this.resyncLen >= 0) {
      this.resyncLen++;
      return;
    }
    const spare = this.suffix === 'LF' && b === CR && this.len === this.maxFrameLength;
    if (this.len >= this.maxFrameLength && !spare) {
      this.overflowLen = this.len + 1;
      this.buf.fill(0, 0, this.len);
      this.len = 0;
      out.push({ kind: 'overflow', length: this.overflowLen });
      return;
    }
    this.buf[this.len++] = b;
  }

  private end(out: FramerOutput[]): void {
    if (this.overflowLen >= 0) {
      this.overflowLen = -1;
      return;
    }
    if (this.resyncLen >= 0) {
      if (this.resyncLen > 0) out.push({ kind: 'skipped', length: this.resyncLen });
      this.resyncLen = -1;
      return;
    }
    if (this.len > 0) {
      out.push({ kind: 'frame', bytes: this.buf.slice(0, this.len) });
      // Card tracks pass through here too: leave no copy behind in the reused buffer.
      this.buf.fill(0, 0, this.len);
    }
    this.len = 0;
  }
}
