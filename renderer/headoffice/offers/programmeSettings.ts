import type { FiscalBonusTreatment, Programme } from '../../../core/engine';

/** The head office's choice for bonuses on the fiscal receipt: one of the two, or '' for none (each till's device config). */
export type FiscalBonusChoice = FiscalBonusTreatment | '';

/**
 * The programme to publish with the chain's choice of how bonuses appear on the fiscal receipt,
 * everything else as it is, under the next version (the tills pull a changed programme).
 */
export function withFiscalBonuses(programme: Programme, choice: FiscalBonusChoice): Programme {
  const next: Programme = { ...programme, version: programme.version + 1 };
  if (choice) next.fiscalBonuses = choice;
  else delete next.fiscalBonuses;
  return next;
}
