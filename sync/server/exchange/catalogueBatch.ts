import type { VatRate } from '../../../core/fiscal/receiptPositions';
import { textProblem } from '../textScreen';

/**
 * What a catalogue import (CommerceML or CSV) becomes before it touches the database: plain
 * records keyed by the back office's own ids, plus what was refused while reading and why.
 * Applying the same batch twice changes nothing the second time (applyCatalogue.ts).
 */
export interface CategoryRecord {
  /** CSV line it came from, for the report. */
  line?: number;
  id: string;
  name: string;
  parentId: string | null;
}

export interface ProductRecord {
  /** CSV line it came from, for the report. */
  line?: number;
  id: string;
  name: string;
  ean: string | null;
  categoryId: string;
  weighed: boolean;
  /** VAT rate printed on the receipt; null: the till's default; undefined: not stated, kept as it is. */
  vat?: VatRate | null;
  /** Marked goods (Честный ЗНАК); undefined: not stated, kept as it is (false for a new product). */
  marked?: boolean;
  /** Marked for deletion in the back office: its prices stop (the product row stays for old receipts). */
  deleted: boolean;
}

export interface StoreRecord {
  /** CSV line it came from, for the report. */
  line?: number;
  /** The back office's id (1C: Склад/Ид); stores are matched on it. */
  externalId: string;
  name: string;
}

export interface PriceRecord {
  /** CSV line it came from, for the report. */
  line?: number;
  productId: string;
  /** The stores' external ids; null: every store of the chain. */
  storeExternalIds: string[] | null;
  priceKopecks: number;
  deleted: boolean;
}

export type RecordKind = 'category' | 'product' | 'store' | 'price' | 'document';

export interface Refusal {
  kind: RecordKind;
  /** The record's id in the file, when it has one. */
  id: string | null;
  code: string;
  message: string;
  /** CSV line number (1-based, the header is line 1). */
  line?: number;
}

export interface CatalogueBatch {
  source: 'commerceml' | 'csv';
  /** A CommerceML package that says it holds only changes (СодержитТолькоИзменения). */
  onlyChanges: boolean;
  categories: CategoryRecord[];
  products: ProductRecord[];
  stores: StoreRecord[];
  prices: PriceRecord[];
  refused: Refusal[];
}

/** The line of a record, for a refusal of it. */
export function lineOf(record: { line?: number }): { line?: number } {
  return record.line === undefined ? {} : { line: record.line };
}

export function emptyBatch(source: CatalogueBatch['source']): CatalogueBatch {
  return { source, onlyChanges: false, categories: [], products: [], stores: [], prices: [], refused: [] };
}

/** Upper bounds on one import: a chain's catalogue fits well inside them. */
export const IMPORT_LIMITS = {
  /** Bytes of one uploaded file. */
  maxBytes: 32 * 1024 * 1024,
  /** Records of each kind in one file. */
  maxRecords: 200_000,
  maxIdLength: 100,
  maxNameLength: 300,
  /** 10 million roubles: more is a typo in the back office. */
  maxPriceKopecks: 1_000_000_000,
} as const;

export class ImportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Why a text cannot be stored, or null. Same rules as the server's door (textScreen.ts), per field. */
export function fieldProblem(text: string, maxLength: number): { code: string; message: string } | null {
  const problem = textProblem(text);
  if (problem === 'invalid_text') return { code: 'invalid_text', message: 'The text holds NUL characters or broken UTF-16.' };
  if (problem === 'card_number_in_text') return { code: 'card_number_in_text', message: 'The text looks like a bank card number; it is never stored.' };
  if (text.length > maxLength) return { code: 'too_long', message: `Longer than ${maxLength} characters.` };
  return null;
}

const EAN = /^\d{8}$|^\d{12,14}$/;

/** An EAN-8/UPC-A/EAN-13/GTIN-14 with a valid check digit, or null with the reason. */
export function checkEan(text: string): string | null {
  if (!EAN.test(text)) return 'A barcode must be 8, 12, 13 or 14 digits.';
  const digits = [...text].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check ? null : 'The barcode check digit is wrong.';
}

/**
 * A price as the back office writes it ("59.90", "59,9", "1 234,50") in integer kopecks, or
 * null. Never through a float: more than two decimals is refused, not rounded.
 */
export function parseRoubles(text: string): number | null {
  const t = text.replace(/[\s\u00a0]/g, '').replace(',', '.');
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const kopecks = Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  return Number.isSafeInteger(kopecks) ? kopecks : null;
}
