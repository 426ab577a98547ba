import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMPORT_LIMITS, ImportError, parseRoubles } from './catalogueBatch';
import { VAT_RATES } from '../../../core/fiscal/receiptPositions';
import { parseCommerceMl } from './commerceMl';
import { vatOf } from './fiscalAttributes';

const sample = (name: string): Buffer => readFileSync(new URL(`./testing/${name}`, import.meta.url));
const xml = (body: string): Buffer =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.08">${body}</КоммерческаяИнформация>`);

function refusedCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImportError) return e.code;
    throw e;
  }
  return 'accepted';
}

describe('CommerceML import.xml', () => {
  const batch = parseCommerceMl(sample('import.xml'));

  it('reads nested groups, stores, products with barcodes and weighed units', () => {
    expect(batch.categories).toEqual([
      { id: 'grp-dairy', name: 'Молочные продукты', parentId: null },
      { id: 'grp-cheese', name: 'Сыры', parentId: 'grp-dairy' },
      { id: 'grp-fruit', name: 'Фрукты и овощи', parentId: null },
      { id: 'grp-shoes', name: 'Обувь', parentId: null },
    ]);
    expect(batch.stores.map((s) => s.externalId)).toEqual(['wh-tverskaya', 'wh-nevsky']);
    const milk = batch.products.find((p) => p.ean === '4607001770015');
    expect(milk).toMatchObject({ name: 'Молоко "Домик" 3,2% 930 мл', categoryId: 'grp-dairy', weighed: false, deleted: false });
    expect(batch.products.find((p) => p.name.startsWith('Сыр'))).toMatchObject({ weighed: true, categoryId: 'grp-cheese' });
    expect(batch.products.find((p) => p.name.startsWith('Кефир'))?.deleted).toBe(true);
  });

  it('refuses a product without a group and one with a wrong barcode check digit, naming each', () => {
    expect(batch.refused.map((r) => [r.id, r.code])).toEqual([
      ['6f1a0c1e-1111-4111-8111-000000000005', 'missing_group'],
      ['6f1a0c1e-1111-4111-8111-000000000006', 'invalid_barcode'],
    ]);
  });
});

