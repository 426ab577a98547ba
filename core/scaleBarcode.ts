import { z } from 'zod';
import { gtinCheckDigit, gtinValid } from './luhn';

/**
 * In-store scale barcodes: EAN-13 in the GS1 restricted-circulation range (prefix 20–29)
 * printed on labels by the store's own scales. Common Russian practice (CAS, Масса-К, Штрих
 * label scales, 1C "весовой товар"):
 *
 *     PP IIIII VVVVV C    PP prefix, IIIII item code (PLU), VVVVV grams or kopecks, C check digit
 *
 * Each chain decides per prefix what the value means and how the 10 middle digits are split
 * (e.g. 6 + 4 when item codes run past 99 999), so the layout comes from chain settings:
 *
 *     { prefixes: { '22': { kind: 'weight', itemDigits: 5, valueDigits: 5 },
 *                   '23': { kind: 'price', itemDigits: 5, valueDigits: 5 } } }
 */
export const ScaleBarcodeRule = z
  .object({
    /** 'weight': the value is a weight; 'price': the value is the label's price. */
    kind: z.enum(['weight', 'price']),
    itemDigits: z.number().int().min(1).max(9),
    valueDigits: z.number().int().min(1).max(9),
    /**
     * Grams (weight) or kopecks (price) per unit of the value field: 1 as a rule; 10 for a
     * scale printing weight in tens of grams, 100 for one printing whole roubles.
     */
    unit: z.union([z.literal(1), z.literal(10), z.literal(100), z.literal(1000)]).default(1),
  })
  .strict()
  .refine((r) => r.itemDigits + r.valueDigits === 10, {
    message: 'itemDigits + valueDigits must be 10 (prefix 2 + 10 + check digit 1 = 13)',
    path: ['valueDigits'],
  });
export type ScaleBarcodeRule = z.infer<typeof ScaleBarcodeRule>;

export const ScaleBarcodeSettings = z
  .object({
    prefixes: z.record(z.string().regex(/^2\d$/, 'a two-digit prefix from 20 to 29'), ScaleBarcodeRule),
  })
  .strict();
export type ScaleBarcodeSettings = z.infer<typeof ScaleBarcodeSettings>;
export type ScaleBarcodeSettingsInput = z.input<typeof ScaleBarcodeSettings>;

export type ScaleBarcode =
  | { kind: 'weight'; barcode: string; prefix: string; itemCode: string; grams: number }
  | { kind: 'price'; barcode: string; prefix: string; itemCode: string; priceKopecks: number };

export type ScaleBarcodeResult =
  | { ok: true; value: ScaleBarcode }
  /** notScaleBarcode: not 13 digits, or no rule for its prefix; zeroValue: a label for nothing. */
  | { ok: false; reason: 'notScaleBarcode' | 'badCheckDigit' | 'zeroValue' };

/** The rule for a 13-digit code's prefix, if the chain has one. */
export function scaleRuleFor(text: string, settings: ScaleBarcodeSettings): ScaleBarcodeRule | undefined {
  if (!/^\d{13}$/.test(text)) return undefined;
  return settings.prefixes[text.slice(0, 2)];
}

export function decodeScaleBarcode(text: string, settings: ScaleBarcodeSettings): ScaleBarcodeResult {
  const rule = scaleRuleFor(text, settings);
  if (!rule) return { ok: false, reason: 'notScaleBarcode' };
  if (!gtinValid(text)) return { ok: false, reason: 'badCheckDigit' };
  const prefix = text.slice(0, 2);
  const itemCode = text.slice(2, 2 + rule.itemDigits);
  const value = Number(text.slice(2 + rule.itemDigits, 12)) * rule.unit;
  if (value === 0) return { ok: false, reason: 'zeroValue' };
  return {
    ok: true,
    value:
      rule.kind === 'weight'
        ? { kind: 'weight', barcode: text, prefix, itemCode, grams: value }
        : { kind: 'price', barcode: text, prefix, itemCode, priceKopecks: value },
  };
}

/**
 * The barcode a label scale would print (tests, demo labels, reprinting). Throws RangeError
 * when the prefix has no rule or the item code or value does not fit the rule.
 */
export function encodeScaleBarcode(settings: ScaleBarcodeSettings, prefix: string, itemCode: string, value: number): string {
  const rule = settings.prefixes[prefix];
  if (!rule) throw new RangeError(`no scale barcode rule for prefix ${prefix}`);
  if (!new RegExp(`^\\d{1,${rule.itemDigits}}$`).test(itemCode)) throw new RangeError(`item code must be 1 to ${rule.itemDigits} digits`);
  if (!Number.isSafeInteger(value) || value <= 0 || value % rule.unit !== 0) throw new RangeError('value must be a positive multiple of the unit');
  const field = String(value / rule.unit);
  if (field.length > rule.valueDigits) throw new RangeError(`value does not fit in ${rule.valueDigits} digits`);
  const body = prefix + itemCode.padStart(rule.itemDigits, '0') + field.padStart(rule.valueDigits, '0');
  return body + String(gtinCheckDigit(body));
}

/** Scale prefixes that the loyalty card prefix would shadow (cards are recognised first). */
export function scalePrefixConflicts(settings: ScaleBarcodeSettings, cardPrefix: string): string[] {
  return Object.keys(settings.prefixes).filter((p) => p.startsWith(cardPrefix) || cardPrefix.startsWith(p));
}
