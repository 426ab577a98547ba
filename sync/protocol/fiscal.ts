import { z } from 'zod';
import { PAYMENT_OBJECTS, POSITION_VAT_RATES, VAT_RATES } from '../../core/fiscal/receiptPositions';

/**
 * The fiscal register (54-FZ) as the till's renderer and its host speak of it: the wire form
 * of drivers/fiscal/fiscalRegister.ts. The shapes are the driver's (the host passes a parsed
 * value straight to the register), written again here because the protocol room may not
 * import drivers; the host's type check keeps the two in step.
 */

const kopecks = z.number().int().min(0).max(100_000_000_000);
const tillId = z.string().min(1).max(64);

export const FISCAL_ERROR_CODES = [
  'offline',
  'busy',
  'timeout',
  'badAnswer',
  'paperOut',
  'coverOpen',
  'printerFault',
  'shiftClosed',
  'shiftExpired',
  'shiftAlreadyOpen',
  'notEnoughCash',
  'markingRejected',
  'invalidRequest',
  'fiscalDrive',
  'deviceError',
] as const;
export type FiscalErrorCode = (typeof FISCAL_ERROR_CODES)[number];

export const FiscalError = z.object({
  code: z.enum(FISCAL_ERROR_CODES),
  detail: z.string().max(2_000),
  vendorCode: z.number().int().optional(),
  outcomeUnknown: z.boolean(),
});
export type FiscalError = z.infer<typeof FiscalError>;

export const FiscalCashier = z
  .object({
    name: z.string().trim().min(1).max(128),
    inn: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
  })
  .strict();

export const FiscalPosition = z
  .object({
    lineId: tillId,
    name: z.string().min(1).max(256),
    priceKopecks: kopecks,
    quantityMilli: z.number().int().min(1).max(1_000_000_000),
    amountKopecks: kopecks,
    unit: z.enum(['piece', 'kilogram']),
    vat: z.enum(POSITION_VAT_RATES),
    paymentObject: z.enum(PAYMENT_OBJECTS),
    paymentMethod: z.literal('advance').optional(),
    markingCode: z.string().min(1).max(1024).optional(),
  })
  .strict();

export const FiscalPayment = z.object({ kind: z.enum(['cash', 'card', 'bonus', 'prepaid']), amountKopecks: kopecks }).strict();

export const FiscalReceipt = z
  .object({
    receiptId: tillId,
    positions: z.array(FiscalPosition).min(1).max(1_000),
    payments: z.array(FiscalPayment).min(1).max(10),
    cashier: FiscalCashier,
    customerContact: z.string().max(254).optional(),
    print: z.boolean().optional(),
    textLines: z.array(z.string().max(200)).max(50).optional(),
    /** A QR code printed after the text lines (the feedback link, issue 16). */
    qrCode: z.string().min(1).max(500).optional(),
  })
  .strict()
  .refine((r) => r.positions.reduce((s, p) => s + p.amountKopecks, 0) === r.payments.reduce((s, p) => s + p.amountKopecks, 0), {
    path: ['payments'],
    message: 'payments must add up to the positions',
  });
export type FiscalReceipt = z.infer<typeof FiscalReceipt>;

/** The marker `startFiscalisation` makes: stored durably before the register is sent the receipt. */
export const PendingFiscalisation = z
  .object({ kind: z.enum(['sell', 'sellReturn']), receipt: FiscalReceipt, lastDocumentBefore: z.number().int().min(0) })
  .strict();
export type PendingFiscalisation = z.infer<typeof PendingFiscalisation>;

export const FiscalDocument = z.object({
  documentNumber: z.number().int().min(0),
  fiscalSign: z.string().max(20),
  dateTime: z.string().max(40),
  shiftNumber: z.number().int().optional(),
  receiptNumber: z.number().int().optional(),
  totalKopecks: kopecks.optional(),
  fnNumber: z.string().max(32).optional(),
  registrationNumber: z.string().max(32).optional(),
  notPrinted: z.boolean(),
});
export type FiscalDocument = z.infer<typeof FiscalDocument>;

export const Fiscalised = z.object({ document: FiscalDocument, recovered: z.boolean() });
export type Fiscalised = z.infer<typeof Fiscalised>;

export const ShiftReport = z.object({ document: FiscalDocument, shiftNumber: z.number().int(), receiptsCount: z.number().int().optional() });
export type ShiftReport = z.infer<typeof ShiftReport>;

export const ShiftStatus = z.object({ state: z.enum(['closed', 'opened', 'expired']), number: z.number().int(), expiresAt: z.string().optional() });
export type ShiftStatus = z.infer<typeof ShiftStatus>;

