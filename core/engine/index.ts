/** The loyalty engine's public API: pure functions, no I/O, same code on the till and the server. */
export {
  ProgrammeSchema,
  TierSchema,
  RedemptionRulesSchema,
  LocalisedTextSchema,
  CERTIFICATE_CATEGORY,
  MANDATORY_EXCLUDED_CATEGORY,
  FISCAL_BONUS_TREATMENTS,
  type FiscalBonusTreatment,
  parseProgramme,
  tierForSpend,
  rollingSpend,
  type Programme,
  type ProgrammeInput,
  type Tier,
  type RedemptionRules,
  type LocalisedText,
} from './programme';
export { OfferSchema, OffersSchema, EffectSchema, parseOffers, type Offer, type OfferInput, type Effect, type LineFilter } from './offers';
export {
  SaleInputSchema,
  BasketLineSchema,
  CustomerSchema,
  StoreSchema,
  parseSaleInput,
  type SaleInput,
  type BasketLine,
  type Customer,
  type Store,
} from './input';
export { SaleTimeSchema, toLocal, type SaleTime, type LocalDateTime } from './time';
export { indexOffers, usesInPeriod, type OfferIndex } from './eligibility';
export { priceReceipt, type PriceInput, type PricedReceipt, type PricedLine, type ReceiptTotals } from './pricing';
export { priceReturn, type ReturnLineRequest, type ReturnedLine, type ReturnResult } from './returns';
export { welcomeBonus, type WelcomeContext, type WelcomeResult } from './welcome';
export {
  nextOrderCoupons,
  nextOrderCouponCode,
  nextOrderBatchId,
  isNextOrderBatch,
  localMidnightMs,
  NEXT_ORDER_PREFIX,
  type NextOrderCoupon,
} from './nextOrder';
export { personalOffers, type PersonalOffersContext } from './personal';
export {
  makeLot,
  lotState,
  availableBalance,
  pendingBalance,
  expiringSoonest,
  applyRedemption,
  restoreRedemption,
  reverseAccrual,
  type Lot,
  type LotState,
  type LotTake,
  type RedemptionOutcome,
} from './lots';
export type { Explanation, ExplanationCode, RedemptionLimit } from './explain';
export { EngineInputError, type ParseResult, type FieldError } from './result';
