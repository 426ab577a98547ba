import type { Symbology } from '../core/scan';
import type { Clock } from './clock';
import type { CardOutput } from './msr/msrDecoder';

/** What a device session may do: report what it read, and report trouble. */
export interface DeviceContext {
  readonly deviceId: string;
  readonly clock: Clock;
  scan(barcode: { symbology: Symbology; text: string; rawHex: string }, source: 'serial' | 'hid'): void;
  card(card: CardOutput): void;
  /**
   * A diagnostic for IT. Digit runs that could be card numbers are redacted unless
   * `verbatim` says the message holds only fields the driver has validated as not card data.
   */
  diagnostic(code: string, message: string, opts?: { verbatim?: boolean }): void;
  /** Runs a callback from a device or timer; anything it throws becomes a diagnostic, not a crash. */
  guard(fn: () => void): void;
}
