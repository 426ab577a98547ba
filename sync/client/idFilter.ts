import { hash32 } from './hash';
import type { IdFilterRecord } from './records';

/**
 * Bloom filter over customer ids. "No" is certain, so a bulk load skips reading the old keys
 * of customers the till never had; "maybe" costs one index read. Sized at 16 bits per id
 * (k = 4, ~0.2 % false positives); grown by the writer when it fills up.
 */
const K = 4;
const BITS_PER_ID = 16;
const MIN_BITS = 1 << 16;
const MAX_BITS = 2 ** 30;

export function filterBitsFor(ids: number): number {
  let bits = MIN_BITS;
  while (bits < ids * BITS_PER_ID && bits < MAX_BITS) bits *= 2;
  return bits;
}

export function emptyFilter(bits: number): IdFilterRecord {
  return { name: 'ids', bits, count: 0, data: new Uint8Array(bits / 8) };
}

export function needsGrowth(f: IdFilterRecord, ids: number): boolean {
  return f.bits < MAX_BITS && ids * BITS_PER_ID > f.bits;
}

/** Double hashing (Kirsch–Mitzenmacher): K probe positions from two hashes. */
function probe(f: IdFilterRecord, id: string, visit: (byte: number, bit: number) => boolean): boolean {
  const h1 = hash32(id, 0x9e3779b9);
  const h2 = hash32(id, 0x7f4a7c15) | 1;
  const mask = f.bits - 1;
  for (let i = 0; i < K; i++) {
    const p = (h1 + Math.imul(i, h2)) & mask;
    if (!visit(p >>> 3, 1 << (p & 7))) return false;
  }
  return true;
}

export function mayHave(f: IdFilterRecord, id: string): boolean {
  return probe(f, id, (byte, bit) => ((f.data[byte] ?? 0) & bit) !== 0);
}

export function add(f: IdFilterRecord, id: string): void {
  f.count++;
  probe(f, id, (byte, bit) => {
    f.data[byte] = (f.data[byte] ?? 0) | bit;
    return true;
  });
}
