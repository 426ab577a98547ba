import type { ConsentHistoryItem, WithdrawConsentRequest } from '../../../sync/protocol/consents';

/**
 * A customer's consents as head office acts on them (152-FZ): the latest decision per purpose
 * and channel, and which of them the customer can still withdraw.
 */
export interface ConsentRow {
  item: ConsentHistoryItem;
  /** Granted now, so it can be withdrawn. */
  withdrawable: boolean;
  /** The body of POST .../consents/withdraw for this row. */
  request: WithdrawConsentRequest;
}

/** Personal data first (withdrawing it ends everything), then marketing channels by name. */
export function consentRows(current: readonly ConsentHistoryItem[]): ConsentRow[] {
  const rank = (i: ConsentHistoryItem) => (i.purpose === 'personal_data' ? 0 : 1);
  return [...current]
    .sort((a, b) => rank(a) - rank(b) || (a.channel ?? '').localeCompare(b.channel ?? ''))
    .map((item) => ({
      item,
      withdrawable: item.granted,
      request: item.purpose === 'marketing' && item.channel ? { purpose: 'marketing', channel: item.channel } : { purpose: 'personal_data' },
    }));
}

/** The i18n key of the confirmation: withdrawing personal-data consent also erases contact data. */
export const confirmKey = (row: ConsentRow): string =>
  row.request.purpose === 'personal_data' ? 'ho.customers.confirmPersonalData' : 'ho.customers.confirmMarketing';

/**
 * Every decision the customer made, newest first (the server lists them oldest first): what head
 * office shows as the consent history, so a withdrawal or a renewed consent is seen with its date,
 * text version and where it was made.
 */
export function consentHistoryRows(items: readonly ConsentHistoryItem[]): ConsentHistoryItem[] {
  const at = (i: ConsentHistoryItem) => Date.parse(i.recordedAt);
  return [...items].sort((a, b) => at(b) - at(a) || Number(b.id) - Number(a.id));
}
