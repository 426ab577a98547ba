import { z } from 'zod';
import { ProgrammeSchema, type Programme } from '../../core/engine';
import { VAT_RATES } from '../../core/fiscal/receiptPositions';
import type { Api, ApiError } from './api';

/** What several screens look things up in: the chain's programme, regions, stores and categories. */
export const StoreItem = z.object({
  id: z.number().int(),
  name: z.string(),
  regionId: z.number().int().nullable(),
  region: z.string().nullable(),
  timeZone: z.string(),
  tills: z.number().int(),
});
export type StoreItem = z.infer<typeof StoreItem>;
export const Stores = z.object({ stores: z.array(StoreItem) });
export const Regions = z.object({ regions: z.array(z.object({ id: z.number().int(), name: z.string() })) });
export const ProductItem = z.object({
  id: z.string(),
  name: z.string(),
  ean: z.string().nullable(),
  categories: z.array(z.string()),
  weighed: z.boolean(),
  priceKopecks: z.number().int().nullable(),
  /** The VAT rate printed on the receipt; null: the till's default. */
  vat: z.enum(VAT_RATES).nullable().optional(),
  /** Marked goods (Честный ЗНАК). */
  marked: z.boolean().optional(),
});
export type ProductItem = z.infer<typeof ProductItem>;
export const Catalogue = z.object({
  categories: z.array(z.object({ id: z.string(), name: z.string(), parentId: z.string().nullable() })),
  products: z.array(ProductItem),
});
export type Catalogue = z.infer<typeof Catalogue>;

export interface Reference {
  programme: Programme;
  stores: StoreItem[];
  regions: { id: number; name: string }[];
  catalogue: Catalogue;
}

export async function loadReference(api: Api, chainId: number): Promise<{ ok: true; value: Reference } | { ok: false; error: ApiError }> {
  const base = `/api/v1/admin/chains/${chainId}`;
  const [p, s, r, c] = await Promise.all([
    api.call(z.object({ programme: ProgrammeSchema }), 'GET', `${base}/programme`),
    api.call(Stores, 'GET', `${base}/stores`, { query: { limit: 500 } }),
    api.call(Regions, 'GET', `${base}/regions`),
    api.call(Catalogue, 'GET', `${base}/catalogue`, { query: { limit: 50 } }),
  ]);
  for (const x of [p, s, r, c]) if (!x.ok) return { ok: false, error: x.error };
  if (!p.ok || !s.ok || !r.ok || !c.ok) throw new Error('unreachable');
  return { ok: true, value: { programme: p.value.programme, stores: s.value.stores, regions: r.value.regions, catalogue: c.value } };
}
