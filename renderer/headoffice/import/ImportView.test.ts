import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IMPORT_FILE_CODES } from '../api';
import { en } from '../locales/en';
import { ru } from '../locales/ru';
import { formatOfFile } from './ImportView';

/** Every refusal code the importers can answer with, read from their sources (so a new one needs a wording). */
function refusalCodes(): string[] {
  const sources = ['catalogueBatch.ts', 'commerceMl.ts', 'csvCatalogue.ts', 'applyCatalogue.ts', 'fiscalAttributes.ts'].map((f) =>
    readFileSync(new URL(`../../../sync/server/exchange/${f}`, import.meta.url), 'utf8'),
  );
  const codes = new Set<string>();
  for (const s of sources)
    for (const m of s.matchAll(/\bcode: '([a-z_]+)'|refuse\([^,]+, [^,]+, '([a-z_]+)'|\{ code: '([a-z_]+)'/g)) codes.add((m[1] ?? m[2] ?? m[3])!);
  for (const s of sources) for (const m of s.matchAll(/refuse\((?:recordKind|'[a-z]+'|k), [^,]+, '([a-z_]+)'/g)) codes.add(m[1]!);
  return [...codes].filter((c) => !(IMPORT_FILE_CODES as readonly string[]).includes(c));
}

describe('head office import page', () => {
  it('words every refusal reason the importers give, in Russian and English', () => {
    // unknown_price_type: its refuse() call spans lines the pattern does not follow.
    const codes = [...refusalCodes(), 'unknown_price_type'];
    expect(codes).toEqual(expect.arrayContaining(['invalid_barcode', 'unknown_product', 'invalid_vat', 'missing_group', 'duplicate_barcode']));
    for (const code of codes) {
      expect(ru.ho.import.reasons, code).toHaveProperty(code);
      expect(en.ho.import.reasons, code).toHaveProperty(code);
    }
    for (const code of IMPORT_FILE_CODES) {
      expect(ru.ho.import.fileErrors, code).toHaveProperty(code);
      expect(en.ho.import.fileErrors, code).toHaveProperty(code);
    }
  });

  it('guesses the kind of a chosen file from its name, and leaves the choice alone when the name says nothing', () => {
    expect(formatOfFile('import0_1.xml', 'prices')).toBe('commerceml');
    expect(formatOfFile('offers.XML', 'products')).toBe('commerceml');
    expect(formatOfFile('prices-2026.csv', 'commerceml')).toBe('prices');
    expect(formatOfFile('Магазины.csv', 'products')).toBe('stores');
    expect(formatOfFile('товары.csv', 'stores')).toBe('products');
    expect(formatOfFile('export.csv', 'stores')).toBe('stores');
    expect(formatOfFile('export.csv', 'commerceml')).toBe('products');
    expect(formatOfFile('catalogue.zip', 'prices')).toBe('prices');
  });
});
