/**
 * What the cashier types in the product field: a code, or a quantity prefix `3*` (pieces) or
 * `1,250*` (kilograms, up to 3 decimals) before a code or a scan. Parsed without floats: a
 * quantity is an integer number of thousandths, as basket lines keep it.
 */
export type ProductEntry =
  { kind: 'code'; code: string; quantityMilli: number | null } | { kind: 'prefix'; quantityMilli: number } | { kind: 'bad'; reason: 'badQuantity' | 'tooMuch' };

/** The most a single line may hold: 999 pieces or 999 kg. */
export const MAX_QUANTITY_MILLI = 999_000;

/** "3", "0,456", "1.5" -> thousandths; null when it is not a positive quantity with at most 3 decimals. */
export function parseQuantity(text: string): number | null {
  const m = /^(\d{1,6})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const milli = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
  return milli > 0 ? milli : null;
}

export function parseProductEntry(text: string): ProductEntry {
  const trimmed = text.trim();
  const star = trimmed.indexOf('*');
  if (star < 0) return { kind: 'code', code: trimmed, quantityMilli: null };
  const quantityMilli = parseQuantity(trimmed.slice(0, star));
  if (quantityMilli === null) return { kind: 'bad', reason: 'badQuantity' };
  if (quantityMilli > MAX_QUANTITY_MILLI) return { kind: 'bad', reason: 'tooMuch' };
  const code = trimmed.slice(star + 1).trim();
  return code ? { kind: 'code', code, quantityMilli } : { kind: 'prefix', quantityMilli };
}

/** Typed weight in kilograms ("0,456", "1.2") -> grams; null unless 1 g to 999 kg with at most 3 decimals. */
export function parseKilograms(text: string): number | null {
  const milli = parseQuantity(text);
  return milli !== null && milli <= MAX_QUANTITY_MILLI ? milli : null;
}
