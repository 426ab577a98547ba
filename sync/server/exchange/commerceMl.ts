import { z } from 'zod';
import { checkEan, emptyBatch, fieldProblem, IMPORT_LIMITS, ImportError, parseRoubles, type CatalogueBatch, type RecordKind } from './catalogueBatch';
import { fiscalOfProduct, readPropertyNames, type PropertyNames } from './fiscalAttributes';
import { attr, child, children, childText, decodeXml, parseXml, text, type XmlValue } from './xmlDocument';

/**
 * CommerceML 2 (the XML exchange of 1C:Trade and 1C:Retail), the parts a till needs:
 * - import.xml: Классификатор/Группы (categories, nested), Классификатор/Склады (stores, 2.08+),
 *   Каталог/Товары/Товар (Ид, Наименование, Штрихкод, Группы/Ид, БазоваяЕдиница, ПометкаУдаления,
 *   and the VAT rate and marking from СтавкиНалогов, ЗначенияРеквизитов, ЗначенияСвойств: fiscalAttributes.ts);
 * - offers.xml: ПакетПредложений/ТипыЦен, Склады, Предложения/Предложение/Цены/Цена
 *   (ИдТипаЦены, ЦенаЗаЕдиницу, Валюта, Коэффициент) with optional Склад[@ИдСклада].
 * One file may hold both. Everything else (other properties, pictures, stock) is ignored.
 */
/** The import route's query: which price type to take. */
export const CommerceMlQuery = z.object({
  priceType: z.string().trim().min(1).max(100).optional(),
  /** true: answer the report of what the file would change, and write nothing. */
  preview: z.enum(['true', 'false']).optional(),
});

export interface CommerceMlOptions {
  /** The price type to import (its Ид or Наименование). Default: "Розничная", else the first listed. */
  priceType?: string;
}

const ROUBLES = new Set(['rub', 'rur', 'руб', 'руб.', '643']);
/** OKEI code 166 is the kilogram: such a product is sold by weight. */
const KILOGRAM = new Set(['166', 'кг', 'kg', 'kgm']);

export function parseCommerceMl(bytes: Uint8Array, options: CommerceMlOptions = {}): CatalogueBatch {
  const root = child(parseXml(decodeXml(bytes)), 'КоммерческаяИнформация');
  if (root === undefined) throw new ImportError('not_commerceml', 'The file is not a CommerceML document (no КоммерческаяИнформация element).');
  const batch = emptyBatch('commerceml');
  const refuse = (kind: RecordKind, id: string | null, code: string, message: string): void => {
    batch.refused.push({ kind, id: id === '' ? null : id, code, message });
  };
  const classifier = child(root, 'Классификатор');
  const catalogue = child(root, 'Каталог');
  const offers = child(root, 'ПакетПредложений');
  if (classifier === undefined && catalogue === undefined && offers === undefined) {
    throw new ImportError('not_commerceml', 'The document holds no Классификатор, Каталог or ПакетПредложений.');
  }
  if (attr(catalogue, 'СодержитТолькоИзменения') === 'true' || attr(offers, 'СодержитТолькоИзменения') === 'true') batch.onlyChanges = true;
  if (childText(catalogue, 'СодержитТолькоИзменения') === 'true' || childText(offers, 'СодержитТолькоИзменения') === 'true') batch.onlyChanges = true;

  readGroups(classifier, batch, refuse);
  readStores(child(classifier, 'Склады'), batch, refuse);
  readStores(child(offers, 'Склады'), batch, refuse);
  readProducts(child(catalogue, 'Товары'), readPropertyNames(classifier), batch, refuse);
  if (offers !== undefined) readOffers(offers, options, batch, refuse);
  return batch;
}

type Refuse = (kind: RecordKind, id: string | null, code: string, message: string) => void;

/** Id and name, checked: the shared first step of every record. */
function identity(node: XmlValue, kind: RecordKind, refuse: Refuse): { id: string; name: string } | null {
  const id = childText(node, 'Ид');
  const name = childText(node, 'Наименование');
  if (!id) return (refuse(kind, null, 'missing_id', 'The record has no Ид.'), null);
  const idProblem = fieldProblem(id, IMPORT_LIMITS.maxIdLength);
  if (idProblem) return (refuse(kind, null, idProblem.code, `Ид: ${idProblem.message}`), null);
  if (kind !== 'price') {
    if (!name) return (refuse(kind, id, 'missing_name', 'The record has no Наименование.'), null);
    const nameProblem = fieldProblem(name, IMPORT_LIMITS.maxNameLength);
    if (nameProblem) return (refuse(kind, id, nameProblem.code, `Наименование: ${nameProblem.message}`), null);
  }
  return { id, name };
}

function tooMany(list: unknown[], kind: RecordKind, refuse: Refuse): boolean {
  if (list.length < IMPORT_LIMITS.maxRecords) return false;
  refuse(kind, null, 'too_many_records', `More than ${IMPORT_LIMITS.maxRecords} records of this kind in one file; the rest were not read.`);
  return true;
}

function readGroups(classifier: XmlValue | undefined, batch: CatalogueBatch, refuse: Refuse): void {
  // Depth-first with an explicit stack: nesting is already bounded by the parser, but no recursion is needed.
  const stack: { node: XmlValue; parentId: string | null }[] = children(child(classifier, 'Группы'), 'Группа')
    .reverse()
    .map((node) => ({ node, parentId: null }));
  while (stack.length > 0) {
    const { node, parentId } = stack.pop()!;
    if (tooMany(batch.categories, 'category', refuse)) return;
    const ident = identity(node, 'category', refuse);
    if (!ident) continue;
    batch.categories.push({ id: ident.id, name: ident.name, parentId });
    for (const sub of children(child(node, 'Группы'), 'Группа').reverse()) stack.push({ node: sub, parentId: ident.id });
  }
}

