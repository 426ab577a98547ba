import { isPaying, type TillMode } from './tillMode';

/** What a key does; the session carries it out. One table, one listener: no two handlers race. */
export type KeyIntent =
  | 'toSale'
  | 'toReturn'
  | 'toHistory'
  | 'focusIdentify'
  | 'focusProduct'
  | 'openPay'
  | 'payByCard'
  | 'cancel'
  | 'toggleManager'
  | 'toggleDiagnostics'
  | 'toggleCamera'
  | 'changeCashier'
  | 'toRejected'
  | 'refresh'
  | 'nextSale'
  /** Manager screen: X report on the fiscal register (F3). */
  | 'fiscalReportX';

const GLOBAL: Record<string, KeyIntent> = {
  F11: 'toggleManager',
  F12: 'toggleDiagnostics',
};

const SELLING: Record<string, KeyIntent> = {
  F1: 'toSale',
  F2: 'focusIdentify',
  F3: 'toReturn',
  F4: 'toHistory',
  F5: 'focusProduct',
  F6: 'changeCashier',
  F7: 'toRejected',
  F8: 'toggleCamera',
  F9: 'openPay',
  F10: 'payByCard',
  Escape: 'cancel',
};

/**
 * The key's intent in this mode, or null when the key belongs to the focused field. While a
 * payment runs only Esc and F10 (and the overlays) mean anything: F1..F9 cannot pull the sale away.
 */
export function keyIntent(mode: TillMode, key: string, ctx: { receiptShown: boolean } = { receiptShown: false }): KeyIntent | null {
  if (mode === 'setup') return key === 'F12' ? 'toggleDiagnostics' : null;
  if (mode === 'signIn') return GLOBAL[key] ?? null;
  const global = GLOBAL[key];
  if (global) return isPaying(mode) ? null : global;
  switch (mode) {
    case 'payingCash':
      return key === 'Escape' ? 'cancel' : key === 'F10' ? 'payByCard' : null;
    case 'payingCard':
      // The terminal owns the sale now; Esc cannot take it back from a customer typing a PIN.
      return null;
    case 'diagnostics':
      // F5 would reload the page and drop the screen: it refreshes the diagnostics instead.
      return key === 'Escape' ? 'cancel' : key === 'F5' ? 'refresh' : null;
    case 'manager':
      return key === 'Escape' ? 'cancel' : key === 'F3' ? 'fiscalReportX' : null;
    case 'rejected':
    case 'registering':
      return key === 'Escape' ? 'cancel' : null;
    case 'selling':
      // The receipt summary of the sale just paid: Enter (or Esc) starts the next sale.
      if (ctx.receiptShown && (key === 'Enter' || key === 'Escape')) return 'nextSale';
      return SELLING[key] ?? null;
    case 'returning':
    case 'history':
      return SELLING[key] ?? null;
  }
}
