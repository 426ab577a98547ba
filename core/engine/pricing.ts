import type { Kopecks } from '../money';
import { CERTIFICATE_CATEGORY, tierForSpend, type Programme } from './programme';
import type { Offer } from './offers';
import type { BasketLine, SaleInput } from './input';
import { toLocal } from './time';
import { lineAmount } from './alloc';
import { indexOffers, type OfferIndex } from './eligibility';
import { applyOffers, type StackingResult } from './stacking';
import { computeAccrual } from './accrual';
import { allocateRedemption, lineCapacity, redemptionCaps } from './redemption';
import { bonuses, explanation, limitText, money, type Explanation, type RedemptionLimit } from './explain';
import { EngineInputError } from './result';
import { lineIds, type WorkLine } from './work';

export interface PriceInput extends SaleInput {
  programme: Programme;
  /** Prefer an index built once with indexOffers; a plain list is indexed on every call. */
  offers: OfferIndex | readonly Offer[];
}

export interface PricedLine {
  lineId: string;
  productId: string;
  categories: string[];
  weighed: boolean;
  unitPriceKopecks: Kopecks;
  quantityMilli: number;
  /** unitPrice x quantity, rounded half up. */
  amount: Kopecks;
  discount: Kopecks;
  /** amount - discount. */
  net: Kopecks;
  /** Bonuses spent on this line. */
  redeemed: Kopecks;
  /** net - redeemed: money the customer pays for the line. */
  payable: Kopecks;
  /** Bonuses earned on this line (tier, offers and its share of fixed bonuses). */
  accrued: Kopecks;
  /** In an excluded category: no discount, no accrual, no redemption. */
  excluded: boolean;
  /** Offers that touched the line, in priority order. */
  offerIds: string[];
}

export interface ReceiptTotals {
  subtotal: Kopecks;
  discount: Kopecks;
  net: Kopecks;
  redeemed: Kopecks;
  payable: Kopecks;
  accrued: Kopecks;
  /** Net of the lines loyalty applies to: what should count toward the customer's tier spend. */
  eligibleNet: Kopecks;
}

export interface PricedReceipt {
  receiptId: string;
  customerId: string | null;
  programmeId: string;
  programmeVersion: number;
  bonusUnitKopecks: number;
  tierId: string | null;
  lines: PricedLine[];
  totals: ReceiptTotals;
  /** Most bonuses this receipt could take right now. */
  maxRedeemable: Kopecks;
  redemptionLimit: RedemptionLimit;
  /** What was asked for ("max" resolved); totals.redeemed is what was granted. */
  redeemRequested: Kopecks;
  /** Offers applied, for usage counting. */
  appliedOffers: { id: string; version: number }[];
  explanations: Explanation[];
}

function checkLines(lines: readonly BasketLine[]): void {
  const seen = new Set<string>();
  lines.forEach((l, i) => {
    if (seen.has(l.lineId)) throw new EngineInputError(`lines.${i}.lineId`, `duplicate line id "${l.lineId}"`);
    seen.add(l.lineId);
    if (!Number.isSafeInteger(l.unitPriceKopecks) || l.unitPriceKopecks < 0) {
      throw new EngineInputError(`lines.${i}.unitPriceKopecks`, 'must be a whole, non-negative number of kopecks');
    }
    if (!Number.isSafeInteger(l.quantityMilli) || l.quantityMilli <= 0) {
      throw new EngineInputError(`lines.${i}.quantityMilli`, 'must be a positive whole number of thousandths');
    }
    if (!l.weighed && l.quantityMilli % 1000 !== 0) {
      throw new EngineInputError(`lines.${i}.quantityMilli`, 'pieces are counted whole (multiples of 1000)');
    }
  });
}

function checkAmount(value: number, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new EngineInputError(path, 'must be a whole, non-negative number of kopecks');
}

/**
 * Price a basket for a customer: discounts from offers, bonuses spent (clamped to what
 * is allowed, with an explanation), bonuses earned, and why. Pure and deterministic:
 * the sale's time comes in the input, and equal inputs give equal receipts.
 * Order: offers and their discounts, then redemption on what is left, then accrual.
 */
