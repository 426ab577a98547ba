import type { Kopecks } from '../../core/money';
import type { FiscalPosition } from '../../core/fiscal/receiptPositions';
import type { FiscalPayment } from '../../core/fiscal/receiptPayments';

/**
 * What the till asks of any 54-FZ fiscal register (онлайн-касса), whatever its vendor.
 * Every call answers with a FiscalResult: the value, or an error code the till words for
 * the cashier. Calls are served one at a time, in order.
 */

export type FiscalErrorCode =
  /** The register, or its driver's web server, cannot be reached. */
  | 'offline'
  /** The register is busy with another job (another program, a report printing). */
  | 'busy'
  /** No final answer in time. With outcomeUnknown the document may exist: see lastFiscalDocument. */
  | 'timeout'
  /** An answer the adapter cannot read. */
  | 'badAnswer'
  | 'paperOut'
  | 'coverOpen'
  /** The printer mechanism or cutter failed. */
  | 'printerFault'
  /** No open shift: open one first (openShift). */
  | 'shiftClosed'
  /** The shift has been open for more than 24 hours: close it (Z report) and open a new one. */
  | 'shiftExpired'
  /** openShift while a shift is open: nothing to do. */
  | 'shiftAlreadyOpen'
  /** cashOut of more cash than the register counts in the drawer. */
  | 'notEnoughCash'
  /** A marking code failed the register's or the operator's (Честный ЗНАК) check. */
  | 'markingRejected'
  /** The register refused the request as malformed: a bug in the till, reported to IT. */
  | 'invalidRequest'
  /** The fiscal drive (ФН) is full, expired, faulty, or has not reached the OFD for too long. */
  | 'fiscalDrive'
  /** Any other register error; detail holds the register's own text. */
  | 'deviceError';

export interface FiscalError {
  code: FiscalErrorCode;
  /** The register's own words (usually Russian), for the IT log; the cashier sees the code's wording. */
  detail: string;
  /** The vendor's error number, when the register sent one. */
  vendorCode?: number;
  /**
   * True when the register may have completed the operation (a sale sent, no answer):
   * do not simply try again; resolve it first (see fiscaliseOnce).
   */
  outcomeUnknown: boolean;
}

export type FiscalResult<T> = { ok: true; value: T } | { ok: false; error: FiscalError };

/** The cashier, printed on every document (tag 1021) with their INN when known (tag 1203). */
export interface Cashier {
  name: string;
  inn?: string;
}

/** A fiscal document as the fiscal drive recorded it. */
export interface FiscalDocument {
  /** ФД: number of the document in the fiscal drive. */
  documentNumber: number;
  /** ФП / ФПД: fiscal sign, digits. */
  fiscalSign: string;
  /** ISO 8601 date and time as the register printed it. */
  dateTime: string;
  shiftNumber?: number;
  /** Number of the receipt within the shift. */
  receiptNumber?: number;
  /** Receipt total; absent for reports. */
  totalKopecks?: Kopecks;
  /** ФН: serial number of the fiscal drive. */
  fnNumber?: string;
  /** РН ККТ: registration number of the register. */
  registrationNumber?: string;
  /** The document is in the fiscal drive but the printer did not print it (reprint it later). */
  notPrinted: boolean;
}

/** A sale or a return, ready for the register. */
export interface FiscalReceipt {
  /**
   * Made by the till, unique per receipt and kept across restarts: the register is asked
   * with the same id again after a crash, so the receipt is fiscalised at most once.
   */
  receiptId: string;
  positions: readonly FiscalPosition[];
  payments: readonly FiscalPayment[];
  cashier: Cashier;
  /** Phone (+7…) or e-mail for an electronic receipt, when the customer asks for one. */
  customerContact?: string;
  /** False: electronic receipt only, nothing printed (needs customerContact). Default true. */
  print?: boolean;
  /** Lines for the receipt's text part (the loyalty block), printed after the positions. */
  textLines?: readonly string[];
  /** A QR code printed after the text lines (the feedback link, issue 16). */
  qrCode?: string;
}

export interface ShiftReport {
  document: FiscalDocument;
  shiftNumber: number;
  /** Receipts in the shift (Z report only). */
  receiptsCount?: number;
}

