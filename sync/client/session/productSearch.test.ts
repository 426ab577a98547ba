import { describe, expect, it } from 'vitest';
import type { ProductItem } from '../../protocol/pull';
import { buildSearchIndex, quickKeyProducts, searchProducts } from './productSearch';

const product = (id: string, name: string, ean: string | null = null, quickKey?: number): ProductItem => ({
  id,
  ean,
  name,
  categories: ['x'],
  priceKopecks: 100,
  weighed: false,
  deleted: false,
  ...(quickKey ? { quickKey } : {}),
});

const catalogue = [
  product('p1', 'Молоко 3,2% 1 л', '4600000000011'),
  product('p2', 'Хлеб Бородинский', '4600000000028'),
  product('p3', 'Йогурт с молоком и ёжевикой', null),
  product('p4', 'Ёлочная игрушка', null, 2),
  product('p5', 'Пакет майка', null, 1),
];
const index = buildSearchIndex(catalogue);

describe('product search', () => {
  it('finds by the start of a name first, then by words anywhere, ignoring case and ё', () => {
    expect(searchProducts(index, 'мол').map((p) => p.id)).toEqual(['p1', 'p3']);
    expect(searchProducts(index, 'ЕЛОЧ').map((p) => p.id)).toEqual(['p4']);
    expect(searchProducts(index, 'йогурт ежев').map((p) => p.id)).toEqual(['p3']);
  });

  it('finds by code: an exact barcode or id first, then codes starting with what was typed', () => {
    expect(searchProducts(index, '4600000000028').map((p) => p.id)).toEqual(['p2']);
    expect(searchProducts(index, '460000').map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(searchProducts(index, 'p5').map((p) => p.id)).toEqual(['p5']);
  });

  it('finds nothing for an empty query or an unknown word, and stops at the limit', () => {
    expect(searchProducts(index, '   ')).toEqual([]);
    expect(searchProducts(index, 'сыр')).toEqual([]);
    expect(searchProducts(index, 'о', 2)).toHaveLength(2);
  });

  it('quick keys come in key order, one product per key', () => {
    expect(quickKeyProducts([...catalogue, product('p6', 'Второй на 1', null, 1)]).map((p) => p.id)).toEqual(['p5', 'p4']);
  });
});
