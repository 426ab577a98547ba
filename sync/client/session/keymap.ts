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
  | 'fiscalReportX'
  /** Receipts screen (F4): a non-fiscal copy of the selected receipt on the register (Ctrl+P). */
  | 'printCopy'
  // The sale desk (saleDesk.ts): combinations, since F1-F12 are all taken.
  | 'openSearch'
  | 'holdSale'
  | 'toggleHeld'
  | `quickKey${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`
  | 'priceEdit'
  | 'discountEdit'
  /** The customer's bank card read on the payment terminal before the charge: it identifies them. */
  | 'readBankCard'
  | 'weigh'
  | 'lineUp'
  | 'lineDown'
  | 'lineMore'
  | 'lineLess'
  | 'lineVoid'
  | 'confirmYes';

/**
 * Desk keys on the sale screen. Letters are read by their physical key (`e.code`), so Ctrl+F is
 * the same key on a Russian layout (where it types "а").
 */
const DESK: Record<string, KeyIntent> = {
  'Ctrl+F': 'openSearch',
  'Ctrl+H': 'holdSale',
  'Ctrl+O': 'toggleHeld',
  'Ctrl+P': 'priceEdit',
  'Ctrl+D': 'discountEdit',
  'Ctrl+B': 'readBankCard',
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => [`Alt+${n}`, `quickKey${n}` as KeyIntent])),
};

/** Keys on the basket's selected line; only while the cashier is not typing in a field. */
const LINE: Record<string, KeyIntent> = {
  ArrowUp: 'lineUp',
  ArrowDown: 'lineDown',
  '+': 'lineMore',
  '-': 'lineLess',
  Delete: 'lineVoid',
};

/** A dialog of the sale desk open over the sale (deskState.ts deskLayer). */
export type DeskLayer = 'confirm' | 'approval' | 'priceEdit' | 'weighing' | 'search' | 'held' | null;

export interface KeyContext {
  receiptShown: boolean;
  /** The focus is in a field with text in it: arrows, + and − belong to the field. */
  typing?: boolean;
  layer?: DeskLayer;
}

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
export function keyIntent(mode: TillMode, key: string, ctx: KeyContext = { receiptShown: false }): KeyIntent | null {
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
      if (ctx.layer) return layerKey(ctx.layer, key);
      return SELLING[key] ?? DESK[key] ?? (ctx.typing ? null : (LINE[key] ?? null));
    case 'returning':
      // A return without a receipt waits for the supervisor: only the approval's keys.
      if (ctx.layer === 'approval') return layerKey('approval', key);
      return SELLING[key] ?? null;
    case 'history':
      // Ctrl+P prints a copy of the selected receipt; the arrows select one when the cursor is in no text.
      if (key === 'Ctrl+P') return 'printCopy';
      if (!ctx.typing && (key === 'ArrowUp' || key === 'ArrowDown')) return LINE[key]!;
      return SELLING[key] ?? null;
  }
}

/** Under a desk dialog only its own keys work: F9 cannot open the payment under the supervisor's PIN. */
function layerKey(layer: NonNullable<DeskLayer>, key: string): KeyIntent | null {
  if (key === 'Escape') return 'cancel';
  if (layer === 'confirm' && key === 'Enter') return 'confirmYes';
  if (layer === 'weighing' && key === 'Ctrl+G') return 'weigh';
  if (layer === 'held' && key === 'Ctrl+O') return 'toggleHeld';
  if (layer === 'search' && key === 'Ctrl+F') return 'openSearch';
  return null;
}