const RegisterReceiptTotals = z.object({
  count: z.number().int().min(0),
  totalKopecks: kopecks,
  cashKopecks: kopecks,
  cardKopecks: kopecks,
  otherKopecks: kopecks,
});
const CountTotal = z.object({ count: z.number().int().min(0), totalKopecks: kopecks });

/** The register's own counters for the shift (getShiftTotals), for the manager screen. */
export const RegisterShiftTotals = z.object({
  shiftNumber: z.number().int().min(0),
  sell: RegisterReceiptTotals,
  sellReturn: RegisterReceiptTotals,
  cashIn: CountTotal,
  cashOut: CountTotal,
  cashInDrawerKopecks: kopecks,
});
export type RegisterShiftTotals = z.infer<typeof RegisterShiftTotals>;

export const CashMovement = z
  .object({ operationId: tillId, amountKopecks: kopecks.min(1), cashier: FiscalCashier, reason: z.string().max(64).optional() })
  .strict();

export const CashMovementResult = z.object({ cashInDrawerKopecks: kopecks });

export const MarkingCodeRequest = z
  .object({
    code: z.string().min(1).max(1024),
    operation: z.enum(['sell', 'return']),
    quantityMilli: z.number().int().min(1).max(1_000_000_000).optional(),
  })
  .strict();
export const MarkingCodeCheck = z.object({ code: z.string(), checkedOnline: z.boolean() });
export type MarkingCodeCheck = z.infer<typeof MarkingCodeCheck>;

/** A register's answer: its value, or an error code the till words for the cashier. */
export function fiscalResult<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: FiscalError })]);
}
export type FiscalResult<T> = { ok: true; value: T } | { ok: false; error: FiscalError };

/** What the till needs to build receipts for the configured register (HostStatus.fiscal). */
export const FiscalSettings = z.object({
  defaultVat: z.enum(VAT_RATES),
  bonuses: z.enum(['discount', 'otherPayment']),
  /** Characters per line of non-fiscal text on the register's paper (device config `lineWidth`); absent: 48. */
  lineWidth: z.number().int().min(24).max(48).optional(),
});
export type FiscalSettings = z.infer<typeof FiscalSettings>;

/** At most this many characters on a line of non-fiscal text: an 80 mm ATOL paper's width. */
export const PRINT_TEXT_WIDTH = 48;
/** Lines of plain text for `printText`: bounded, and nothing a printer would read as a command. */
export const PrintTextLines = z
  .array(
    z
      .string()
      .max(PRINT_TEXT_WIDTH)
      .regex(/^[^\p{Cc}]*$/u, 'no control characters'),
  )
  .min(1)
  .max(200);

/** The `fiscal` host request: one action on the register. */
export const FiscalRequest = z.discriminatedUnion('action', [
  z.object({ op: z.literal('fiscal'), action: z.literal('status') }),
  /** The register's counters for the shift: answers RegisterShiftTotals. */
  z.object({ op: z.literal('fiscal'), action: z.literal('totals') }),
  z.object({ op: z.literal('fiscal'), action: z.literal('lastDocument') }),
  /** startFiscalisation: answers the PendingFiscalisation to store before `fiscalise`. */
  z.object({ op: z.literal('fiscal'), action: z.literal('start'), kind: z.enum(['sell', 'sellReturn']), receipt: FiscalReceipt }),
  /** fiscaliseOnce: answers Fiscalised; safe to repeat with the same marker after any failure or crash. */
  z.object({ op: z.literal('fiscal'), action: z.literal('fiscalise'), pending: PendingFiscalisation }),
  z.object({ op: z.literal('fiscal'), action: z.enum(['openShift', 'reportX', 'closeShift']), cashier: FiscalCashier }),
  z.object({ op: z.literal('fiscal'), action: z.enum(['cashIn', 'cashOut']), movement: CashMovement }),
  /** Opens the cash drawer wired to the register, without a sale (manager screen). */
  z.object({ op: z.literal('fiscal'), action: z.literal('openCashDrawer') }),
  /** A marking code checked with the register (and the operator) before it goes on a receipt. */
  z.object({ op: z.literal('fiscal'), action: z.literal('validateMarking'), request: MarkingCodeRequest }),
  /** Non-fiscal text on the register's paper (a receipt's copy): answers null. */
  z.object({ op: z.literal('fiscal'), action: z.literal('printText'), lines: PrintTextLines }),
]);
export type FiscalRequest = z.infer<typeof FiscalRequest>;

/** What `status` answers. */
export const FiscalStatusAnswer = z.object({ shift: ShiftStatus });
