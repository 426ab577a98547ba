import type { AppliedResult, ConsentEvent, ConsentRecord } from '../../protocol/events';
import { eraseWithdrawnCustomer } from '../consents';
import { lockCustomer } from './customerRef';
import type { EventContext } from './context';

/** Consents are kept as separate records, one per decision: the latest per purpose and channel wins. */
export async function insertConsents(ctx: EventContext, customerId: number, consents: readonly ConsentRecord[]): Promise<void> {
  if (consents.length === 0) return;
  await ctx.tx.query(
    `INSERT INTO consents (customer_id, purpose, channel, granted, text_version, source, given_at, event_id, terminal_id)
     SELECT $1, x.purpose, x.channel, x.granted, x.text_version, 'till', x.given_at::timestamptz, $7, $8
     FROM unnest($2::text[], $3::text[], $4::bool[], $5::text[], $6::text[]) AS x(purpose, channel, granted, text_version, given_at)`,
    [
      customerId,
      consents.map((c) => c.purpose),
      consents.map((c) => c.channel),
      consents.map((c) => c.granted),
      consents.map((c) => c.textVersion),
      consents.map((c) => c.givenAt),
      ctx.eventId,
      ctx.terminal.terminalId,
    ],
  );
}

export async function applyConsent(ctx: EventContext, ev: ConsentEvent): Promise<AppliedResult> {
  const customer = await lockCustomer(ctx.tx, ctx.terminal.chainId, ev.customerId);
  await insertConsents(ctx, customer.id, [ev.consent]);
  // Withdrawn at the till: the same erasure as at head office.
  if (ev.consent.purpose === 'personal_data' && !ev.consent.granted) await eraseWithdrawnCustomer(ctx.tx, customer.id);
  return { type: 'consent', customerId: String(customer.id), posted: {}, balance: null, flags: [] };
}
