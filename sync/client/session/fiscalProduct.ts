import { CERTIFICATE_CATEGORY } from '../../../core/engine';
import type { FiscalProduct } from '../../../core/fiscal/receiptPositions';
import type { ProductItem } from '../../protocol/pull';

/** What the receipt needs of a catalogue product: its name, VAT rate (else the default) and marking; a gift certificate is an advance. */
export function fiscalProduct(p: Pick<ProductItem, 'name' | 'vat' | 'marked'> & { categories?: readonly string[] }): FiscalProduct {
  return {
    name: p.name,
    ...(p.vat ? { vat: p.vat } : {}),
    ...(p.marked ? { marked: true } : {}),
    ...(p.categories?.includes(CERTIFICATE_CATEGORY) ? { advance: true } : {}),
  };
}
