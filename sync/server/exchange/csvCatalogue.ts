import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { vatOf } from './fiscalAttributes';
import { checkEan, emptyBatch, fieldProblem, IMPORT_LIMITS, ImportError, parseRoubles, type CatalogueBatch, type RecordKind } from './catalogueBatch';

/**
 * The CSV exchange, for back offices that are not 1C (docs/exchange.md). UTF-8 (a BOM is
 * fine), a header line naming the columns in any order, ";" (what Russian Excel writes) or
 * "," as the separator, found from the header. Column sets:
 * - products: id, name, category_id [, category_name, category_parent_id, ean, weighed, deleted, vat, marked]
 *             (vat: 22, 20, 10, 7, 5, 0 or "без НДС", empty for the till's default; marked: Честный ЗНАК;
 *             a column left out keeps what the product has)
 * - prices:   product_id, price [, store, deleted]   (price in roubles, "59.90" or "59,90";
 *             store: the store's external id, empty for every store of the chain)
 * - stores:   id, name
 * Booleans are 1/0, true/false or да/нет.
 */
export const CSV_KINDS = ['products', 'prices', 'stores'] as const;
/** The CSV import route's query. preview=true: answer the report of what the file would change, and write nothing. */
export const ImportPreviewQuery = z.object({ preview: z.enum(['true', 'false']).optional() });
export type CsvKind = (typeof CSV_KINDS)[number];

export const CSV_COLUMNS: Record<CsvKind, { required: readonly string[]; optional: readonly string[] }> = {
  products: { required: ['id', 'name', 'category_id'], optional: ['category_name', 'category_parent_id', 'ean', 'weighed', 'deleted', 'vat', 'marked'] },
  prices: { required: ['product_id', 'price'], optional: ['store', 'deleted'] },
  stores: { required: ['id', 'name'], optional: [] },
};

const TRUE = new Set(['1', 'true', 'да', 'yes', 'y']);
const FALSE = new Set(['', '0', 'false', 'нет', 'no', 'n']);

export function parseCsvCatalogue(bytes: Uint8Array, kind: CsvKind): CatalogueBatch {
  if (bytes.byteLength > IMPORT_LIMITS.maxBytes) throw new ImportError('file_too_large', `The file is larger than ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB.`);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError('invalid_encoding', 'The file is not valid UTF-8; save it from the spreadsheet as "CSV UTF-8".');
  }
  const headerLine = source.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = headerLine.includes(';') ? ';' : ',';
  const header = headerLine.split(delimiter).map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const { required, optional } = CSV_COLUMNS[kind];
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new ImportError('csv_columns_missing', `The header lacks the column(s) ${missing.join(', ')} (a ${kind} file needs ${required.join(', ')}).`);
  const unknown = header.filter((h) => ![...required, ...optional].includes(h));
  if (unknown.length > 0)
    throw new ImportError('csv_columns_unknown', `Unknown column(s) ${unknown.join(', ')}; a ${kind} file has ${[...required, ...optional].join(', ')}.`);

  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(source, {
      delimiter,
      bom: true,
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
      trim: true,
      to: IMPORT_LIMITS.maxRecords,
    });
  } catch (e) {
    throw new ImportError('csv_invalid', `The file is not valid CSV: ${(e as Error).message.slice(0, 300)}`);
  }
  const batch = emptyBatch('csv');
  for (const { record, info } of rows) {
    const line = info.lines;
    const refuse = (k: RecordKind, id: string | null, code: string, message: string): void => {
      batch.refused.push({ kind: k, id: id || null, code, message, line });
    };
    const problem = Object.entries(record)
      .map(([col, v]) => ({ col, p: fieldProblem(v, col === 'name' || col === 'category_name' ? IMPORT_LIMITS.maxNameLength : IMPORT_LIMITS.maxIdLength) }))
      .find((x) => x.p !== null);
    const id = (record.id ?? record.product_id ?? '').slice(0, IMPORT_LIMITS.maxIdLength);
    const recordKind: RecordKind = kind === 'products' ? 'product' : kind === 'prices' ? 'price' : 'store';
    if (problem?.p) {
      refuse(recordKind, problem.p.code === 'card_number_in_text' ? null : id, problem.p.code, `${problem.col}: ${problem.p.message}`);
      continue;
    }
    const flag = (col: string): boolean | null => {
      const v = (record[col] ?? '').toLowerCase();
      return TRUE.has(v) ? true : FALSE.has(v) ? false : null;
    };
    for (const col of required) {
      if (!record[col]) {
        refuse(recordKind, id, 'missing_value', `The column ${col} is empty.`);
        break;
      }
    }
    if (required.some((col) => !record[col])) continue;
    const badFlag = ['weighed', 'deleted', 'marked'].find((c) => c in record && flag(c) === null);
    if (badFlag) {
      refuse(recordKind, id, 'invalid_flag', `${badFlag} "${record[badFlag]}" is not 1/0, true/false or да/нет.`);
      continue;
    }
    if (kind === 'stores') {
      batch.stores.push({ line, externalId: record.id!, name: record.name! });
    } else if (kind === 'products') {
      const ean = record.ean ?? '';
      const eanProblem = ean ? checkEan(ean) : null;
      if (eanProblem) {
        refuse('product', id, 'invalid_barcode', `ean "${ean}": ${eanProblem}`);
        continue;
      }
      const vat = record.vat ? vatOf(record.vat) : null;
      if (record.vat && vat === null) {
        refuse('product', id, 'invalid_vat', `vat "${record.vat}" is none the till prints (22, 20, 10, 7, 5, 0 or без НДС).`);
        continue;
      }
      if (record.category_name && !batch.categories.some((c) => c.id === record.category_id)) {
        batch.categories.push({ line, id: record.category_id!, name: record.category_name, parentId: record.category_parent_id || null });
      }
      batch.products.push({
        line,
        id: record.id!,
        name: record.name!,
        ean: ean || null,
        categoryId: record.category_id!,
        weighed: flag('weighed') ?? false,
        deleted: flag('deleted') ?? false,
        ...('vat' in record ? { vat } : {}),
        ...('marked' in record ? { marked: flag('marked') ?? false } : {}),
      });
    } else {
      const kopecks = parseRoubles(record.price!);
      if (kopecks === null || kopecks > IMPORT_LIMITS.maxPriceKopecks) {
        refuse(
          'price',
          id,
          'invalid_price',
          `price "${record.price}" is not an amount in roubles with at most two decimals (up to ${IMPORT_LIMITS.maxPriceKopecks / 100}).`,
        );
        continue;
      }
      batch.prices.push({
        line,
        productId: record.product_id!,
        storeExternalIds: record.store ? [record.store] : null,
        priceKopecks: kopecks,
        deleted: flag('deleted') ?? false,
      });
    }
  }
  if (rows.length >= IMPORT_LIMITS.maxRecords) {
    batch.refused.push({
      kind: 'document',
      id: null,
      code: 'too_many_records',
      message: `Only the first ${IMPORT_LIMITS.maxRecords} rows were read; split the file.`,
    });
  }
  return batch;
}
