import type { Clock } from '../clock';
import type { FramingConfig } from '../config';
import { decodeBarcode } from '../barcode/barcodeFrame';
import { checkBarcode } from '../barcode/symbologyRules';
import { FrameReader } from './frameReader';
import { NoiseCounter } from './noiseCounter';
import { stripPrefix } from './prefix';
import type { Symbology } from '../../core/scan';

/** The bytes of a serial scanner -> barcodes and diagnostics. Knows nothing of ports or events. */
export interface ScanSink {
  scan(barcode: { symbology: Symbology; text: string; rawHex: string }): void;
  diagnostic(code: string, message: string): void;
}

/** Noise is summarised at most once per this window (the first drop is reported at once). */
export const NOISE_REPORT_MS = 1_000;

export class SerialScanDecoder {
  private readonly reader: FrameReader;
  private readonly prefix: Uint8Array;
  private readonly noise: NoiseCounter;

  constructor(
    private readonly framing: FramingConfig,
    clock: Clock,
    private readonly sink: ScanSink,
  ) {
    this.prefix = new TextEncoder().encode(framing.prefix);
    this.noise = new NoiseCounter(clock, NOISE_REPORT_MS, (message) => this.sink.diagnostic('noise', message));
    this.reader = new FrameReader(
      { suffix: framing.suffix, maxFrameLength: framing.maxFrameLength, interByteTimeoutMs: framing.interByteTimeoutMs, resyncQuietMs: framing.resyncQuietMs },
      clock,
      {
        onFrame: (bytes) => this.frame(bytes),
        onDropped: (code, message) => this.sink.diagnostic(code, message),
      },
    );
  }

  push(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  dispose(): void {
    this.reader.dispose();
    this.noise.dispose();
  }

  private frame(bytes: Uint8Array): void {
    const stripped = stripPrefix(bytes, this.prefix);
    if (!stripped.ok) {
      this.sink.diagnostic('missing-prefix', `dropped a ${bytes.length}-byte frame without the configured prefix`);
      return;
    }
    const barcode = decodeBarcode(stripped.bytes, { aimIds: this.framing.aimIds, charset: this.framing.charset });
    if (!barcode.ok) {
      if (barcode.code === 'noise') this.noise.add(barcode.reason);
      else this.sink.diagnostic(barcode.code, barcode.message);
      return;
    }
    const checked = checkBarcode(barcode.symbology, barcode.text, this.framing.minLength);
    if (!checked.ok) {
      this.noise.add(checked.reason);
      return;
    }
    this.sink.scan({ symbology: checked.symbology, text: barcode.text, rawHex: barcode.rawHex });
  }
}
