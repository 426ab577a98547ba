import { percentOf } from '../money';

/**
 * Integer splitting for the engine's hot paths. Results match core/money's `allocate`
 * (largest remainder, ties to the earlier index) but stay in plain numbers while every
 * intermediate product is a safe integer, and switch to BigInt only when one would not be.
 */

const SAFE = Number.MAX_SAFE_INTEGER;

/** floor(a / b) for non-negative safe integers, corrected for float rounding. */
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) q -= 1;
  else if (r >= b) q += 1;
  return q;
}

const LOW = 2 ** 20;

/**
 * Largest-remainder pass shared by the number paths: hand `left` units to the biggest
 * remainders, ties to the earlier index. Remainder and index are packed into one float key
 * (remainder x 2^20 + reversed index) so a native typed-array sort does the work without a
 * comparator callback; very large remainders fall back to a comparator sort.
 */
function distribute(parts: number[], rema: readonly number[], left: number): void {
  if (left <= 0) return;
  const n = rema.length;
  let positive = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const r = rema[i] ?? 0;
    if (r > 0) positive += 1;
    if (r > max) max = r;
  }
  if (left > positive) throw new RangeError('distribute: remainder bookkeeping broke');
  if (n < LOW && max < 2 ** 32) {
    const keys = new Float64Array(positive);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const r = rema[i] ?? 0;
      if (r > 0) keys[k++] = r * LOW + (LOW - 1 - i);
    }
    keys.sort();
    for (let j = 0; j < left; j++) {
      const key = keys[positive - 1 - j] ?? 0;
      const i = LOW - 1 - (key % LOW);
      parts[i] = (parts[i] ?? 0) + 1;
    }
    return;
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) if ((rema[i] ?? 0) > 0) order.push(i);
  order.sort((a, b) => (rema[b] ?? 0) - (rema[a] ?? 0) || a - b);
  for (let j = 0; j < left; j++) {
    const i = order[j] ?? 0;
    parts[i] = (parts[i] ?? 0) + 1;
  }
}

function allocateBig(total: bigint, weights: readonly bigint[]): bigint[] {
  let sum = 0n;
  for (const w of weights) sum += w;
  if (sum === 0n) {
    if (total !== 0n) throw new RangeError('cannot split a non-zero total over zero weights');
    return weights.map(() => 0n);
  }
  const parts = weights.map((w) => (total * w) / sum);
  const rema = weights.map((w, i) => ({ i, r: (total * w) % sum }));
  let left = total - parts.reduce((a, b) => a + b, 0n);
  rema.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i, r } of rema) {
    if (left === 0n || r === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts;
}

/**
 * Split `total` kopecks over non-negative integer `weights` in proportion, parts summing
 * to `total` exactly. With total <= sum(weights) no part exceeds its weight.
 */
export function allocateKopecks(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative whole number, got ${total}`);
  let sum = 0;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be non-negative whole numbers, got ${w}`);
    sum += w;
  }
  if (sum === 0) {
    if (total !== 0) throw new RangeError('cannot split a non-zero total over zero weights');
    return weights.map(() => 0);
  }
  if (!Number.isSafeInteger(sum) || total * sum > SAFE / 2) {
    return allocateBig(
      BigInt(total),
      weights.map((w) => BigInt(w)),
    ).map(Number);
  }
  const parts = new Array<number>(weights.length);
  const rema = new Array<number>(weights.length);
  let given = 0;
  weights.forEach((w, i) => {
    const p = total * w;
    const q = floorDiv(p, sum);
    parts[i] = q;
    rema[i] = p - q * sum;
    given += q;
  });
  distribute(parts, rema, total - given);
  return parts;
}

/**
 * Round exact amounts given as numerators over a common `denominator` (e.g. millionths of a
 * kopeck) so that the parts sum to floor(total): each part is its own floor, and the few
 * kopecks that the floors leave over go to the largest fractions (ties to the earlier one).
 * Every part is therefore within one kopeck of its exact value.
 */
export function roundShares(numerators: readonly (number | bigint)[], denominator: number): number[] {
  let safe = true;
  let sum = 0;
  for (const x of numerators) {
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) safe = false;
    else sum += x;
  }
  if (safe && Number.isSafeInteger(sum)) {
    const parts = new Array<number>(numerators.length);
    const rema = new Array<number>(numerators.length);
    let given = 0;
    numerators.forEach((x, i) => {
      const q = floorDiv(x as number, denominator);
      parts[i] = q;
      rema[i] = (x as number) - q * denominator;
      given += q;
    });
    distribute(parts, rema, floorDiv(sum, denominator) - given);
    return parts;
  }
  const den = BigInt(denominator);
  const big = numerators.map((x) => BigInt(x));
  const total = big.reduce((a, b) => a + b, 0n) / den;
  const parts = big.map((x) => x / den);
  const rema = big.map((x, i) => ({ i, r: x % den }));
  let left = total - parts.reduce((a, b) => a + b, 0n);
  rema.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rema) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

/** core/money `percentOf` (floored), without BigInt while amount x rate is a safe integer. */
export function percentOfFast(amount: number, basisPoints: number): number {
  const p = amount * basisPoints;
  if (amount >= 0 && basisPoints >= 0 && Number.isSafeInteger(p)) return floorDiv(p, 10_000);
  return percentOf(amount, basisPoints);
}

/**
 * The share of `total` that belongs to `part` of `whole`, floored. Used cumulatively
 * (share of everything returned so far, minus what earlier returns already got) so that
 * returning the whole in any number of steps gives back exactly `total`.
 */
export function cumulativeShare(total: number, part: number, whole: number): number {
  if (whole <= 0) throw new RangeError('cumulativeShare: whole must be positive');
  if (part === whole) return total;
  return Number((BigInt(total) * BigInt(part)) / BigInt(whole));
}

/** Round price (kopecks per unit) x quantity (thousandths of a unit) to whole kopecks, half up. */
export function lineAmount(unitPriceKopecks: number, quantityMilli: number): number {
  const exact = unitPriceKopecks * quantityMilli + 500;
  if (Number.isSafeInteger(exact)) return floorDiv(exact, 1000);
  return Number((BigInt(unitPriceKopecks) * BigInt(quantityMilli) + 500n) / 1000n);
}