describe('CommerceML VAT rates and marked goods', () => {
  const product = (inner: string, classifier = ''): Buffer =>
    xml(
      `<Классификатор><Группы><Группа><Ид>g</Ид><Наименование>Группа</Наименование></Группа></Группы>${classifier}</Классификатор>` +
        `<Каталог><Товары><Товар><Ид>p</Ид><Наименование>Товар</Наименование><Группы><Ид>g</Ид></Группы>${inner}</Товар></Товары></Каталог>`,
    );
  const read = (inner: string, classifier = '') => parseCommerceMl(product(inner, classifier));

  it('takes the sample catalogue VAT from СтавкиНалогов or a СтавкаНДС requisite, and its marked shoes from a property', () => {
    const batch = parseCommerceMl(sample('import.xml'));
    const byName = (start: string) => batch.products.find((p) => p.name.startsWith(start));
    expect(byName('Молоко')).toMatchObject({ vat: 'vat10', marked: false });
    expect(byName('Сыр')).toMatchObject({ vat: 'vat10', marked: false });
    expect(byName('Кроссовки')).toMatchObject({ vat: 'vat22', marked: true });
    // Nothing stated: the product keeps its VAT (the till's default for a new one).
    expect(byName('Яблоки')).not.toHaveProperty('vat');
  });

  it('reads every rate the till prints, with or without a percent sign, and "без НДС"', () => {
    const rate = (r: string) => read(`<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>${r}</Ставка></СтавкаНалога></СтавкиНалогов>`);
    expect(['22', '20%', '10', '7', '5 %', '0', 'Без НДС', 'без налога'].map((r) => rate(r).products[0]?.vat)).toEqual([
      'vat22',
      'vat20',
      'vat10',
      'vat7',
      'vat5',
      'vat0',
      'none',
      'none',
    ]);
  });

  it('picks НДС among several taxes, and refuses a product whose VAT rate the till cannot print, naming it', () => {
    const two = read(
      '<СтавкиНалогов><СтавкаНалога><Наименование>Акциз</Наименование><Ставка>3</Ставка></СтавкаНалога><СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка></СтавкаНалога></СтавкиНалогов>',
    );
    expect(two.products[0]?.vat).toBe('vat20');
    const bad = read('<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>18</Ставка></СтавкаНалога></СтавкиНалогов>');
    expect(bad.products).toEqual([]);
    expect(bad.refused).toEqual([{ kind: 'product', id: 'p', code: 'invalid_vat', message: expect.stringContaining('18') }]);
  });

  it('finds marked goods by a flag requisite, a property with a text value, an accounting feature or a product kind', () => {
    const req = (name: string, value: string) =>
      read(`<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>${name}</Наименование><Значение>${value}</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>`)
        .products[0]?.marked;
    expect(req('Маркируемый', 'true')).toBe(true);
    expect(req('Подлежит маркировке', 'Да')).toBe(true);
    expect(req('Маркируемый', 'false')).toBe(false);
    expect(req('ОсобенностьУчета', 'Обувная продукция')).toBe(true);
    expect(req('ОсобенностьУчета', 'Без особенностей учета')).toBe(false);
    expect(req('ОсобенностьУчета', 'Алкогольная продукция')).toBe(false);
    expect(req('ВидНоменклатуры', 'Обувь маркируемая')).toBe(true);
    expect(req('ВидНоменклатуры', 'Немаркируемый товар')).toBe(false);
    expect(req('ВидНоменклатуры', 'Товар')).toBe(false);
    const property = read(
      '<ЗначенияСвойств><ЗначениеСвойства><Ид>m</Ид><Значение>да</Значение></ЗначениеСвойства></ЗначенияСвойств>',
      '<Свойства><Свойство><Ид>m</Ид><Наименование>Маркировка</Наименование></Свойство></Свойства>',
    );
    expect(property.products[0]?.marked).toBe(true);
    expect(read('').products[0]).toMatchObject({ marked: false });
  });

  it('never takes a rate the till does not know, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (raw) => {
        const vat = vatOf(raw);
        expect(vat === null || (VAT_RATES as readonly string[]).includes(vat)).toBe(true);
      }),
    );
  });
});

describe('CommerceML offers.xml', () => {
  it('takes the retail price type in kopecks, per store when the offer names stores', () => {
    const batch = parseCommerceMl(sample('offers.xml'));
    expect(batch.prices).toEqual([
      { productId: '6f1a0c1e-1111-4111-8111-000000000001', storeExternalIds: null, priceKopecks: 8990, deleted: false },
      { productId: '6f1a0c1e-1111-4111-8111-000000000002', storeExternalIds: ['wh-tverskaya'], priceKopecks: 74900, deleted: false },
      { productId: '6f1a0c1e-1111-4111-8111-000000000099', storeExternalIds: null, priceKopecks: 1000, deleted: false },
    ]);
    expect(batch.refused).toEqual([expect.objectContaining({ id: '6f1a0c1e-1111-4111-8111-000000000003', code: 'invalid_price' })]);
  });

  it('takes another price type by name, and refuses a type the package does not list', () => {
    const wholesale = parseCommerceMl(sample('offers.xml'), { priceType: 'Оптовая' });
    expect(wholesale.prices[0]?.priceKopecks).toBe(7110);
    const unknown = parseCommerceMl(sample('offers.xml'), { priceType: 'Нет такой' });
    expect(unknown.prices).toEqual([]);
    expect(unknown.refused[0]?.code).toBe('unknown_price_type');
  });

  it('reads windows-1251 files as 1C writes them', () => {
    const text =
      '<?xml version="1.0" encoding="windows-1251"?><КоммерческаяИнформация><Классификатор><Группы><Группа><Ид>g</Ид><Наименование>Хлеб</Наименование></Группа></Группы></Классификатор></КоммерческаяИнформация>';
    const bytes = Buffer.from([...text].map((ch) => (ch.charCodeAt(0) < 128 ? ch.charCodeAt(0) : ch.charCodeAt(0) - 0x410 + 0xc0)));
    expect(parseCommerceMl(bytes).categories).toEqual([{ id: 'g', name: 'Хлеб', parentId: null }]);
  });
});

