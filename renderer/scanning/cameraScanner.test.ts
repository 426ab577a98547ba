import { describe, expect, it } from 'vitest';
import { BarcodeFormat, EncodeHintType, QRCodeWriter, type BitMatrix } from '@zxing/library';
import { parseMarkingCode } from '../../core/fiscal/markingCode';
import { createFrameDecoder, luminanceFromRgba } from './cameraScanner';
import { gs1DataMatrix } from './testing/gs1DataMatrix';

/** A generated image: `dark(x, y)` modules drawn `scale` pixels wide, in the given grey levels. */
function render(modulesWide: number, modulesHigh: number, dark: (mx: number, my: number) => boolean, scale: number, ink: number, paper: number) {
  const width = modulesWide * scale;
  const height = modulesHigh * scale;
  const luminance = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) luminance[y * width + x] = dark(Math.floor(x / scale), Math.floor(y / scale)) ? ink : paper;
  return { luminance, width, height };
}

/** A QR code from zxing's own writer, with a 4-module quiet zone. */
function qr(text: string, ink = 0, paper = 255, scale = 4) {
  const m: BitMatrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, new Map([[EncodeHintType.MARGIN, 0]]));
  const n = m.getWidth();
  return render(n + 8, n + 8, (x, y) => x >= 4 && y >= 4 && x < n + 4 && y < n + 4 && m.get(x - 4, y - 4), scale, ink, paper);
}

/** A GS1 DataMatrix (FNC1 first, each GS written as FNC1) with a 2-module quiet zone. */
function gs1(text: string, scale = 6) {
  const m = gs1DataMatrix(text);
  return render(m.width + 4, m.height + 4, (x, y) => x >= 2 && y >= 2 && x < m.width + 2 && y < m.height + 2 && m.dark(x - 2, y - 2), scale, 0, 255);
}

// EAN-13 by hand (zxing-js has no EAN writer): L, G and R digit patterns, the parity of the
// left half chosen by the first digit.
const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
const R = L.map((p) => [...p].map((c) => (c === '0' ? '1' : '0')).join(''));
const G = R.map((p) => [...p].reverse().join(''));
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

function ean13(code: string) {
  const d = [...code].map(Number);
  const parity = PARITY[d[0] ?? 0] ?? '';
  const left = d
    .slice(1, 7)
    .map((x, i) => (parity[i] === 'G' ? G : L)[x])
    .join('');
  const right = d
    .slice(7)
    .map((x) => R[x])
    .join('');
  const bars = `${'0'.repeat(10)}101${left}01010${right}101${'0'.repeat(10)}`;
  return render(bars.length, 20, (x) => bars[x] === '1', 3, 0, 255);
}

describe('camera decode step', () => {
  const decode = createFrameDecoder();

  it('reads a clean QR code with the hybrid binarizer', () => {
    const img = qr('LT-2700000000014');
    expect(decode(img.luminance, img.width, img.height)).toEqual({ scan: { text: 'LT-2700000000014', symbology: 'QR' }, via: 'hybrid' });
  });

  it('reads a washed-out QR code that the hybrid binarizer misses, with the global histogram', () => {
    // Contrast below the hybrid binarizer's minimum dynamic range (24 grey levels).
    const img = qr('LT-2700000000014', 100, 120);
    expect(decode(img.luminance, img.width, img.height)).toEqual({ scan: { text: 'LT-2700000000014', symbology: 'QR' }, via: 'global' });
  });

  it('reads a light-on-dark QR code from the inverted image', () => {
    const img = qr('https://example.org/c/42', 255, 0);
    expect(decode(img.luminance, img.width, img.height)).toEqual({ scan: { text: 'https://example.org/c/42', symbology: 'QR' }, via: 'hybrid-inverted' });
  });

  it('reads an EAN-13 and names its symbology', () => {
    const img = ean13('4006381333931');
    expect(decode(img.luminance, img.width, img.height)?.scan).toEqual({ text: '4006381333931', symbology: 'EAN13' });
  });

  it('reads a GS1 DataMatrix marking code with its group separators, which the marking prompt takes unchanged', () => {
    const GS = '\u001d';
    // A cigarette pack code: GTIN, serial, then (after GS) the verification key and crypto tail.
    const code = `0104600266011725215-qB%Zn${GS}91EE06${GS}92YWCXbmK6SN8vvwoxZFk7WAY8WoJNMGGr6Cgtiuja04c=`;
    const img = gs1(code);
    const read = decode(img.luminance, img.width, img.height);
    // zxing reads the leading FNC1 as GS too; the rest of the text is the code exactly.
    expect(read?.scan).toEqual({ text: `${GS}${code}`, symbology: 'DATAMATRIX' });
    // What the camera hands the session is what the marking prompt checks: the separators survive.
    const marking = parseMarkingCode(read!.scan.text);
    expect(marking).toEqual({ code, gtin: '04600266011725' });
    expect(marking!.code.split(GS)).toHaveLength(3);
  });

  it('a frame with no barcode is null, after every attempt', () => {
    const blank = render(40, 40, () => false, 4, 0, 200);
    expect(decode(blank.luminance, blank.width, blank.height)).toBeNull();
  });
});

describe('luminanceFromRgba', () => {
  it('weights red, green and blue as zxing does, and takes transparent for white', () => {
    const rgba = Uint8ClampedArray.from([255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 0, 0, 0]);
    expect([...luminanceFromRgba(rgba, 4, 1)]).toEqual([255, 0, 76, 255]);
  });
});
