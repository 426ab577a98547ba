import { z } from 'zod';

/**
 * ATOL driver v10 JSON tasks and answers, as sent through the driver's web server
 * (POST /api/v2/requests {uuid, request: [task]}, then GET /api/v2/requests/{uuid}).
 * Written from ATOL's public JSON task documentation and the driver's own task
 * validators; only the tasks and fields this till uses are modelled.
 *
 * The task schemas are stricter than the vendor in three ways, so that the simulator
 * catches the adapter's mistakes: unknown fields are refused (a misspelt field would be
 * silently ignored by the register), money has at most 2 decimals and quantities at most 3.
 */

const decimals = (places: number) => (n: number) => {
  const scaled = n * 10 ** places;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
};

/** Roubles as a JSON number (the vendor's format), never more than kopeck precision. */
export const Roubles = z.number().finite().min(0).max(99_999_999.99).refine(decimals(2), 'at most 2 decimals (kopecks)');
/** Quantity in pieces or kg, at most 3 decimals (grams). */
export const Quantity = z.number().finite().positive().max(100_000).refine(decimals(3), 'at most 3 decimals');

export const TAX_TYPES = ['none', 'vat0', 'vat5', 'vat7', 'vat10', 'vat20', 'vat22', 'vat105', 'vat107', 'vat110', 'vat120', 'vat122'] as const;
export const PAYMENT_TYPES = ['cash', 'electronically', 'prepaid', 'credit', 'other'] as const;
export const PAYMENT_METHODS = ['fullPrepayment', 'prepayment', 'advance', 'fullPayment', 'partialPayment', 'credit', 'creditPayment'] as const;
export const PAYMENT_OBJECTS = [
  'commodity',
  'excise',
  'job',
  'service',
  'payment',
  'another',
  'exciseWithoutMarking',
  'exciseWithMarking',
  'commodityWithoutMarking',
  'commodityWithMarking',
] as const;
/** Мера количества (tag 2108) for FFD 1.2. */
export const ITEM_UNITS = ['piece', 'gram', 'kilogram', 'ton', 'milliliter', 'liter', 'meter', 'otherUnits'] as const;
export const TAXATION_TYPES = ['osn', 'usnIncome', 'usnIncomeOutcome', 'esn', 'patent'] as const;
export const MARKING_CODE_TYPES = [
  'auto',
  'imcUnrecognized',
  'imcShort',
  'imcFmVerifyCode88',
  'imcVerifyCode44',
  'imcFmVerifyCode44',
  'imcVerifyCode4',
] as const;
/** Планируемый статус товара (tag 2003). */
export const ITEM_ESTIMATED_STATUSES = ['itemPieceSold', 'itemDryForSale', 'itemPieceReturn', 'itemDryReturn', 'itemStatusUnchanged'] as const;

const Operator = z.strictObject({
  name: z.string().min(1).max(64),
  vatin: z
    .string()
    .regex(/^\d{10}(\d{2})?$/)
    .optional(),
});

const TextItem = z.strictObject({
  type: z.literal('text'),
  text: z.string().max(2048),
  alignment: z.enum(['left', 'center', 'right']).optional(),
  wrap: z.enum(['none', 'chars', 'words']).optional(),
  font: z.number().int().min(0).max(10).optional(),
  doubleWidth: z.boolean().optional(),
  doubleHeight: z.boolean().optional(),
});

/** Результат проверки сведений о товаре (tag 2106), as returned by the marking check. */
export const ItemInfoCheckResult = z.object({
  imcCheckFlag: z.boolean(),
  imcCheckResult: z.boolean(),
  imcStatusInfo: z.boolean(),
  imcEstimatedStatusCorrect: z.boolean(),
  ecrStandAloneFlag: z.boolean(),
});
export type ItemInfoCheckResult = z.infer<typeof ItemInfoCheckResult>;

const Base64 = z
  .string()
  .min(4)
  .max(1024)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');

/**
 * imcParams of a receipt position, as the vendor's position validator reads it: the quantity and
 * its measure are the position's own (quantity, measurementUnit); itemQuantity and itemUnits
 * belong to beginMarkingCodeValidation only, and the register would silently ignore them here.
 */
const ImcParams = z.strictObject({
  /** The marking code, base64 of the raw scanned text (it holds GS characters). */
  imc: Base64,
  imcType: z.enum(MARKING_CODE_TYPES).optional(),
  itemEstimatedStatus: z.enum(ITEM_ESTIMATED_STATUSES),
  imcModeProcessing: z.number().int().min(0).max(255).optional(),
  itemInfoCheckResult: z.strictObject(ItemInfoCheckResult.shape).optional(),
});