describe('hostile XML', () => {
  it('refuses a DOCTYPE: internal entities (billion laughs) and external ones (XXE)', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><КоммерческаяИнформация><Классификатор><Группы><Группа><Ид>g</Ид><Наименование>&lol2;</Наименование></Группа></Группы></Классификатор></КоммерческаяИнформация>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><КоммерческаяИнформация><Классификатор><Группы><Группа><Ид>g</Ид><Наименование>&xxe;</Наименование></Группа></Группы></Классификатор></КоммерческаяИнформация>`;
    expect(refusedCode(() => parseCommerceMl(Buffer.from(laughs)))).toBe('xml_doctype_refused');
    expect(refusedCode(() => parseCommerceMl(Buffer.from(xxe)))).toBe('xml_doctype_refused');
  });

  it('refuses a file over the size bound before reading it', () => {
    expect(refusedCode(() => parseCommerceMl(new Uint8Array(IMPORT_LIMITS.maxBytes + 1)))).toBe('file_too_large');
  });

  it('refuses nesting deeper than any exchange file without overflowing the stack', () => {
    const deep = `<КоммерческаяИнформация>${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</КоммерческаяИнформация>`;
    expect(refusedCode(() => parseCommerceMl(Buffer.from(deep)))).toBe('xml_invalid');
  });

  it('refuses a document that is not CommerceML, and broken XML with its line', () => {
    expect(refusedCode(() => parseCommerceMl(Buffer.from('<yml_catalog/>')))).toBe('not_commerceml');
    expect(refusedCode(() => parseCommerceMl(Buffer.from('<КоммерческаяИнформация>\n<Каталог></Товары>')))).toBe('xml_invalid');
  });

  it('never throws anything but an ImportError, whatever the bytes', () => {
    const fragments = [
      '<КоммерческаяИнформация>',
      '</КоммерческаяИнформация>',
      '<Классификатор>',
      '<Группы>',
      '<Группа>',
      '<Ид>',
      '</Ид>',
      '<Каталог>',
      '<Товары>',
      '<Товар>',
      '</Товар>',
      '<Наименование>',
      '</Наименование>',
      '&amp;',
      '&#0;',
      '&#xD800;',
      '<![CDATA[',
      ']]>',
      '<!--',
      '-->',
      '<?x ?>',
      '"',
      "'",
      '=',
      'x',
      '\u0000',
      '\uD800',
      '4111111111111111',
    ];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string()), { maxLength: 60 }), (parts) => {
        const code = refusedCode(() => parseCommerceMl(Buffer.from(parts.join(''))));
        expect(typeof code).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a record with a card number out (never echoing it) and reads the rest; a NUL reference never reaches a name', () => {
    const batch = parseCommerceMl(
      xml(
        `<Классификатор><Группы><Группа><Ид>g</Ид><Наименование>Группа</Наименование></Группа><Группа><Ид>c</Ид><Наименование>4111 1111 1111 1111</Наименование></Группа><Группа><Ид>n</Ид><Наименование>a&#0;b</Наименование></Группа></Группы></Классификатор>`,
      ),
    );
    expect(batch.categories.map((c) => c.id)).toEqual(['g', 'n']);
    expect(batch.categories.some((c) => c.name.includes('\u0000'))).toBe(false);
    expect(batch.refused).toEqual([{ kind: 'category', id: 'c', code: 'card_number_in_text', message: expect.any(String) }]);
    expect(JSON.stringify(batch.refused)).not.toContain('4111');
  });
});

describe('prices in roubles', () => {
  it('become exact kopecks for every amount with at most two decimals, in either decimal mark', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), fc.boolean(), (kopecks, comma) => {
        const text = `${Math.floor(kopecks / 100)}${comma ? ',' : '.'}${String(kopecks % 100).padStart(2, '0')}`;
        expect(parseRoubles(text)).toBe(kopecks);
      }),
    );
  });

  it('refuse three decimals, signs and words rather than round them', () => {
    for (const bad of ['1.005', '-5', '+5', '5e3', 'NaN', '', '1.2.3', '١٢']) expect(parseRoubles(bad)).toBeNull();
  });
});
