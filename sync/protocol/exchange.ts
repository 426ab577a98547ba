import { z } from 'zod';

/**
 * What a catalogue import (CommerceML or CSV) answers, shared by the server's API description and
 * head office's import page: counts per kind of record, the first changes and refusals (each
 * with a code the page words in the reader's language, the record's id and, for CSV, its line).
 */
const Counts = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), deleted: z.number().int() });

export const ImportReport = z.object({
  chainId: z.number().int(),
  source: z.enum(['commerceml', 'csv']),
  onlyChanges: z.boolean(),
  categories: Counts,
  products: Counts,
  stores: Counts,
  prices: Counts,
  changes: z.array(
    z.object({
      kind: z.enum(['category', 'product', 'store', 'price']),
      id: z.string(),
      action: z.enum(['created', 'updated', 'deleted']),
      storeId: z.number().int().optional(),
    }),
  ),
  refused: z.array(
    z.object({
      kind: z.enum(['category', 'product', 'store', 'price', 'document']),
      id: z.string().nullable(),
      code: z.string(),
      /** English, for logs and IT; the page words the code instead. */
      message: z.string(),
      line: z.number().int().optional(),
    }),
  ),
  refusedTotal: z.number().int(),
  /** A preview: the report of what the file would change; nothing was written. */
  preview: z.boolean().optional(),
});
export type ImportReportWire = z.infer<typeof ImportReport>;
