import type { AppliedResult, CardLinkEvent } from '../../protocol/events';
import { lockCustomer, touchCustomer } from './customerRef';
import type { EventContext } from './context';
import { reject } from './rejection';

/** Link a loyalty card or a bank card (its lookup key) to a customer. Linking it again is a no-op. */
export async function applyCardLink(ctx: EventContext, ev: CardLinkEvent): Promise<AppliedResult> {
  const { tx, terminal } = ctx;
  const customer = await lockCustomer(tx, terminal.chainId, ev.customerId);
  const rows = await tx.query<{ customer_id: number }>(
    `INSERT INTO identifiers (chain_id, kind, key, customer_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (chain_id, kind, key) DO UPDATE SET customer_id = identifiers.customer_id RETURNING customer_id`,
    [terminal.chainId, ev.kind, ev.key, customer.id],
  );
  if (Number(rows[0]?.customer_id) !== customer.id) {
    reject('identifier_taken', ev.kind === 'card' ? 'This loyalty card belongs to another customer.' : 'This bank card is linked to another customer.');
  }
  await touchCustomer(tx, customer.id);
  return { type: 'cardLink', customerId: String(customer.id), posted: {}, balance: null, flags: [] };
}
