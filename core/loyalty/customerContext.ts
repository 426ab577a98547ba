import { z } from 'zod';
import { tierForSpend, usesInPeriod, type Offer, type PricedReceipt, type Programme } from '../engine';

/**
 * What the engine needs to know about a customer beyond balance and birthday, so the till
 * prices a sale exactly as the server re-prices it: segments, whether they bought before,
 * their spend over the tier period, and when they used each limited offer. The server's
 * values come down with the pull (ServerContext); this till's own sales since then are
 * local effects on top (SaleEffect), counted once even when the server already has them.
 */

const id = z.string().min(1).max(200);
const ms = z.number().finite();

export const OfferUseSchema = z.object({ offerId: id, atMs: ms, eventId: id });
export type OfferUse = z.infer<typeof OfferUseSchema>;

/** The soonest date the customer's unspent bonuses burn, and how many burn then (core/engine/lots.ts expiringSoonest). */
export const ExpiringSchema = z.object({ amountKopecks: z.number().int().min(0), atMs: ms });
export type Expiring = z.infer<typeof ExpiringSchema>;

export const ServerContextSchema = z.object({
  customerId: id,
  tier: id,
  segments: z.array(id).max(1_000),
  purchaseCount: z.number().int().min(0),
  /** Eligible net of the customer's receipts over the tier period ending at `asOfMs`. */
  spendKopecks: z.number().int().min(0),
  asOfMs: ms,
  /** Uses of limited offers still inside their limit periods at `asOfMs`. */
  uses: z.array(OfferUseSchema).max(10_000),
  /** Sales the server applied for the customer lately: a till's effects for these are already counted. */
  recentEventIds: z.array(id).max(10_000),
  /** Absent or null: nothing burns soon (or the server is older). */
  expiring: ExpiringSchema.nullable().optional(),
});
export type ServerContext = z.infer<typeof ServerContextSchema>;

/** One sale this till made for the customer, as it changes their context. */
export interface SaleEffect {
  eventId: string;
  customerId: string;
  atMs: number;
  /** Limited offers the sale used (the engine's applied offers that have a limit). */
  offerIds: string[];
  /** The sale's eligible net: what counts toward the tier spend. */
  eligibleNet: number;
}

/** The customer's context as the engine takes it. */
export interface CustomerContext {
  /** null: the server's tier is not known here; the cached customer's tier stands. */
  tier: string | null;
  segments: string[];
  purchaseCount: number;
  spendKopecks: number;
  uses: OfferUse[];
  /** The server's soonest-expiring bonuses, for the expiry prompt; absent when none are known. */
  expiring?: Expiring | null;
}

export const EMPTY_CONTEXT: CustomerContext = { tier: null, segments: [], purchaseCount: 0, spendKopecks: 0, uses: [] };

/** A tier only goes up with a sale (the server's rule in saleOutcome.ts). */
function upgraded(programme: Programme, current: string, spend: number): string {
  const next = tierForSpend(programme, spend);
  const rank = (t: string) => programme.tiers.findIndex((x) => x.id === t);
  return rank(next.id) > rank(current) ? next.id : current;
}

/** The tier period's spend as the engine takes it: never below the threshold of the tier held. */
export function rollingSpend(programme: Programme, tier: string, spend: number): number {
  return Math.max(spend, programme.tiers.find((t) => t.id === tier)?.minSpendKopecks ?? 0);
}

/**
 * The server's context plus this till's sales it does not have yet, in the order they were
 * made: each adds a purchase, its spend (and the tier that spend reaches) and its offer uses.
 * `cachedTier` stands in when the server's context has not arrived (a customer registered here).
 */
export function effectiveContext(
  programme: Programme,
  server: ServerContext | null,
  effects: readonly SaleEffect[],
  cachedTier: string | null = null,
): CustomerContext {
  const known = new Set(server?.recentEventIds ?? []);
  const seenUses = new Set((server?.uses ?? []).map((u) => `${u.eventId}/${u.offerId}`));
  const uses = [...(server?.uses ?? [])];
  let tier = server?.tier ?? cachedTier;
  let spend = server?.spendKopecks ?? 0;
  let purchaseCount = server?.purchaseCount ?? 0;
  for (const e of [...effects].sort((a, b) => a.atMs - b.atMs || (a.eventId < b.eventId ? -1 : 1))) {
    for (const offerId of e.offerIds) {
      if (!seenUses.has(`${e.eventId}/${offerId}`)) uses.push({ offerId, atMs: e.atMs, eventId: e.eventId });
    }
    if (known.has(e.eventId)) continue;
    purchaseCount++;
    if (tier !== null) tier = upgraded(programme, tier, rollingSpend(programme, tier, spend) + e.eligibleNet);
    spend += e.eligibleNet;
  }
  return { tier, segments: server?.segments ?? [], purchaseCount, spendKopecks: spend, uses, ...(server?.expiring ? { expiring: server.expiring } : {}) };
}

/** Uses of each limited offer in its period ending at `atMs`, as the server counts them. */
export function usageAt(context: CustomerContext, limited: readonly Offer[], atMs: number): Record<string, number> {
  const usage: Record<string, number> = {};
  for (const offer of limited) {
    const times = context.uses.filter((u) => u.offerId === offer.id).map((u) => u.atMs);
    if (times.length > 0) usage[offer.id] = usesInPeriod(offer, times, atMs);
  }
  return usage;
}

/** What a priced sale changes in its customer's context. */
export function saleEffect(
  sale: { eventId: string; customerId: string; atMs: number },
  priced: Pick<PricedReceipt, 'appliedOffers' | 'totals'>,
  limited: readonly Offer[],
): SaleEffect {
  const ids = new Set(limited.map((o) => o.id));
  return {
    ...sale,
    offerIds: priced.appliedOffers.filter((o) => ids.has(o.id)).map((o) => o.id),
    eligibleNet: priced.totals.eligibleNet,
  };
}

/** Offers with a per-customer limit: the only ones whose uses matter. */
export function limitedOffers(offers: readonly Offer[]): Offer[] {
  return offers.filter((o) => o.limit !== undefined);
}

/**
 * Uses a till need keep at `asOfMs`: those inside their offer's period (all of them for an
 * offer limited for life), of offers that still exist and have a limit.
 */
export function liveUses(uses: readonly OfferUse[], limited: readonly Offer[], asOfMs: number): OfferUse[] {
  const byId = new Map(limited.map((o) => [o.id, o]));
  return uses.filter((u) => {
    const o = byId.get(u.offerId);
    if (!o?.limit) return false;
    const days = o.limit.periodDays;
    return days === undefined || u.atMs > asOfMs - days * 86_400_000;
  });
}