export interface CashMovement {
  /** Made by the till, kept across restarts: the same movement is never recorded twice. */
  operationId: string;
  amountKopecks: Kopecks;
  cashier: Cashier;
  /** Printed on the slip ("Размен", "Инкассация"). */
  reason?: string;
}

export interface CashMovementResult {
  /** Cash in the drawer as the register counts it, after the movement. */
  cashInDrawerKopecks: Kopecks;
}

export type ShiftState = 'closed' | 'opened' | 'expired';

export interface ShiftStatus {
  state: ShiftState;
  /** The current shift, or the last one when closed. */
  number: number;
  /** When an open shift turns expired (24 hours after opening), ISO 8601. */
  expiresAt?: string;
}

/** Receipts of one kind in the shift as the register counts them, by payment type. */
export interface RegisterReceiptTotals {
  count: number;
  totalKopecks: Kopecks;
  cashKopecks: Kopecks;
  cardKopecks: Kopecks;
  /** Payment type "other": bonuses, when the chain records them as a payment. */
  otherKopecks: Kopecks;
}

/** The register's own counters for the shift (what its X report prints). */
export interface RegisterShiftTotals {
  shiftNumber: number;
  sell: RegisterReceiptTotals;
  sellReturn: RegisterReceiptTotals;
  cashIn: { count: number; totalKopecks: Kopecks };
  cashOut: { count: number; totalKopecks: Kopecks };
  cashInDrawerKopecks: Kopecks;
}

export interface DeviceStatus {
  paperPresent: boolean;
  coverOpened: boolean;
  cashDrawerOpened: boolean;
  /** Registered with the tax service (not a demo or unregistered unit). */
  fiscal: boolean;
  fnPresent: boolean;
  blocked: boolean;
  shift: ShiftState;
  /** The register's clock, ISO 8601. */
  dateTime: string;
}

export type MarkingOperation = 'sell' | 'return';

export interface MarkingCodeRequest {
  /** The raw DataMatrix (GS1) text as scanned, group separators included. */
  code: string;
  operation: MarkingOperation;
  /** Thousandths of the sale unit; 1000 (one piece) when omitted. */
  quantityMilli?: number;
}

export interface MarkingCodeCheck {
  code: string;
  /** The operator (Честный ЗНАК) answered; false: checked by the fiscal drive only (offline). */
  checkedOnline: boolean;
}

export interface FiscalRegister {
  openShift(cashier: Cashier): Promise<FiscalResult<ShiftReport>>;
  /** Fiscalises a sale (чек прихода). Idempotent per receiptId. */
  sell(receipt: FiscalReceipt): Promise<FiscalResult<FiscalDocument>>;
  /** Fiscalises a return (чек возврата прихода). Idempotent per receiptId. */
  sellReturn(receipt: FiscalReceipt): Promise<FiscalResult<FiscalDocument>>;
  cashIn(movement: CashMovement): Promise<FiscalResult<CashMovementResult>>;
  cashOut(movement: CashMovement): Promise<FiscalResult<CashMovementResult>>;
  /** X report: the shift's totals so far, printed; changes nothing. */
  reportX(cashier: Cashier): Promise<FiscalResult<void>>;
  /** Closes the shift with a Z report. */
  closeShift(cashier: Cashier): Promise<FiscalResult<ShiftReport>>;
  openCashDrawer(): Promise<FiscalResult<void>>;
  /** Prints non-fiscal text (a slip, a copy). */
  printText(lines: readonly string[]): Promise<FiscalResult<void>>;
  deviceStatus(): Promise<FiscalResult<DeviceStatus>>;
  shiftStatus(): Promise<FiscalResult<ShiftStatus>>;
  /** The register's counters for the current (or last) shift: receipts by payment type, cash in and out. */
  shiftTotals(): Promise<FiscalResult<RegisterShiftTotals>>;
  /** The last receipt in the fiscal drive, or null when it holds none. */
  lastFiscalDocument(): Promise<FiscalResult<FiscalDocument | null>>;
  /**
   * Checks a marking code with the register (and online with the operator where the
   * register can). Accepted codes may then go on a receipt; a rejected one is refused
   * with 'markingRejected'. Call it for every marked piece, on returns too.
   */
  validateMarkingCode(request: MarkingCodeRequest): Promise<FiscalResult<MarkingCodeCheck>>;
  /** Stops using the register; calls after this answer 'offline'. */
  close(): Promise<void>;
}
