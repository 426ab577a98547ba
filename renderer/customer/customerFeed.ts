import { z } from 'zod';
import type { TillState } from '../../sync/client/session/tillState';

/**
 * What the customer-facing display shows, published by the till page on every change of its
 * session and read by the second page (`#/customer`, or Electron's second window): the basket,
 * the bonuses and, while registering, the consent text. A first name only, never a phone.
 */
export const CustomerFeed = z.object({
  lines: z.array(z.object({ id: z.string(), name: z.string(), quantityMilli: z.number().int(), weighed: z.boolean(), amount: z.number().int() })),
  subtotal: z.number().int(),
  discount: z.number().int(),
  redeemed: z.number().int(),
  payable: z.number().int(),
  accrued: z.number().int(),
  customer: z.object({ firstName: z.string(), balance: z.number().int().nullable() }).nullable(),
  registering: z.boolean(),
  paid: z.object({ paid: z.number().int(), change: z.number().int() }).nullable(),
});
export type CustomerFeed = z.infer<typeof CustomerFeed>;

export const FEED_CHANNEL = 'loyalty-till-customer-view';

export function feedOf(s: TillState): CustomerFeed {
  const priced = s.sale.priced;
  const net = new Map(priced?.lines.map((l) => [l.lineId, l.net]) ?? []);
  return {
    lines: s.sale.items.map((i) => ({
      id: i.lineId,
      name: i.product.name,
      quantityMilli: i.quantityMilli,
      weighed: i.product.weighed,
      amount: net.get(i.lineId) ?? 0,
    })),
    subtotal: priced?.totals.subtotal ?? 0,
    discount: priced?.totals.discount ?? 0,
    redeemed: priced?.totals.redeemed ?? 0,
    payable: priced?.totals.payable ?? 0,
    accrued: s.sale.customer ? (priced?.totals.accrued ?? 0) : 0,
    customer: s.sale.customer ? { firstName: s.sale.customer.customer.firstName, balance: s.sale.available } : null,
    registering: s.mode === 'registering',
    paid: s.receipt ? { paid: s.receipt.paid, change: s.receipt.change } : null,
  };
}

/** The till page: publish the feed on every change (and to a display page that opens later, on its hello). */
export function publishCustomerFeed(subscribe: (l: () => void) => () => void, getState: () => TillState): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(FEED_CHANNEL);
  let last = '';
  const send = (force = false) => {
    const text = JSON.stringify(feedOf(getState()));
    if (text === last && !force) return;
    last = text;
    channel.postMessage(text);
  };
  channel.onmessage = (e) => e.data === 'hello' && send(true);
  const unsubscribe = subscribe(() => send());
  send(true);
  return () => {
    unsubscribe();
    channel.close();
  };
}
