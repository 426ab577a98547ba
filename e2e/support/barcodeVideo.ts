import { writeFileSync } from 'node:fs';

// EAN-13 symbol tables (GS1 General Specifications, 5.2.1): odd (L) patterns, even (G)
// patterns are the reversed right-hand (R) patterns, R is L with bits inverted.
const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];
const R = L.map((p) => [...p].map((b) => (b === '1' ? '0' : '1')).join(''));
const G = R.map((p) => [...p].reverse().join(''));

/** The 95 modules of an EAN-13 symbol, '1' for a bar. Test tooling: the till only reads barcodes. */
export function ean13Modules(code: string): string {
  if (!/^\d{13}$/.test(code)) throw new Error('EAN-13 needs 13 digits');
  const digits = [...code].map(Number);
  const parity = PARITY[digits[0]!]!;
  let bits = '101';
  for (let i = 1; i <= 6; i++) bits += (parity[i - 1] === 'L' ? L : G)[digits[i]!]!;
  bits += '01010';
  for (let i = 7; i <= 12; i++) bits += R[digits[i]!]!;
  return `${bits}101`;
}

/**
 * Write a Y4M video (what Chromium's fake camera plays) showing one EAN-13 barcode,
 * black bars on white, centred.
 */
export function writeBarcodeY4m(path: string, code: string, width = 640, height = 480, frames = 5): void {
  const modules = ean13Modules(code);
  const moduleWidth = 4;
  const left = Math.floor((width - modules.length * moduleWidth) / 2);
  const top = Math.floor(height * 0.2);
  const bottom = Math.floor(height * 0.8);
  const y = Buffer.alloc(width * height, 235);
  for (let row = top; row < bottom; row++) {
    for (let m = 0; m < modules.length; m++) {
      if (modules[m] !== '1') continue;
      y.fill(16, row * width + left + m * moduleWidth, row * width + left + (m + 1) * moduleWidth);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

/** Write a Y4M video showing a 2D symbol (a DataMatrix), `moduleSize` pixels a module, centred on white. */
export function writeMatrixY4m(
  path: string,
  symbol: { width: number; height: number; dark(x: number, y: number): boolean },
  moduleSize = 8,
  width = 640,
  height = 480,
  frames = 5,
): void {
  const left = Math.floor((width - symbol.width * moduleSize) / 2);
  const top = Math.floor((height - symbol.height * moduleSize) / 2);
  const y = Buffer.alloc(width * height, 235);
  for (let my = 0; my < symbol.height; my++)
    for (let mx = 0; mx < symbol.width; mx++) {
      if (!symbol.dark(mx, my)) continue;
      for (let row = 0; row < moduleSize; row++) {
        const start = (top + my * moduleSize + row) * width + left + mx * moduleSize;
        y.fill(16, start, start + moduleSize);
      }
    }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
