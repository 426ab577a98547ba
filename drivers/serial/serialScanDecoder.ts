import type { Clock } from '../clock';
import type { FramingConfig } from '../config';
import { decodeBarcode } from '../barcode/barcodeFrame';
import { FrameReader } from './frameReader';
import { stripPrefix } from './prefix';
import type { Symbology } from '../../core/scan';

/** The bytes of a serial scanner -> barcodes and diagnostics. Knows nothing of ports or events. */
export interface ScanSink {
  scan(barcode: { symbology: Symbology; text: string; rawHex: string }): void;
  diagnostic(code: string, message: string): void;
}

export class SerialScanDecoder {
  private readonly reader: FrameReader;
  private readonly prefix: Uint8Array;

  constructor(
    private readonly framing: FramingConfig,
    clock: Clock,
    private readonly sink: ScanSink,
  ) {
    this.prefix = new TextEncoder().encode(framing.prefix);
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
    const stripped = stripPrefix(bytes, this.prefix);
    if (!stripped.ok) {
      this.sink.diagnostic('missing-prefix', `dropped a ${bytes.length}-byte frame without the configured prefix`);
      return;
    }
    const barcode = decodeBarcode(stripped.bytes, { aimIds: this.framing.aimIds, charset: this.framing.charset });
    if (barcode.ok) this.sink.scan({ symbology: barcode.symbology, text: barcode.text, rawHex: barcode.rawHex });
    else this.sink.diagnostic(barcode.code, barcode.message);
  }
}
