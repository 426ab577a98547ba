import {
  BarcodeFormat,
  BinaryBitmap,
  BrowserMultiFormatReader,
  ChecksumException,
  DecodeHintType,
  FormatException,
  GlobalHistogramBinarizer,
  HybridBinarizer,
  InvertedLuminanceSource,
  MultiFormatReader,
  NotFoundException,
  RGBLuminanceSource,
  type LuminanceSource,
  type Result,
} from '@zxing/library';
import type { Symbology } from '../../core/scan';

const FORMATS: Partial<Record<BarcodeFormat, Symbology>> = {
  [BarcodeFormat.EAN_13]: 'EAN13',
  [BarcodeFormat.EAN_8]: 'EAN8',
  [BarcodeFormat.CODE_128]: 'CODE128',
  [BarcodeFormat.QR_CODE]: 'QR',
  // Marking codes (Честный ЗНАК) are GS1 DataMatrix.
  [BarcodeFormat.DATA_MATRIX]: 'DATAMATRIX',
};

/** Only the formats a till sees are enabled, which keeps each frame's decode fast enough for a live preview. */
const HINTS = new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, Object.keys(FORMATS).map(Number)]]);

export interface CameraScan {
  text: string;
  symbology: Symbology;
}

/** Which way of turning grey into black and white found the barcode. */
export type Binarization = 'hybrid' | 'global' | 'hybrid-inverted' | 'global-inverted';

/** zxing's "nothing here" family: try the next binarization. Anything else is a real fault. */
function isMiss(err: unknown): boolean {
  return err instanceof NotFoundException || err instanceof ChecksumException || err instanceof FormatException;
}

/**
 * One frame's luminance -> the barcode in it, or null. The hybrid binarizer (local thresholds)
 * reads most photos but gives up on low-contrast ones (a washed-out or dim code): its blocks
 * fall under its minimum dynamic range and are taken for blank. The global histogram binarizer
 * reads those. Light-on-dark codes (some phone screens, printed negatives) are read from the
 * inverted image. Tried in that order, the cheap common case first.
 */
export function decodeLuminance(source: LuminanceSource, decode: (bitmap: BinaryBitmap) => Result): { result: Result; via: Binarization } | null {
  let inverted: LuminanceSource | undefined;
  const invert = () => (inverted ??= new InvertedLuminanceSource(source));
  const attempts: Array<[Binarization, () => BinaryBitmap]> = [
    ['hybrid', () => new BinaryBitmap(new HybridBinarizer(source))],
    ['global', () => new BinaryBitmap(new GlobalHistogramBinarizer(source))],
    ['hybrid-inverted', () => new BinaryBitmap(new HybridBinarizer(invert()))],
    ['global-inverted', () => new BinaryBitmap(new GlobalHistogramBinarizer(invert()))],
  ];
  for (const [via, bitmap] of attempts) {
    try {
      return { result: decode(bitmap()), via };
    } catch (err) {
      if (!isMiss(err)) throw err;
    }
  }
  return null;
}

/** RGBA pixels (canvas ImageData) -> luminance, weighted as zxing's canvas source does; transparent is white. */
export function luminanceFromRgba(rgba: Uint8ClampedArray, width: number, height: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height);
  for (let i = 0, j = 0; j < out.length; i += 4, j++) {
    out[j] = rgba[i + 3] === 0 ? 0xff : (306 * (rgba[i] ?? 0) + 601 * (rgba[i + 1] ?? 0) + 117 * (rgba[i + 2] ?? 0) + 0x200) >> 10;
  }
  return out;
}

export function toCameraScan(result: Result): CameraScan {
  return { text: result.getText(), symbology: FORMATS[result.getBarcodeFormat()] ?? 'UNKNOWN' };
}

/** The decode step of startCameraScanner, for a still image (and for tests). */
export function createFrameDecoder(): (luminance: Uint8ClampedArray, width: number, height: number) => { scan: CameraScan; via: Binarization } | null {
  const reader = new MultiFormatReader();
  reader.setHints(HINTS);
  return (luminance, width, height) => {
    const found = decodeLuminance(new RGBLuminanceSource(luminance, width, height), (bitmap) => reader.decodeWithState(bitmap));
    return found && { scan: toCameraScan(found.result), via: found.via };
  };
}

type MediaElement = Parameters<BrowserMultiFormatReader['decode']>[0];

/**
 * zxing's browser reader (camera, stream and canvas handling) with our decode step: each
 * captured frame goes through decodeLuminance instead of the hybrid binarizer alone.
 */
class FallbackBrowserReader extends BrowserMultiFormatReader {
  override decode(element: MediaElement): Result {
    const ctx = this.getCaptureCanvasContext(element);
    if (typeof HTMLVideoElement !== 'undefined' && element instanceof HTMLVideoElement) this.drawFrameOnCanvas(element);
    else this.drawImageOnCanvas(element as HTMLImageElement);
    const canvas = this.getCaptureCanvas(element);
    const { width, height } = canvas;
    const luminance = luminanceFromRgba(ctx.getImageData(0, 0, width, height).data, width, height);
    const found = decodeLuminance(new RGBLuminanceSource(luminance, width, height), (bitmap) => this.decodeBitmap(bitmap));
    // zxing's scan loop takes NotFoundException as "try the next frame".
    if (!found) throw new NotFoundException();
    return found.result;
  }
}

/** Decode barcodes from the webcam with @zxing/library. */
export function startCameraScanner(video: HTMLVideoElement, onScan: (scan: CameraScan) => void, onError: (message: string) => void): () => void {
  const reader = new FallbackBrowserReader(HINTS, 150);
  let stopped = false;
  reader
    .decodeFromConstraints({ video: { facingMode: 'environment', width: { ideal: 1280 } } }, video, (result: Result | undefined) => {
      if (stopped || !result) return;
      onScan(toCameraScan(result));
    })
    .catch((err: unknown) => {
      if (!stopped) onError(err instanceof Error ? err.message : String(err));
    });
  return () => {
    stopped = true;
    reader.reset();
  };
}
