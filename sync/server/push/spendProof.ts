import type { SaleEvent } from '../../protocol/events';
import type { Sql } from '../db/database';
import { useConfirmation } from '../phoneCodes';
import type { TerminalContext } from '../terminals';

/** Whether the customer holds the loyalty card or bank card with this key. */
export type OwnsKey = (kind: 'card' | 'bank', key: string, customerId: number) => Promise<boolean>;

/** `OwnsKey` asked of the database, one query per call. */
export function ownsKeyIn(tx: Sql, chainId: number): OwnsKey {
  return async (kind, key, customerId) =>
    (await tx.query('SELECT 1 FROM identifiers WHERE chain_id = $1 AND kind = $2 AND key = $3 AND customer_id = $4', [chainId, kind, key, customerId])).length >
    0;
}

/**
 * The keys a sale's spend would be proven by (its identity's card, or its bank card): what a
 * batch reads for all its sales at once instead of one query each.
 */
export function proofKey(ev: SaleEvent): { kind: 'card' | 'bank'; key: string } | null {
  if (ev.identity?.via === 'card') return { kind: 'card', key: ev.identity.card };
  if (ev.identity?.via === 'bank' && ev.payment.bankKey) return { kind: 'bank', key: ev.payment.bankKey };
  return null;
}

/**
 * Whether a sale's spend is backed by more than a phone number (issue 13, High 2): the loyalty
 * card or the bank card of this very customer, or a confirmation of an SMS code sent to their
 * phone from this terminal and not used by another event. `legacy`: the event names no
 * identification (a till from before issue 13).
 */
export async function spendProof(
  tx: Sql,
  input: { terminal: TerminalContext; customerId: number; ev: SaleEvent; eventId: string; soldAtMs: number },
  owns: OwnsKey = ownsKeyIn(tx, input.terminal.chainId),
): Promise<'proven' | 'unproven' | 'legacy'> {
  const { terminal, customerId, ev } = input;
  const identity = ev.identity;
  if (!identity) return 'legacy';
  if (identity.via === 'card') return (await owns('card', identity.card, customerId)) ? 'proven' : 'unproven';
  if (identity.via === 'bank') return ev.payment.bankKey && (await owns('bank', ev.payment.bankKey, customerId)) ? 'proven' : 'unproven';
  if (!identity.confirmation) return 'unproven';
  const used = await useConfirmation(tx, {
    token: identity.confirmation,
    chainId: terminal.chainId,
    terminalId: terminal.terminalId,
    customerId,
    purpose: 'spend',
    eventId: input.eventId,
    atMs: input.soldAtMs,
  });
  return used ? 'proven' : 'unproven';
}
