/**
 * Why an event was not applied. Permanent rejections are recorded with the event id, so a
 * resend gets the same answer; retryable ones (something the event needs has not arrived
 * yet) are not recorded, and the till resends the event later.
 */
export type RejectCode =
  | 'invalid_event'
  | 'wrong_store'
  | 'customer_unknown'
  | 'receipt_unknown'
  | 'receipt_mismatch'
  | 'receipt_id_reused'
  | 'sale_invalid'
  | 'totals_inconsistent'
  | 'redemption_exceeds_allowance'
  /** A typed-phone spend above the chain's allowance without an SMS code (issue 13). */
  | 'spend_needs_phone_code'
  /** More bonuses than the chain's daily cap per customer, counted at every till (issue 13). */
  | 'daily_spend_cap'
  | 'return_invalid'
  | 'identifier_taken'
  | 'no_programme'
  | 'event_id_conflict'
  // Screened before applying (eventScreen.ts):
  | 'card_number_in_text'
  | 'phone_invalid'
  | 'event_time_out_of_range'
  | 'birthday_out_of_range'
  | 'consent_version_unknown'
  | 'consent_time_out_of_range'
  | 'server_error';

export class Rejection extends Error {
  constructor(
    readonly code: RejectCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'Rejection';
  }
}

export function reject(code: RejectCode, message: string): never {
  throw new Rejection(code, message, false);
}

export function retryLater(code: RejectCode, message: string): never {
  throw new Rejection(code, message, true);
}
