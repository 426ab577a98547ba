/**
 * Tells a keyboard-wedge scanner or card reader from a person typing. A scanner "types" a
 * whole code in a burst, a few milliseconds per key, and ends it with Enter; people are ten
 * times slower. A card reader's stripe starts with a track sentinel ("%" or ";") that nobody
 * types at a till: from that key on, everything is held back from the page until the swipe
 * ends, so a bank card's number never reaches a field, however slowly the reader types.
 * Pure: feed it keys with their timestamps, it says what each key was.
 */
import { parseTracks } from '../../core/cardTracks';

export interface WedgeOptions {
  /** Longest pause between two keys of one barcode scan. */
  maxGapMs: number;
  /** Longest pause between two keys of one card swipe (held keys wait at most this long). */
  swipeGapMs: number;
  /** Shortest code a scanner sends (shorter bursts are left to the cashier). */
  minLength: number;
  maxLength: number;
}

// Scanners send a key every 1-10 ms; 50 ms leaves room for a busy machine while people stay
// far slower. A swipe may be given much longer: nothing else starts with a track sentinel.
export const DEFAULT_WEDGE: WedgeOptions = { maxGapMs: 50, swipeGapMs: 400, minLength: 6, maxLength: 256 };

export type WedgeVerdict =
  | { kind: 'none' }
  /** The key may belong to a scan in progress; remember the field state if this is its first key. */
  | { kind: 'buffering'; first: boolean }
  /** A whole scan or swipe: act on it, and keep this key (Enter) from the page. */
  | { kind: 'scan'; text: string }
  /** The key belongs to a card swipe in progress: keep it from the page. */
  | { kind: 'hold' }
  /** Held keys that turned out not to be a swipe: give them back to the field. */
  | { kind: 'release'; text: string };

const SENTINELS = new Set(['%', ';']);

/** Held text is a finished swipe when a track (or a reader's "could not read") is complete. */
function isSwipe(text: string): boolean {
  const tracks = parseTracks(text);
  return tracks.track1 !== null || tracks.track2 !== null || tracks.readError;
}

export class WedgeDetector {
  private buffer = '';
  private lastAt = -Infinity;
  /** Text of a card swipe being held back, or null. */
  private held: string | null = null;

  constructor(private readonly options: WedgeOptions = DEFAULT_WEDGE) {}

  /** `key` is KeyboardEvent.key; `at` a monotonic time in ms. Call `expire` first. */
  feed(key: string, at: number): WedgeVerdict {
    const gap = at - this.lastAt;
    this.lastAt = at;
    if (this.held !== null) return this.feedHeld(key);
    if (key === 'Enter') {
      const text = this.buffer;
      const isScan = gap <= this.options.maxGapMs && text.length >= this.options.minLength;
      this.buffer = '';
      return isScan ? { kind: 'scan', text } : { kind: 'none' };
    }
    if (key.length !== 1) {
      // Shift and other modifiers arrive inside scans of letters; anything else breaks the burst.
      if (key !== 'Shift') this.buffer = '';
      return { kind: 'none' };
    }
    if (SENTINELS.has(key)) {
      this.buffer = '';
      this.held = key;
      return { kind: 'hold' };
    }
    if (gap > this.options.maxGapMs || this.buffer.length >= this.options.maxLength) {
      this.buffer = key;
      return { kind: 'buffering', first: true };
    }
    this.buffer += key;
    return { kind: 'buffering', first: this.buffer.length === 1 };
  }

  /**
   * Ends a swipe whose reader has gone quiet: readers that send no Enter finish here, and
   * a person who typed a sentinel gets their keys back. Call before each key and on a timer.
   */
  expire(at: number): WedgeVerdict {
    if (this.held === null || at - this.lastAt <= this.options.swipeGapMs) return { kind: 'none' };
    return this.finishHeld();
  }

  /** While a swipe is held, the longest it may stay quiet before `expire` ends it. */
  get holdingFor(): number | null {
    return this.held === null ? null : this.options.swipeGapMs;
  }

  reset(): void {
    this.buffer = '';
    this.held = null;
    this.lastAt = -Infinity;
  }

  private feedHeld(key: string): WedgeVerdict {
    if (key === 'Shift') return { kind: 'hold' };
    if (key === 'Enter') return this.finishHeld();
    if (key.length !== 1) return this.finishHeld();
    const held = this.held ?? '';
    if (held.length >= this.options.maxLength) return this.finishHeld();
    this.held = held + key;
    return { kind: 'hold' };
  }

  private finishHeld(): WedgeVerdict {
    const text = this.held ?? '';
    this.held = null;
    this.buffer = '';
    return isSwipe(text) ? { kind: 'scan', text } : { kind: 'release', text };
  }
}
