import { bankCardLookupKey } from '../../core/lookupKey';
import type { Clock } from '../clock';
import type { FramingConfig } from '../config';
import { frameText } from '../barcode/frameText';
import { FrameReader } from '../serial/frameReader';
import { classifyCard, parseTracks, type LoyaltyRule } from '../../core/cardTracks';

/**
 * Bytes of a serial magnetic-stripe reader -> card reads. A bank card's PAN exists only
 * in locals of `frame()` and the hash call; what leaves is the keyed hash and last four.
 * Diagnostics carry lengths and reasons, never track content.
 */
export type CardOutput = { cardKind: 'loyalty'; cardNumber: string } | { cardKind: 'bank'; tokenHash: string; last4: string };

export interface CardSink {
  card(card: CardOutput): void;
  diagnostic(code: string, message: string): void;
}

export class MsrDecoder {
  private readonly reader: FrameReader;

  constructor(
    framing: FramingConfig,
    clock: Clock,
    private readonly lookupSecret: string,
    private readonly loyalty: LoyaltyRule,
    private readonly sink: CardSink,
  ) {
    this.reader = new FrameReader(framing, clock, {
      onFrame: (bytes) => this.frame(bytes),
      onDropped: (code, message) => this.sink.diagnostic(code, message),
    });
  }

  push(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  dispose(): void {
    this.reader.dispose();
  }

  private frame(bytes: Uint8Array): void {
    const decoded = frameText(bytes, 'ascii');
    const length = bytes.length;
    bytes.fill(0);
    if (!decoded.ok) {
      this.sink.diagnostic('noise', `dropped a ${length}-byte card frame (${decoded.reason})`);
      return;
    }
    const read = classifyCard(parseTracks(decoded.text), this.loyalty);
    switch (read.kind) {
      case 'loyalty':
        this.sink.card({ cardKind: 'loyalty', cardNumber: read.cardNumber });
        return;
      case 'unreadable':
        this.sink.diagnostic('card-unreadable', `could not read the card (${read.reason}); swipe again`);
        return;
      case 'bank': {
        if (!this.lookupSecret) {
          this.sink.diagnostic('no-lookup-secret', 'bank card swiped, but this till is not enrolled: bank cards cannot be used to find customers yet');
          return;
        }
        const last4 = read.last4;
        bankCardLookupKey(this.lookupSecret, read.pan)
          .then(
            (tokenHash) => this.sink.card({ cardKind: 'bank', tokenHash, last4 }),
            // The crypto error cannot contain the PAN, but say nothing of it anyway.
            () => this.sink.diagnostic('card-hash-failed', 'could not hash the bank card; swipe again'),
          )
          .catch(() => undefined);
        return;
      }
    }
  }
}
