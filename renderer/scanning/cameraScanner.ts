import { BarcodeFormat, BrowserMultiFormatReader, DecodeHintType, type Result } from '@zxing/library';
import type { Symbology } from '../../core/scan';

const FORMATS: Partial<Record<BarcodeFormat, Symbology>> = {
  [BarcodeFormat.EAN_13]: 'EAN13',
  [BarcodeFormat.EAN_8]: 'EAN8',
  [BarcodeFormat.CODE_128]: 'CODE128',
  [BarcodeFormat.QR_CODE]: 'QR',
};

export interface CameraScan {
  text: string;
  symbology: Symbology;
}

/**
 * Decode barcodes from the webcam with @zxing/library. Only the formats a till sees are
 * enabled, which keeps each frame's decode fast enough for a live preview.
 */
export function startCameraScanner(video: HTMLVideoElement, onScan: (scan: CameraScan) => void, onError: (message: string) => void): () => void {
  const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, Object.keys(FORMATS).map(Number)]]);
  const reader = new BrowserMultiFormatReader(hints, 150);
  let stopped = false;
  reader
    .decodeFromConstraints({ video: { facingMode: 'environment', width: { ideal: 1280 } } }, video, (result: Result | undefined) => {
      if (stopped || !result) return;
      onScan({ text: result.getText(), symbology: FORMATS[result.getBarcodeFormat()] ?? 'UNKNOWN' });
    })
    .catch((err: unknown) => {
      if (!stopped) onError(err instanceof Error ? err.message : String(err));
    });
  return () => {
    stopped = true;
    reader.reset();
  };
}
