/**
 * The "details" cell of the exceptions report, in the reader's language. The server records each
 * exception's details as a small object for its own use (English keys, amounts in kopecks, ids,
 * codes); here every key it writes gets a label, amounts are money, ids stay numbers, and codes
 * (an event's type, why it was refused, why a coupon or certificate was not taken) are words.
 * A key this table does not know is left out rather than shown raw.
 */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

type Shape =
  | { as: 'money' }
  | { as: 'count' }
  | { as: 'id' }
  | { as: 'text' }
  /** A code worded by a table of the locale (`ho.exceptions.values.<table>.<code>`). */
  | { as: 'word'; table: string };

const MONEY: Shape = { as: 'money' };
const ID: Shape = { as: 'id' };

/** What each key means; `code` and `reason` depend on the kind of exception. */
function shapeOf(kind: string, key: string): Shape | null {
  switch (key) {
    case 'till':
    case 'server':
    case 'difference':
    case 'amount':
    case 'redeemed':
    case 'allowance':
    case 'shortfall':
    case 'balanceAfter':
    case 'payable':
    case 'paid':
    case 'posted':
    case 'moved':
      return MONEY;
    case 'maxFailures':
    case 'windowSeconds':
      return { as: 'count' };
    case 'receiptId':
    case 'returnId':
    case 'cashierId':
    case 'alias':
    case 'duplicateOf':
    case 'from':
    case 'into':
    case 'redeemedBy':
      return ID;
    case 'type':
      return { as: 'word', table: 'eventType' };
    case 'move':
      return { as: 'word', table: 'certificateMove' };
    case 'code':
      if (kind === 'rejected_event') return { as: 'word', table: 'rejected' };
      if (kind === 'coupon_refused' || kind === 'certificate_conflict') return ID;
      return null;
    case 'reason':
      if (kind === 'coupon_refused') return { as: 'word', table: 'couponReason' };
      if (kind === 'certificate_conflict') return { as: 'word', table: 'certificateReason' };
      // Head office's own words (a merge's reason).
      return { as: 'text' };
    default:
      // requestId, action, method, offline, resolution: said elsewhere or of no use to the reader.
      return null;
  }
}

/** The label of a key; `code` names the coupon or the certificate for those kinds. */
function labelKey(kind: string, key: string): string {
  if (key === 'code' && kind === 'coupon_refused') return 'couponCode';
  if (key === 'code' && kind === 'certificate_conflict') return 'certificateCode';
  return key;
}

export function exceptionDetails(
  kind: string,
  details: Record<string, unknown>,
  t: Translate,
  exists: (key: string) => boolean,
  money: (kopecks: number) => string,
): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (typeof value !== 'number' && typeof value !== 'string') continue;
    const shape = shapeOf(kind, key);
    if (shape === null) continue;
    let shown: string;
    if (shape.as === 'money') {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) continue;
      shown = money(value);
    } else if (shape.as === 'word') {
      const word = `ho.exceptions.values.${shape.table}.${String(value)}`;
      shown = exists(word) ? t(word) : t(`ho.exceptions.values.${shape.table}.other`);
    } else shown = String(value);
    parts.push(`${t(`ho.exceptions.details.${labelKey(kind, key)}`)}: ${shown}`);
  }
  return parts.join('; ');
}