function readStores(list: XmlValue | undefined, batch: CatalogueBatch, refuse: Refuse): void {
  for (const node of children(list, 'Склад')) {
    if (tooMany(batch.stores, 'store', refuse)) return;
    const ident = identity(node, 'store', refuse);
    if (ident && !batch.stores.some((s) => s.externalId === ident.id)) batch.stores.push({ externalId: ident.id, name: ident.name });
  }
}

function markedDeleted(node: XmlValue): boolean {
  return childText(node, 'ПометкаУдаления') === 'true' || attr(node, 'Статус') === 'Удален';
}

function readProducts(list: XmlValue | undefined, properties: PropertyNames, batch: CatalogueBatch, refuse: Refuse): void {
  for (const node of children(list, 'Товар')) {
    if (tooMany(batch.products, 'product', refuse)) return;
    const ident = identity(node, 'product', refuse);
    if (!ident) continue;
    const categoryId = childText(child(node, 'Группы'), 'Ид');
    if (!categoryId) {
      refuse('product', ident.id, 'missing_group', 'The product belongs to no group (Группы/Ид); the till files every product under a category.');
      continue;
    }
    const barcode = childText(node, 'Штрихкод');
    const eanProblem = barcode ? checkEan(barcode) : null;
    if (eanProblem) {
      refuse('product', ident.id, 'invalid_barcode', `Штрихкод "${barcode.slice(0, 20)}": ${eanProblem}`);
      continue;
    }
    const fiscal = fiscalOfProduct(node, properties);
    if ('code' in fiscal) {
      refuse('product', ident.id, fiscal.code, fiscal.message);
      continue;
    }
    const unit = child(node, 'БазоваяЕдиница');
    const weighed = KILOGRAM.has((attr(unit, 'Код') ?? '').trim()) || KILOGRAM.has(text(unit).trim().toLowerCase());
    batch.products.push({ id: ident.id, name: ident.name, ean: barcode || null, categoryId, weighed, deleted: markedDeleted(node), ...fiscal });
  }
}

function readOffers(pack: XmlValue, options: CommerceMlOptions, batch: CatalogueBatch, refuse: Refuse): void {
  const types = children(child(pack, 'ТипыЦен'), 'ТипЦены').map((t) => ({
    id: childText(t, 'Ид'),
    name: childText(t, 'Наименование'),
    currency: childText(t, 'Валюта'),
  }));
  const wanted = options.priceType?.trim().toLowerCase();
  const chosen = wanted
    ? types.find((t) => t.id.toLowerCase() === wanted || t.name.toLowerCase() === wanted)
    : (types.find((t) => t.name.toLowerCase() === 'розничная') ?? types[0]);
  const offers = children(child(pack, 'Предложения'), 'Предложение');
  if (wanted && !chosen && offers.length > 0) {
    refuse(
      'document',
      null,
      'unknown_price_type',
      `The package lists no price type "${options.priceType}" (ТипыЦен: ${types.map((t) => t.name).join(', ') || 'none'}).`,
    );
    return;
  }
  if (chosen?.currency && !ROUBLES.has(chosen.currency.toLowerCase())) {
    refuse('document', chosen.id, 'currency_not_roubles', `The price type "${chosen.name}" is in ${chosen.currency}; the till sells in roubles.`);
    return;
  }
  for (const node of offers) {
    if (tooMany(batch.prices, 'price', refuse)) return;
    const ident = identity(node, 'price', refuse);
    if (!ident) continue;
    const storeIds = children(node, 'Склад')
      .map((s) => attr(s, 'ИдСклада') ?? '')
      .filter((s) => s !== '');
    const stores = storeIds.length > 0 ? storeIds : null;
    if (markedDeleted(node)) {
      batch.prices.push({ productId: ident.id, storeExternalIds: stores, priceKopecks: 0, deleted: true });
      continue;
    }
    const prices = children(child(node, 'Цены'), 'Цена');
    const price = chosen ? prices.find((p) => childText(p, 'ИдТипаЦены') === chosen.id) : prices[0];
    if (!price) {
      refuse('price', ident.id, 'no_price_of_type', `The offer has no price of the type "${chosen?.name ?? '?'}".`);
      continue;
    }
    const problem = priceProblem(price);
    if (typeof problem === 'string') {
      refuse('price', ident.id, 'invalid_price', problem);
      continue;
    }
    batch.prices.push({ productId: ident.id, storeExternalIds: stores, priceKopecks: problem.kopecks, deleted: false });
  }
}

function priceProblem(price: XmlValue): string | { kopecks: number } {
  const currency = childText(price, 'Валюта');
  if (currency && !ROUBLES.has(currency.toLowerCase())) return `The price is in ${currency.slice(0, 10)}; the till sells in roubles.`;
  const factor = childText(price, 'Коэффициент');
  if (factor && parseRoubles(factor) !== 100)
    return `The price is per a unit of ${factor.slice(0, 10)} pieces (Коэффициент); only per-piece prices are imported.`;
  const raw = childText(price, 'ЦенаЗаЕдиницу');
  const kopecks = parseRoubles(raw);
  if (kopecks === null) return `ЦенаЗаЕдиницу "${raw.slice(0, 20)}" is not an amount in roubles with at most two decimals.`;
  if (kopecks > IMPORT_LIMITS.maxPriceKopecks) return `ЦенаЗаЕдиницу ${raw.slice(0, 20)} is above the limit of ${IMPORT_LIMITS.maxPriceKopecks / 100} roubles.`;
  return { kopecks };
}