export function priceReceipt(input: PriceInput): PricedReceipt {
  const { programme, lines: basket, customer } = input;
  checkLines(basket);
  checkAmount(input.offlineAllowanceKopecks, 'offlineAllowanceKopecks');
  if (input.redeem !== 'max') checkAmount(input.redeem, 'redeem');
  if (customer) checkAmount(customer.availableBonusKopecks, 'customer.availableBonusKopecks');

  const unit = programme.bonusUnitKopecks;
  const rules = programme.redemption;
  const excludedCats = programme.excludedCategories;
  const work: WorkLine[] = basket.map((line) => {
    const amount = lineAmount(line.unitPriceKopecks, line.quantityMilli);
    const excluded = line.categories.some((c) => c === CERTIFICATE_CATEGORY || excludedCats.includes(c));
    return { line, amount, discount: 0, net: amount, excluded, offerIds: [] };
  });

  const notices: Explanation[] = [];
  // A certificate line is excluded by its nature, not by the chain's list: nothing to explain.
  const excludedLines = work.flatMap((w, i) => (w.line.categories.some((c) => excludedCats.includes(c)) ? [i] : []));
  if (excludedLines.length > 0) {
    const cats = [...new Set(excludedLines.flatMap((i) => work[i]?.line.categories.filter((c) => excludedCats.includes(c)) ?? []))].join(', ');
    notices.push(
      explanation(
        'excludedCategory',
        0,
        lineIds(work, excludedLines),
        `Скидки и бонусы не действуют на категорию: ${cats}`,
        `No discounts or bonuses apply to: ${cats}`,
      ),
    );
  }

  const tier = customer ? tierForSpend(programme, customer.rollingSpendKopecks) : null;
  let stacking: StackingResult = { appliedOffers: [], accrualEffects: [], fixedEffects: [], notes: [] };
  if (!customer) {
    notices.push(explanation('noCustomer', 0, [], 'Карта лояльности не предъявлена: бонусы не начисляются', 'No loyalty card: no bonuses on this sale'));
  } else if (tier) {
    stacking = applyOffers({
      index: 'kind' in input.offers ? input.offers : indexOffers(input.offers),
      work,
      store: input.store,
      local: toLocal(input.at),
      customer,
      tier,
      usage: input.usage,
    });
  }

  // Redemption on what is left to pay.
  let eligibleNet = 0;
  for (const w of work) if (!w.excluded) eligibleNet += w.net;
  const capacities = work.map((w) => (w.excluded || !customer ? 0 : lineCapacity(w.net, rules)));
  const caps = redemptionCaps({
    balance: customer ? customer.availableBonusKopecks : null,
    online: input.online,
    offlineAllowance: input.offlineAllowanceKopecks,
    eligibleNet,
    capacities,
    rules,
  });
  const requested = input.redeem === 'max' ? caps.max : input.redeem;
  const granted = Math.min(requested, caps.max);
  const redeemed = allocateRedemption(granted, capacities);
  const redemptionNotes: Explanation[] = [];
  if (requested > granted) {
    const why = limitText[caps.limit];
    redemptionNotes.push(
      explanation(
        'redemptionClamped',
        granted,
        [],
        `Запрошено ${bonuses(requested, unit, 'ru')}, можно списать ${bonuses(granted, unit, 'ru')}: ${why.ru}`,
        `Asked to spend ${bonuses(requested, unit, 'en')}, allowed ${bonuses(granted, unit, 'en')}: ${why.en}`,
      ),
    );
  }
  if (granted > 0) {
    redemptionNotes.push(
      explanation(
        'redemption',
        granted,
        lineIds(
          work,
          work.flatMap((_, i) => ((redeemed[i] ?? 0) > 0 ? [i] : [])),
        ),
        `Списано ${bonuses(granted, unit, 'ru')} (−${money(granted, 'ru')} к оплате)`,
        `Spent ${bonuses(granted, unit, 'en')} (−${money(granted, 'en')} to pay)`,
      ),
    );
  }

  const accrual =
    customer && tier
      ? computeAccrual({ work, redeemed, tier, rules, accrualEffects: stacking.accrualEffects, fixedEffects: stacking.fixedEffects, unit })
      : { accrued: work.map(() => 0), notes: [] };

  const totals: ReceiptTotals = { subtotal: 0, discount: 0, net: 0, redeemed: 0, payable: 0, accrued: 0, eligibleNet };
  const lines = work.map((w, i): PricedLine => {
    const r = redeemed[i] ?? 0;
    const pl: PricedLine = {
      lineId: w.line.lineId,
      productId: w.line.productId,
      categories: [...w.line.categories],
      weighed: w.line.weighed,
      unitPriceKopecks: w.line.unitPriceKopecks,
      quantityMilli: w.line.quantityMilli,
      amount: w.amount,
      discount: w.discount,
      net: w.net,
      redeemed: r,
      payable: w.net - r,
      accrued: accrual.accrued[i] ?? 0,
      excluded: w.excluded,
      offerIds: w.offerIds,
    };
    totals.subtotal += pl.amount;
    totals.discount += pl.discount;
    totals.net += pl.net;
    totals.redeemed += pl.redeemed;
    totals.payable += pl.payable;
    totals.accrued += pl.accrued;
    return pl;
  });

  return {
    receiptId: input.receiptId,
    customerId: customer ? customer.id : null,
    programmeId: programme.id,
    programmeVersion: programme.version,
    bonusUnitKopecks: unit,
    tierId: tier ? tier.id : null,
    lines,
    totals,
    maxRedeemable: caps.max,
    redemptionLimit: caps.limit,
    redeemRequested: requested,
    appliedOffers: stacking.appliedOffers,
    explanations: [...notices, ...stacking.notes, ...redemptionNotes, ...accrual.notes],
  };
}
