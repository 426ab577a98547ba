import { z } from 'zod';
import { VAT_RATES } from '../../core/fiscal/receiptPositions';
import { TAXATION_TYPES } from './atolWebSchemas';

/**
 * The `fiscal` section of the device config file: which fiscal register the till uses.
 * Absent: the till has no fiscal register (a non-fiscal demo or a store outside 54-FZ).
 */
export const AtolWebFiscalConfig = z
  .object({
    kind: z.literal('atol-web'),
    /** The ATOL driver's web server (its own default port is 16732). */
    url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:16732'),
    /** Pause between two polls for a task's result. */
    pollIntervalMs: z.number().int().min(10).max(5_000).default(250),
    /** Limit for one HTTP exchange with the web server. */
    requestTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** How long a receipt or report may take, printing included, before the till stops waiting. */
    taskTimeoutMs: z.number().int().min(1_000).max(600_000).default(60_000),
    /** How long to wait for the operator's (Честный ЗНАК) answer on a marking code. */
    markingTimeoutMs: z.number().int().min(1_000).max(120_000).default(15_000),
    /** Система налогообложения; needed only when the register is registered with more than one. */
    taxationType: z.enum(TAXATION_TYPES).optional(),
    /** VAT rate for products the catalogue gives none. */
    defaultVat: z.enum(VAT_RATES).default('vat22'),
    /**
     * Bonuses spent: folded into position prices ('discount') or a payment of type "other". Only a
     * fallback: the chain's programme setting (`fiscalBonuses`, set by head office and pulled with
     * the programme) wins once the till has it; this value serves a till with no programme yet or
     * a chain that has not chosen.
     */
    bonuses: z.enum(['discount', 'otherPayment']).default('discount'),
    /** Characters per line of the register's paper for non-fiscal text (a receipt's copy): 48 on 80 mm, 32 on 57 mm; absent: 48. */
    lineWidth: z.number().int().min(24).max(48).optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export const FiscalConfig = z.discriminatedUnion('kind', [AtolWebFiscalConfig]);
export type FiscalConfig = z.infer<typeof FiscalConfig>;
export type AtolWebFiscalConfig = z.infer<typeof AtolWebFiscalConfig>;
