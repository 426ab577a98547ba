/**
 * Money is an integer number of minor units (kopecks). Never a float.
 * These helpers keep every arithmetic step in integers and fail loudly otherwise.
 */
export type Kopecks = number;

export function assertKopecks(value: number, what = 'amount'): Kopecks {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a whole number of kopecks, got ${value}`);
  }
  return value;
}

/** Parse a rouble amount typed by a person ("12,50", "12.5", "1 234,00") into kopecks. */
export function parseRoubles(text: string): Kopecks | null {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const [, sign, whole, frac = ''] = match;
  const kopecks = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(kopecks)) return null;
  return sign === '-' && kopecks !== 0 ? -kopecks : kopecks;
}

/** Multiply by a rate in basis points (1 bp = 0.01 %), rounding down (floor): never more than was earned. */
export function percentOf(amount: Kopecks, basisPoints: number): Kopecks {
  assertKopecks(amount);
  if (!Number.isSafeInteger(basisPoints)) throw new RangeError(`rate must be whole basis points, got ${basisPoints}`);
  // Integer division with floor: bonuses and discounts never round up past what was earned.
  const product = BigInt(amount) * BigInt(basisPoints);
  const q = product / 10_000n;
  const floored = product < 0n && q * 10_000n !== product ? q - 1n : q;
  return Number(floored);
}

/**
 * Split `total` across `weights` proportionally so the parts sum to `total` exactly
 * (largest remainder method). Ties go to the earlier index, so the result is deterministic.
 */
export function allocate(total: Kopecks, weights: readonly number[]): Kopecks[] {
  assertKopecks(total, 'total');
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError('cannot allocate a non-zero total over no weights');
    return [];
  }
  weights.forEach((w) => {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be non-negative integers, got ${w}`);
  });
  // Summed in BigInt: a float sum of large weights would lose kopecks.
  const big = weights.reduce((a, b) => a + BigInt(b), 0n);
  if (big === 0n) {
    if (total !== 0) throw new RangeError('cannot allocate a non-zero total over zero weights');
    return weights.map(() => 0);
  }
  const sign = total < 0 ? -1n : 1n;
  const abs = BigInt(Math.abs(total));
  const parts = weights.map((w) => (abs * BigInt(w)) / big);
  const remainders = weights.map((w, i) => ({ i, r: (abs * BigInt(w)) % big }));
  let left = abs - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map((p) => Number(p * sign));
}

// Building a NumberFormat is slow; receipts format many amounts.
const groupers = new Map<string, Intl.NumberFormat>();

/** Format kopecks as roubles for a locale, e.g. "1 234,50 ₽" in ru-RU. */
export function formatRoubles(amount: Kopecks, locale = 'ru-RU'): string {
  assertKopecks(amount);
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  const nf = groupers.get(locale) ?? groupers.set(locale, new Intl.NumberFormat(locale, { maximumFractionDigits: 0, useGrouping: true })).get(locale)!;
  const sep = locale.startsWith('ru') ? ',' : '.';
  const text = `${nf.format(whole)}${sep}${String(frac).padStart(2, '0')}`;
  return `${negative ? '−' : ''}${text} ₽`;
}