const PositionItem = z.strictObject({
  type: z.literal('position'),
  name: z.string().min(1).max(128),
  price: Roubles,
  quantity: Quantity,
  amount: Roubles,
  infoDiscountAmount: Roubles.optional(),
  department: z.number().int().min(0).max(99).optional(),
  measurementUnit: z.enum(ITEM_UNITS).optional(),
  paymentMethod: z.enum(PAYMENT_METHODS).optional(),
  paymentObject: z.enum(PAYMENT_OBJECTS).optional(),
  tax: z.strictObject({ type: z.enum(TAX_TYPES), sum: Roubles.optional() }),
  imcParams: ImcParams.optional(),
});
export type AtolPosition = z.infer<typeof PositionItem>;

/** A barcode printed in the receipt's text part (ATOL: type barcode; QR for the feedback link, issue 16). */
const BarcodeItem = z.strictObject({
  type: z.literal('barcode'),
  barcode: z.string().min(1).max(500),
  barcodeType: z.enum(['QR']),
  alignment: z.enum(['left', 'center', 'right']).optional(),
  scale: z.number().int().min(1).max(10).optional(),
});

const ReceiptItem = z.discriminatedUnion('type', [PositionItem, TextItem, BarcodeItem]);

const Payment = z.strictObject({ type: z.enum(PAYMENT_TYPES), sum: Roubles });

const ReceiptTask = <T extends 'sell' | 'sellReturn'>(type: T) =>
  z.strictObject({
    type: z.literal(type),
    operator: Operator.optional(),
    electronically: z.boolean().optional(),
    taxationType: z.enum(TAXATION_TYPES).optional(),
    ignoreNonFiscalPrintErrors: z.boolean().optional(),
    clientInfo: z.strictObject({ emailOrPhone: z.string().min(3).max(64) }).optional(),
    items: z.array(ReceiptItem).min(1).max(1_000),
    payments: z.array(Payment).min(1).max(10),
    total: Roubles.optional(),
    postItems: z.array(TextItem).max(100).optional(),
  });

const ShiftTask = <T extends 'openShift' | 'closeShift' | 'reportX'>(type: T) =>
  z.strictObject({ type: z.literal(type), operator: Operator.optional(), electronically: z.boolean().optional() });

const CashTask = <T extends 'cashIn' | 'cashOut'>(type: T) =>
  z.strictObject({
    type: z.literal(type),
    cashSum: Roubles,
    operator: Operator.optional(),
    electronically: z.boolean().optional(),
    postItems: z.array(TextItem).max(100).optional(),
  });

const Bare = <T extends string>(type: T) => z.strictObject({ type: z.literal(type) });

export const AtolTask = z.discriminatedUnion('type', [
  ReceiptTask('sell'),
  ReceiptTask('sellReturn'),
  ShiftTask('openShift'),
  ShiftTask('closeShift'),
  ShiftTask('reportX'),
  CashTask('cashIn'),
  CashTask('cashOut'),
  Bare('openCashDrawer'),
  z.strictObject({ type: z.literal('nonFiscal'), items: z.array(TextItem).min(1).max(500), electronically: z.boolean().optional() }),
  Bare('getShiftStatus'),
  Bare('getShiftTotals'),
  Bare('getDeviceStatus'),
  z.strictObject({ type: z.literal('getLastFiscalParams'), forReceipt: z.boolean().optional() }),
  z.strictObject({
    type: z.literal('beginMarkingCodeValidation'),
    params: z.strictObject({
      imc: Base64,
      imcType: z.enum(MARKING_CODE_TYPES).optional(),
      itemEstimatedStatus: z.enum(ITEM_ESTIMATED_STATUSES),
      imcModeProcessing: z.number().int().min(0).max(255).optional(),
      itemQuantity: Quantity.optional(),
      itemUnits: z.enum(ITEM_UNITS).optional(),
    }),
  }),
  Bare('getMarkingCodeValidationStatus'),
  Bare('acceptMarkingCode'),
  Bare('declineMarkingCode'),
  Bare('cancelMarkingCodeValidation'),
  Bare('continuePrint'),
]);
export type AtolTask = z.infer<typeof AtolTask>;
export type AtolTaskType = AtolTask['type'];
export type AtolTaskOf<T extends AtolTaskType> = Extract<AtolTask, { type: T }>;

/** The body of POST /api/v2/requests. The vendor takes one task or a list; the till sends a list. */
export const AtolRequestEnvelope = z.object({
  uuid: z.string().min(1).max(64),
  request: z.union([z.array(z.unknown()).min(1).max(100), z.record(z.string(), z.unknown())]),
});

// ---- answers -------------------------------------------------------------------------

export const SUBTASK_STATUSES = ['wait', 'inProgress', 'ready', 'error', 'interrupted', 'blocked', 'canceled'] as const;
export type SubtaskStatus = (typeof SUBTASK_STATUSES)[number];

/**
 * One entry of GET /api/v2/requests/{uuid}. The web server reports errors as errorCode and
 * errorDescription; some versions nest them as error {code, description}: both are read.
 */
