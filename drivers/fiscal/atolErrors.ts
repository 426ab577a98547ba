import type { FiscalError, FiscalErrorCode } from './fiscalRegister';

/** ATOL driver v10 error numbers (LIBFPTR_ERROR_*) this till tells apart. */
export const ATOL_ERROR = {
  ok: 0,
  noConnection: 2,
  portBusy: 3,
  portNotAvailable: 4,
  invalidSum: 16,
  noPaper: 44,
  coverOpened: 45,
  printerFault: 46,
  mechanicalFault: 47,
  busy: 55,
  notFullyPaid: 66,
  shiftExpired: 68,
  deniedInClosedShift: 73,
  noCash: 80,
  deniedInOpenedShift: 83,
  cutterFault: 150,
  fnShiftExpired: 141,
  connectionLost: 241,
  markingCodeValidationInProgress: 401,
  invalidMarkingCodeStatus: 404,
  invalidGs1: 405,
  invalidMarkingCode: 409,
  markNotChecked: 420,
  receiptParseError: 501,
  interruptedByPreviousErrors: 502,
} as const;

const BY_CODE = new Map<number, FiscalErrorCode>([
  [ATOL_ERROR.noConnection, 'offline'],
  [ATOL_ERROR.portNotAvailable, 'offline'],
  [ATOL_ERROR.connectionLost, 'offline'],
  [ATOL_ERROR.portBusy, 'busy'],
  [ATOL_ERROR.busy, 'busy'],
  [ATOL_ERROR.noPaper, 'paperOut'],
  [ATOL_ERROR.coverOpened, 'coverOpen'],
  [ATOL_ERROR.printerFault, 'printerFault'],
  [ATOL_ERROR.mechanicalFault, 'printerFault'],
  [ATOL_ERROR.cutterFault, 'printerFault'],
  [ATOL_ERROR.shiftExpired, 'shiftExpired'],
  [ATOL_ERROR.fnShiftExpired, 'shiftExpired'],
  [ATOL_ERROR.deniedInClosedShift, 'shiftClosed'],
  [ATOL_ERROR.deniedInOpenedShift, 'shiftAlreadyOpen'],
  [ATOL_ERROR.noCash, 'notEnoughCash'],
  [ATOL_ERROR.invalidMarkingCodeStatus, 'markingRejected'],
  [ATOL_ERROR.invalidGs1, 'markingRejected'],
  [ATOL_ERROR.invalidMarkingCode, 'markingRejected'],
  [ATOL_ERROR.markNotChecked, 'markingRejected'],
  [ATOL_ERROR.receiptParseError, 'invalidRequest'],
  [ATOL_ERROR.markingCodeValidationInProgress, 'busy'],
]);

/** Fiscal drive (ФН) errors: exchange, format, state, crypto, expiry, overflow, OFD. */
const FISCAL_DRIVE_RANGE = { from: 115, to: 140 } as const;

export function fiscalErrorCodeFor(vendorCode: number): FiscalErrorCode {
  const known = BY_CODE.get(vendorCode);
  if (known) return known;
  if (vendorCode >= FISCAL_DRIVE_RANGE.from && vendorCode <= FISCAL_DRIVE_RANGE.to) return 'fiscalDrive';
  return 'deviceError';
}

export function vendorError(vendorCode: number, description: string, outcomeUnknown = false): FiscalError {
  return { code: fiscalErrorCodeFor(vendorCode), detail: description || `ATOL error ${vendorCode}`, vendorCode, outcomeUnknown };
}
