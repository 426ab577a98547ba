/**
 * The till's modes: exactly one at a time, and each key and scan has one defined effect in each
 * (keymap.ts, scanRouter.ts). `paying*` modes own the sale: nothing may change it while a
 * payment is in progress.
 */
export type TillMode =
  'setup' | 'signIn' | 'selling' | 'payingCash' | 'payingCard' | 'registering' | 'returning' | 'history' | 'rejected' | 'manager' | 'diagnostics';

/** Modes that sit above the sale and return to it when closed (F11, F12, the rejected-events list). */
export const OVERLAY_MODES: ReadonlySet<TillMode> = new Set(['manager', 'diagnostics', 'rejected']);

/** While one of these is open the sale's amount is fixed: the customer is paying it. */
export function isPaying(mode: TillMode): boolean {
  return mode === 'payingCash' || mode === 'payingCard';
}
