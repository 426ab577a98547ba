import { DataMatrixDefaultPlacement, DataMatrixErrorCorrection, DataMatrixSymbolInfo, DataMatrixWriter, type BitMatrix } from '@zxing/library';

/** SymbolShapeHint.FORCE_SQUARE: zxing's typings declare the enum ambient, so its value is written here. */
const SQUARE = 1;

/** A symbol's modules, without a quiet zone. */
export interface Modules {
  width: number;
  height: number;
  dark(x: number, y: number): boolean;
}

/**
 * A GS1 DataMatrix as Честный ЗНАК prints it, for tests: FNC1 first, and each GS (0x1D) of the
 * text written as FNC1 too. zxing-js's writer cannot take the GS1 hint (its minimal encoder fails
 * on a charset lookup), so the ASCII-mode codewords are made here by the standard (ISO/IEC 16022
 * 5.2.3: digit pairs 130+n, characters c+1, FNC1 232, pad 129 then the 253-state randomised pad)
 * and zxing's own symbol table, error correction, module placement and drawing make the symbol.
 */
export function gs1DataMatrix(text: string): Modules {
  const words: number[] = [232];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c === 0x1d) words.push(232);
    else if (c >= 48 && c <= 57 && next >= 48 && next <= 57) {
      words.push(130 + (c - 48) * 10 + (next - 48));
      i++;
    } else if (c < 128) words.push(c + 1);
    else throw new RangeError('a GS1 DataMatrix here takes ASCII only');
  }
  const info = DataMatrixSymbolInfo.lookup(words.length, SQUARE, undefined, undefined, true);
  for (let pad = 0; words.length < info.getDataCapacity(); pad++) {
    const random = 129 + (((149 * (words.length + 1)) % 253) + 1);
    words.push(pad === 0 ? 129 : random > 254 ? random - 254 : random);
  }
  const codewords = DataMatrixErrorCorrection.encodeECC200(String.fromCharCode(...words), info);
  const placement = new DataMatrixDefaultPlacement(codewords, info.getSymbolDataWidth(), info.getSymbolDataHeight());
  placement.place();
  // The writer's drawing step (finder and timing patterns, data regions) is private in its typings.
  const writer = new DataMatrixWriter() as unknown as {
    encodeLowLevel(placement: DataMatrixDefaultPlacement, info: DataMatrixSymbolInfo, width: number, height: number): BitMatrix;
  };
  const m = writer.encodeLowLevel(placement, info, 0, 0);
  return { width: m.getWidth(), height: m.getHeight(), dark: (x, y) => m.get(x, y) };
}
