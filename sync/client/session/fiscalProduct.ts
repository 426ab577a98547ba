import type { FiscalProduct } from '../../../core/fiscal/receiptPositions';
import type { ProductItem } from '../../protocol/pull';

/** What the receipt needs of a catalogue product: its name, VAT rate (else the default) and marking. */
export function fiscalProduct(p: Pick<ProductItem, 'name' | 'vat' | 'marked'>): FiscalProduct {
  return { name: p.name, ...(p.vat ? { vat: p.vat } : {}), ...(p.marked ? { marked: true } : {}) };
}
