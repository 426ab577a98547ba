import type { Symbology } from '../../core/scan';
import { inferSymbology, splitAimId, symbologyFromAim } from './aimSymbology';
import { frameText, toHex, type Charset, type FrameTextFailure } from './frameText';

/**
 * One complete frame's bytes -> the barcode it carries, or the reason it is dropped.
 * Shared by the serial and HID scanners; the transport-specific part (framing, report
 * reassembly) happens before this.
 */
export type DecodedBarcode =
  | { ok: true; symbology: Symbology; text: string; rawHex: string }
  | { ok: false; code: 'noise'; reason: FrameTextFailure; message: string }
  | { ok: false; code: 'empty-frame'; message: string };

export interface BarcodeOptions {
  /** Parse a leading AIM identifier out of the data (serial scanners programmed to send one). */
  aimIds: boolean;
  charset: Charset;
  /** The identifier delivered out of band (HID POS report), if any, e.g. "]E0". */
  aimIdOutOfBand?: string;
}

export function decodeBarcode(bytes: Uint8Array, options: BarcodeOptions): DecodedBarcode {
  const decoded = frameText(bytes, options.charset);
  if (!decoded.ok) {
    // Lengths only: the content of a dropped frame is not repeated anywhere.
    return { ok: false, code: 'noise', reason: decoded.reason, message: `dropped a ${bytes.length}-byte frame (${decoded.reason})` };
  }
  let text = decoded.text;
  let symbology: Symbology | undefined;
  const oob = options.aimIdOutOfBand;
  if (oob && oob.length === 3 && oob[0] === ']') {
    symbology = symbologyFromAim(oob.charAt(1), oob.charAt(2));
  } else if (options.aimIds) {
    const split = splitAimId(text);
    if (split) {
      symbology = split.symbology;
      text = split.data;
    }
  }
  if (text.length === 0 || text.trim().length === 0) {
    return { ok: false, code: 'empty-frame', message: `dropped a ${bytes.length}-byte frame with no data` };
  }
  return { ok: true, symbology: symbology ?? inferSymbology(text), text, rawHex: toHex(bytes) };
}
