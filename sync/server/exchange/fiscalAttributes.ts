import type { VatRate } from '../../../core/fiscal/receiptPositions';
import { child, children, childText, text, type XmlValue } from './xmlDocument';

/**
 * The fiscal half of a product as the back office states it: the VAT rate printed on the
 * receipt and whether the product is marked (Честный ЗНАК: each piece's DataMatrix is scanned).
 *
 * CommerceML 2 (1C) carries them in several places, read in this order:
 * - VAT: `Товар/СтавкиНалогов/СтавкаНалога` whose `Наименование` is НДС (or the only one), its
 *   `Ставка`; else `ЗначенияРеквизитов/ЗначениеРеквизита` named "СтавкаНДС" / "Ставка НДС" / "НДС".
 * - Marking: a requisite or a property (`ЗначенияСвойств`, names from `Классификатор/Свойства`)
 *   named like "Маркируемый", "Маркировка", "ПодлежитМаркировке" with a yes value; a requisite
 *   "ОсобенностьУчета" naming a marked kind of goods (обувь, табак, молочная продукция...); or a
 *   product kind (ВидНоменклатуры / ТипНоменклатуры) whose name says "маркируем".
 */

/** A stated rate → the till's VAT code; null when the text is no rate the till knows. */
export function vatOf(raw: string): VatRate | null {
  const t = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^без( ндс| налога)?$|^без_ндс$|^none$|^нет$|^не облагается$/.test(t)) return 'none';
  const m = /^(?:ндс )?(\d{1,2})(?:[.,]0+)? ?%?$/.exec(t);
  if (!m) return null;
  const rates: Record<string, VatRate> = { '22': 'vat22', '20': 'vat20', '10': 'vat10', '7': 'vat7', '5': 'vat5', '0': 'vat0' };
  return rates[String(Number(m[1]))] ?? null;
}

const YES = new Set(['true', '1', 'да', 'yes', 'истина']);
const NO = new Set(['', 'false', '0', 'нет', 'no', 'ложь']);

/** A yes/no value as a back office writes it; null when it is neither. */
export function flagOf(raw: string): boolean | null {
  const t = raw.trim().toLowerCase();
  return YES.has(t) ? true : NO.has(t) ? false : null;
}

const normalName = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
const VAT_REQUISITES = new Set(['ставкандс', 'ндс', 'ставканалога']);
const MARKING_FLAGS = new Set(['маркируемый', 'маркируемая', 'маркируемыйтовар', 'маркируемаяпродукция', 'маркировка', 'подлежитмаркировке', 'маркированный']);
const ACCOUNTING_FEATURE = new Set(['особенностьучета', 'особенностьучетаноменклатуры', 'особенностьучёта']);
const PRODUCT_KIND = new Set(['видноменклатуры', 'типноменклатуры']);
/** Kinds of goods that are NOT marked in Честный ЗНАК, as 1C names "ОсобенностьУчета". */
const UNMARKED_FEATURE = /^(|нет|без особенност(ей|и)( учета| учёта)?|алкогольная продукция|.*егаис.*)$/;

/** A product kind's name saying its goods are marked ("Обувь маркируемая"), not that they are not. */
const namesMarkedKind = (kind: string): boolean => /маркируем/i.test(kind) && !/немаркируем/i.test(kind);

export interface FiscalAttributes {
  /** undefined: the file says nothing about VAT (the product keeps what it has). */
  vat?: VatRate;
  marked: boolean;
}

export type FiscalProblem = { code: 'invalid_vat'; message: string };

/** Property Ид → its name, and value Ид → its text, from Классификатор/Свойства (2.03–2.10). */
export interface PropertyNames {
  names: Map<string, string>;
  values: Map<string, string>;
}

export function readPropertyNames(classifier: XmlValue | undefined): PropertyNames {
  const names = new Map<string, string>();
  const values = new Map<string, string>();
  const list = child(classifier, 'Свойства');
  for (const p of [...children(list, 'Свойство'), ...children(list, 'СвойствоНоменклатуры')]) {
    const id = childText(p, 'Ид');
    if (id) names.set(id, childText(p, 'Наименование'));
    for (const v of children(child(p, 'ВариантыЗначений'), 'Справочник')) {
      const valueId = childText(v, 'ИдЗначения');
      if (valueId) values.set(valueId, childText(v, 'Значение'));
    }
  }
  return { names, values };
}

/** A product's VAT and marking from its Товар element, or why its VAT cannot be taken. */
export function fiscalOfProduct(node: XmlValue, properties: PropertyNames): FiscalAttributes | FiscalProblem {
  const requisites = children(child(node, 'ЗначенияРеквизитов'), 'ЗначениеРеквизита').map((r) => ({
    name: normalName(childText(r, 'Наименование')),
    value: childText(r, 'Значение'),
  }));
  const propertyValues = children(child(node, 'ЗначенияСвойств'), 'ЗначениеСвойства').map((p) => {
    const id = childText(p, 'Ид');
    const raw = childText(p, 'Значение');
    return { name: normalName(properties.names.get(id) ?? ''), value: properties.values.get(raw) ?? raw };
  });

  let statedVat: string | undefined;
  const taxes = children(child(node, 'СтавкиНалогов'), 'СтавкаНалога');
  const vatTax = taxes.find((t) => normalName(childText(t, 'Наименование')) === 'ндс') ?? (taxes.length === 1 ? taxes[0] : undefined);
  if (vatTax !== undefined) statedVat = childText(vatTax, 'Ставка');
  else statedVat = requisites.find((r) => VAT_REQUISITES.has(r.name))?.value;
  let vat: VatRate | undefined;
  if (statedVat !== undefined) {
    const rate = vatOf(statedVat);
    if (rate === null)
      return { code: 'invalid_vat', message: `VAT rate "${statedVat.slice(0, 20)}" is none the till prints (22, 20, 10, 7, 5, 0 %, без НДС).` };
    vat = rate;
  }

  const marked =
    [...requisites, ...propertyValues].some((r) => MARKING_FLAGS.has(r.name) && flagOf(r.value) === true) ||
    requisites.some((r) => ACCOUNTING_FEATURE.has(r.name) && !UNMARKED_FEATURE.test(r.value.trim().toLowerCase())) ||
    [...requisites.filter((r) => PRODUCT_KIND.has(r.name)).map((r) => r.value), text(child(node, 'ВидНоменклатуры'))].some(namesMarkedKind);
  return vat === undefined ? { marked } : { vat, marked };
}
