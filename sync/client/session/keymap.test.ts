import { describe, expect, it } from 'vitest';
import { keyIntent, type KeyIntent } from './keymap';
import type { TillMode } from './tillMode';

const MODES: TillMode[] = [
  'setup',
  'signIn',
  'selling',
  'payingCash',
  'payingCard',
  'registering',
  'returning',
  'history',
  'rejected',
  'manager',
  'diagnostics',
];
const KEYS = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12', 'Escape', 'Enter', 'a', '5', 'Tab'];

/** The sale screen's keys (selling, and the return and history screens beside it). */
const SALE_KEYS: Record<string, KeyIntent> = {
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
  F11: 'toggleManager',
  F12: 'toggleDiagnostics',
  Escape: 'cancel',
};
const OVERLAYS: Record<string, KeyIntent> = { F11: 'toggleManager', F12: 'toggleDiagnostics' };

/** What each key means in each mode; a key absent here belongs to the focused field (or the browser). */
const EXPECTED: Record<TillMode, Record<string, KeyIntent>> = {
  setup: { F12: 'toggleDiagnostics' },
  signIn: OVERLAYS,
  selling: SALE_KEYS,
  returning: SALE_KEYS,
  history: SALE_KEYS,
  // The customer is paying: only Esc (close the cash dialog) and F10 (to the card terminal).
  payingCash: { Escape: 'cancel', F10: 'payByCard' },
  // The terminal owns the sale: nothing, not even Esc or an overlay, takes it back.
  payingCard: {},
  registering: { ...OVERLAYS, Escape: 'cancel' },
  rejected: { ...OVERLAYS, Escape: 'cancel' },
  // F3 on the manager screen: the fiscal register's X report.
  manager: { ...OVERLAYS, Escape: 'cancel', F3: 'fiscalReportX' },
  // F5 refreshes the diagnostics instead of reloading the page.
  diagnostics: { ...OVERLAYS, Escape: 'cancel', F5: 'refresh' },
};

describe('keymap', () => {
  for (const mode of MODES) {
    it(`${mode}: each key has its one defined effect`, () => {
      const got = Object.fromEntries(
        KEYS.flatMap((k) => {
          const intent = keyIntent(mode, k);
          return intent ? [[k, intent]] : [];
        }),
      );
      expect(got).toEqual(EXPECTED[mode]);
    });
  }

  it('with the receipt of the sale just paid on screen, Enter or Esc starts the next sale (Esc does not clear anything)', () => {
    expect(keyIntent('selling', 'Enter', { receiptShown: true })).toBe('nextSale');
    expect(keyIntent('selling', 'Escape', { receiptShown: true })).toBe('nextSale');
    expect(keyIntent('selling', 'F9', { receiptShown: true })).toBe('openPay');
    expect(keyIntent('selling', 'Enter', { receiptShown: false })).toBeNull();
    // Only the sale screen shows the receipt summary.
    expect(keyIntent('returning', 'Enter', { receiptShown: true })).toBeNull();
  });

  it('on the receipts screen (F4) Ctrl+P prints a copy of the selected receipt and the arrows select one, unless typing', () => {
    expect(keyIntent('history', 'Ctrl+P')).toBe('printCopy');
    expect(keyIntent('history', 'ArrowDown')).toBe('lineDown');
    expect(keyIntent('history', 'ArrowUp')).toBe('lineUp');
    expect(keyIntent('history', 'ArrowDown', { receiptShown: false, typing: true })).toBeNull();
    // Elsewhere Ctrl+P stays the price edit of the sale desk, and no copy is printed from the return screen.
    expect(keyIntent('selling', 'Ctrl+P')).toBe('priceEdit');
    expect(keyIntent('returning', 'Ctrl+P')).toBeNull();
  });

  it('no key during a payment can leave the payment or reach another screen', () => {
    for (const key of KEYS) {
      for (const mode of ['payingCash', 'payingCard'] as const) {
        const intent = keyIntent(mode, key);
        expect(['cancel', 'payByCard', null], `${mode} ${key}`).toContain(intent);
        if (mode === 'payingCard') expect(intent, key).toBeNull();
      }
    }
  });
});
