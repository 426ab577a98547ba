import { priceReceipt, type BasketLine, type Offer, type PricedReceipt, type Programme } from '../../../core/engine';

/** A sample basket line as the editor shows it: a product from the catalogue, its price and how many. */
export interface SampleLine {
  productId: string;
  name: string;
  categories: string[];
  unitPriceKopecks: number;
  /** Pieces, or kilograms in thousandths for weighed goods (1 kg = 1000). */
  quantityMilli: number;
  weighed: boolean;
}

export interface SampleCustomer {
  /** null: no loyalty card shown (offers never apply then). */
  tierId: string | null;
  firstPurchase: boolean;
  birthdayToday: boolean;
  segments: string[];
}

export interface PreviewInput {
  programme: Programme;
  offer: Offer;
  lines: readonly SampleLine[];
  customer: SampleCustomer;
  store: { id: string; regionId: string };
  /** The local date (YYYY-MM-DD) and time (HH:MM) of the sample sale, in the store's zone. */
  date: string;
  time: string;
}

export interface Preview {
  without: PricedReceipt;
  with: PricedReceipt;
  /** Whether the offer changed anything on this basket. */
  applied: boolean;
  /** What the offer adds: money discount and bonuses (kopecks). */
  extraDiscount: number;
  extraAccrued: number;
}

/**
 * The offer's effect on a sample basket, by the same engine the tills run: the basket priced
 * with no offers and with this offer alone, so the difference is this offer's doing.
 */
export function previewOffer(p: PreviewInput): Preview | null {
  if (p.lines.length === 0) return null;
  const [year, month, day] = p.date.split('-').map(Number);
  const [hour, minute] = p.time.split(':').map(Number);
  if (!year || !month || !day || hour === undefined || minute === undefined || Number.isNaN(hour) || Number.isNaN(minute)) return null;
  const tier = p.customer.tierId === null ? null : (p.programme.tiers.find((t) => t.id === p.customer.tierId) ?? null);
  const lines: BasketLine[] = p.lines.map((l, i) => ({
    lineId: `l${i + 1}`,
    productId: l.productId,
    categories: l.categories,
    unitPriceKopecks: l.unitPriceKopecks,
    quantityMilli: l.quantityMilli,
    weighed: l.weighed,
  }));
  const input = {
    receiptId: 'preview',
    store: p.store,
    at: { kind: 'local' as const, year, month, day, hour, minute },
    customer:
      p.customer.tierId === null
        ? null
        : {
            id: 'preview',
            availableBonusKopecks: 0,
            rollingSpendKopecks: tier?.minSpendKopecks ?? 0,
            segments: p.customer.segments,
            purchaseCount: p.customer.firstPurchase ? 0 : 5,
            birthday: p.customer.birthdayToday ? { month, day } : null,
          },
    lines,
    redeem: 0 as const,
    online: true,
    offlineAllowanceKopecks: 0,
    usage: {},
  };
  const without = priceReceipt({ ...input, programme: p.programme, offers: [] });
  const withOffer = priceReceipt({ ...input, programme: p.programme, offers: [p.offer] });
  return {
    without,
    with: withOffer,
    applied: withOffer.appliedOffers.some((o) => o.id === p.offer.id),
    extraDiscount: withOffer.totals.discount - without.totals.discount,
    extraAccrued: withOffer.totals.accrued - without.totals.accrued,
  };
}
