import type { QuickKeySetting } from '../../protocol/deskSettings';
import type { ProductItem } from '../../protocol/pull';

/**
 * Type-ahead over the till's cached catalogue, offline: a store's few thousand products are
 * held in memory once per catalogue load, so each keystroke is a scan of short strings (no
 * IndexedDB round trip per key). Words match anywhere in the name; codes match from the start.
 */
export interface SearchIndex {
  products: readonly ProductItem[];
  names: readonly string[];
}

function fold(text: string): string {
  return text.toLowerCase().replace(/ё/g, 'е');
}

export function buildSearchIndex(products: readonly ProductItem[]): SearchIndex {
  const sorted = [...products].sort((a, b) => a.name.localeCompare(b.name, 'ru'));
  return { products: sorted, names: sorted.map((p) => fold(p.name)) };
}

export function searchProducts(index: SearchIndex, query: string, limit = 12): ProductItem[] {
  const q = fold(query.trim());
  if (!q) return [];
  const words = q.split(/\s+/);
  const exact: ProductItem[] = [];
  const starts: ProductItem[] = [];
  const contains: ProductItem[] = [];
  index.products.forEach((p, i) => {
    const name = index.names[i]!;
    if (p.ean === q || fold(p.id) === q) exact.push(p);
    else if (p.ean?.startsWith(q) || fold(p.id).startsWith(q) || name.startsWith(q)) starts.push(p);
    else if (words.every((w) => name.includes(w))) contains.push(p);
  });
  return [...exact, ...starts, ...contains].slice(0, limit);
}

/** Products the catalogue puts on quick keys (unbarcoded goods sold often), in key order. */
export function quickKeyProducts(products: readonly ProductItem[], max = 9): ProductItem[] {
  return products
    .filter((p): p is ProductItem & { quickKey: number } => typeof p.quickKey === 'number' && p.quickKey >= 1 && p.quickKey <= max)
    .sort((a, b) => a.quickKey - b.quickKey)
    .filter((p, i, all) => i === 0 || all[i - 1]!.quickKey !== p.quickKey);
}

/**
 * The quick keys on screen: head office's (desk settings, each key naming a product of the
 * catalogue; a product not sold in this store leaves its key empty) when it set them, else the
 * catalogue's own.
 */
export function deskQuickKeys(products: readonly ProductItem[], keys: readonly QuickKeySetting[] | undefined, max = 9): ProductItem[] {
  if (!keys) return quickKeyProducts(products, max);
  const byId = new Map(products.map((p) => [p.id, p]));
  return keys
    .filter((k) => k.key >= 1 && k.key <= max)
    .flatMap((k) => {
      const p = byId.get(k.productId);
      return p ? [{ ...p, quickKey: k.key }] : [];
    })
    .sort((a, b) => a.quickKey - b.quickKey);
}
