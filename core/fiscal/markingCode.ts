/**
 * A Честный ЗНАК marking code (GS1 DataMatrix) as a scanner hands it over: read enough of it to
 * tell it from any other barcode and to match it to the product it is printed on. The register
 * and the operator check the code itself (crypto tail included); the till only refuses what
 * cannot be a marking code or belongs to another product.
 *
 * The code starts with AI 01 (GTIN-14) and AI 21 (serial); scanners may prefix the symbology
 * identifier "]d2" (or "]C1"), and keep or drop the GS (0x1D) separators.
 */
export interface MarkingCode {
  /** The code as passed to the register: symbology identifier removed, separators kept. */
  code: string;
  /** GTIN-14 of the marked product. */
  gtin: string;
}

const GS = '\u001d';

export function parseMarkingCode(raw: string): MarkingCode | null {
  let code = raw.replace(/[\r\n]+$/, '');
  if (code.startsWith(']d2') || code.startsWith(']C1') || code.startsWith(']Q3')) code = code.slice(3);
  if (code.startsWith(GS)) code = code.slice(1);
  // Printable ASCII and GS only; at least GTIN plus a 6-character serial.
  for (const ch of code) {
    const c = ch.charCodeAt(0);
    if (ch !== GS && (c < 0x20 || c > 0x7e)) return null;
  }
  const m = /^01(\d{14})21[\x21-\x7e]{6,}/.exec(code);
  if (!m || code.length > 1024) return null;
  return { code, gtin: m[1]! };
}

/** Whether a marking code's GTIN-14 is the product's EAN-13 / EAN-8 / GTIN (zero-padded). */
export function markingMatchesProduct(marking: MarkingCode, ean: string | null): boolean {
  if (!ean || !/^\d{8,14}$/.test(ean)) return false;
  return marking.gtin === ean.padStart(14, '0');
}