export const AtolSubtaskResult = z
  .object({
    status: z.enum(SUBTASK_STATUSES),
    errorCode: z.number().int().optional(),
    errorDescription: z.string().optional(),
    error: z.object({ code: z.number().int(), description: z.string().optional() }).nullish(),
    result: z.unknown().optional(),
  })
  .transform((r) => ({
    status: r.status,
    errorCode: r.errorCode ?? r.error?.code ?? 0,
    errorDescription: r.errorDescription ?? r.error?.description ?? '',
    result: r.result ?? null,
  }));
export type AtolSubtaskResult = z.infer<typeof AtolSubtaskResult>;

export const AtolRequestResults = z.object({ results: z.array(AtolSubtaskResult).min(1) });

/** Реквизиты фискального документа, as every fiscal task and getLastFiscalParams return them. */
export const AtolFiscalParams = z.object({
  fiscalDocumentNumber: z.number().int().min(1),
  fiscalDocumentSign: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().min(0)]).transform(String),
  fiscalDocumentDateTime: z.string().min(10),
  fiscalReceiptNumber: z.number().int().min(0).optional(),
  shiftNumber: z.number().int().min(0).optional(),
  receiptsCount: z.number().int().min(0).optional(),
  total: Roubles.optional(),
  fnNumber: z.string().optional(),
  registrationNumber: z.string().optional(),
  fnsUrl: z.string().optional(),
});

const Warnings = z.object({ notPrinted: z.boolean().optional() }).nullish();

export const AtolFiscalDocumentResult = z.object({ fiscalParams: AtolFiscalParams, warnings: Warnings });

/** getLastFiscalParams: an empty fiscal drive answers without a document number. */
export const AtolLastFiscalParamsResult = z.object({
  fiscalParams: z.union([AtolFiscalParams, z.object({ fiscalDocumentNumber: z.undefined().optional() })]),
});

export const AtolCashResult = z.object({ counters: z.object({ cashSum: Roubles }) });

const ShiftStateName = z.enum(['closed', 'opened', 'expired']);

export const AtolShiftStatusResult = z.object({
  shiftStatus: z.object({
    state: ShiftStateName,
    number: z.number().int().min(0),
    expiredTime: z.string().optional(),
    documentsCount: z.number().int().min(0).optional(),
  }),
});

const CountSum = z.object({ count: z.number().int().min(0), sum: Roubles });
/** Payments of one receipt type in the shift, by the register's payment types (others read as 0). */
const ShiftPayments = z.object({
  cash: Roubles.default(0),
  electronically: Roubles.default(0),
  other: Roubles.default(0),
  prepaid: Roubles.default(0),
  credit: Roubles.default(0),
});
const ReceiptTotals = CountSum.extend({ payments: ShiftPayments.default({ cash: 0, electronically: 0, other: 0, prepaid: 0, credit: 0 }) });

/** getShiftTotals: the register's own counters of the shift (счётчики смены), as the X report prints them. */
export const AtolShiftTotalsResult = z.object({
  shiftTotals: z.object({
    shiftNumber: z.number().int().min(0),
    cashDrawer: z.object({ sum: Roubles }),
    income: CountSum,
    outcome: CountSum,
    receipts: z.object({ sell: ReceiptTotals, sellReturn: ReceiptTotals }),
  }),
});

export const AtolDeviceStatusResult = z.object({
  deviceStatus: z.object({
    blocked: z.boolean(),
    coverOpened: z.boolean(),
    currentDateTime: z.string(),
    fiscal: z.boolean(),
    fnFiscal: z.boolean().optional(),
    fnPresent: z.boolean(),
    paperPresent: z.boolean(),
    cashDrawerOpened: z.boolean(),
    shift: ShiftStateName,
  }),
});

export const FM_CHECK_ERROR_REASONS = ['checked', 'typeIncorrect', 'noKeys', 'noGS1', 'other'] as const;

export const AtolBeginMarkingResult = z.object({
  offlineValidation: z.object({
    fmCheck: z.boolean(),
    fmCheckResult: z.boolean(),
    fmCheckErrorReason: z.enum(FM_CHECK_ERROR_REASONS).optional(),
  }),
});

export const AtolMarkingStatusResult = z.object({
  ready: z.boolean(),
  sentImcRequest: z.boolean().optional(),
  driverError: z.object({ code: z.number().int(), description: z.string().optional() }).optional(),
  onlineValidation: z
    .object({
      itemInfoCheckResult: ItemInfoCheckResult,
      markOperatorItemStatus: z.enum(['itemEstimatedStatusCorrect', 'itemEstimatedStatusIncorrect', 'itemSaleStopped']).optional(),
      markOperatorResponseResult: z.enum(['correct', 'incorrect', 'unrecognized']).optional(),
      markOperatorResponse: z.object({ responseStatus: z.boolean(), itemStatusCheck: z.boolean() }).optional(),
    })
    .optional(),
});

export const AtolAcceptMarkingResult = z.object({ itemInfoCheckResult: ItemInfoCheckResult });
