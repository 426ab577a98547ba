import type { Clock } from '../clock';
import { decodeBarcode } from '../barcode/barcodeFrame';
import type { Charset } from '../barcode/frameText';
import { InterByteTimeout } from '../serial/interByteTimeout';
import type { ScanSink } from '../serial/serialScanDecoder';
import { parseHidPosReport } from './hidPosReport';

/**
 * HID POS input reports -> barcodes: reassembles multi-report barcodes, drops a barcode
 * whose continuation never comes (scanner unplugged mid-barcode) or that grows too long.
 */
export interface HidScanDecoderOptions {
  maxFrameLength: number;
  charset: Charset;
  /** How long to wait for the next report of a multi-report barcode. */
  continuationTimeoutMs: number;
}

export class HidScanDecoder {
  private parts: Uint8Array[] = [];
  private size = 0;
  private aimId = '';
  private overflow = false;
  private readonly timeout: InterByteTimeout;

  constructor(
    private readonly options: HidScanDecoderOptions,
    clock: Clock,
    private readonly sink: ScanSink,
  ) {
    this.timeout = new InterByteTimeout(clock, options.continuationTimeoutMs, () => {
      const n = this.size;
      const wasOverflow = this.overflow;
      this.reset();
      if (!wasOverflow) this.sink.diagnostic('partial-frame', `dropped a partial barcode of ${n} bytes (continuation report never came)`);
    });
  }

  push(bytes: Uint8Array): void {
    const parsed = parseHidPosReport(bytes);
    if (parsed.kind === 'other') return;
    if (parsed.kind === 'invalid') {
      this.sink.diagnostic('bad-report', parsed.message);
      return;
    }
    const { report } = parsed;
    if (this.parts.length === 0 && !this.overflow) this.aimId = report.aimId;
    if (!this.overflow) {
      if (this.size + report.data.length > this.options.maxFrameLength) {
        this.overflow = true;
        this.sink.diagnostic('frame-too-long', `dropped a barcode longer than ${this.options.maxFrameLength} bytes`);
        this.parts = [];
      } else {
        this.parts.push(report.data);
      }
      this.size += report.data.length;
    }
    if (report.moreFollows) {
      this.timeout.update(true);
      return;
    }
    this.timeout.cancel();
    if (this.overflow) {
      this.reset();
      return;
    }
    const data = concat(this.parts, this.size);
    const aimId = this.aimId;
    this.reset();
    const barcode = decodeBarcode(data, { aimIds: false, charset: this.options.charset, aimIdOutOfBand: aimId });
    if (barcode.ok) this.sink.scan({ symbology: barcode.symbology, text: barcode.text, rawHex: barcode.rawHex });
    else this.sink.diagnostic(barcode.code, barcode.message);
  }

  dispose(): void {
    this.timeout.cancel();
    this.reset();
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.aimId = '';
    this.overflow = false;
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
