import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';

/**
 * Keys the way a keyboard-wedge device sends them: real (trusted) key events whose timestamps
 * are `gapMs` apart, then Enter. The till tells scanners from people by those gaps, so they are
 * set here rather than left to how busy the machine happens to be when the test types.
 */
export async function wedgeType(page: Page, text: string, { gapMs = 5, enter = true }: { gapMs?: number; enter?: boolean } = {}): Promise<void> {
  const keys: { key: string; text: string; code?: string; windowsVirtualKeyCode?: number }[] = [...text].map((ch) => ({ key: ch, text: ch }));
  if (enter) keys.push({ key: 'Enter', text: '\r', code: 'Enter', windowsVirtualKeyCode: 13 });
  const cdp = await page.context().newCDPSession(page);
  try {
    let at = Date.now() / 1000;
    for (const k of keys) {
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', timestamp: at, ...k });
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'keyUp',
        timestamp: at,
        key: k.key,
        ...(k.code ? { code: k.code, windowsVirtualKeyCode: k.windowsVirtualKeyCode } : {}),
      });
      at += gapMs / 1000;
    }
  } finally {
    await cdp.detach();
  }
}

/** Scan a code with a keyboard-wedge scanner while the focus is on no field. */
export async function scan(page: Page, code: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // A person's last key (a '-' on the line, say) and a scanner's burst are never 50 ms apart;
  // at machine speed the till rightly reads them as one burst ("-4600…", not a product).
  await page.waitForTimeout(80);
  await wedgeType(page, code);
}

/** Scan a product until it lands in the basket (the catalogue arrives just after the customers). */
export async function addToBasket(page: Page, product: { ean: string; name: string }): Promise<void> {
  await expect(async () => {
    await scan(page, product.ean);
    await expect(page.getByRole('table', { name: 'Корзина' }).getByText(product.name)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
}

/** F9 once the sale is priced (its Pay key enabled), as a cashier presses it after seeing the total. */
export async function pressPay(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Оплата наличными (F9)' })).toBeEnabled();
  await page.keyboard.press('F9');
}

/** "1 234,56 ₽" as shown on screen -> 123456 kopecks. */
export function kopecksOf(text: string | null): number {
  return Math.round(Number((text ?? '').replace(/[^\d,]/g, '').replace(',', '.')) * 100);
}

/** Ask the till host what the page could ask it, with the page's own session token. */
export function hostRpc<T>(page: Page, request: unknown): Promise<T> {
  return page.evaluate(async (body) => {
    const res = await fetch('./host/rpc', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-till-session': sessionStorage.getItem('lt-session') ?? '' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as unknown;
  }, request) as Promise<T>;
}

/**
 * Write a device config beside a socat pair: the till opens end b, the test plays the device
 * on end a. Auto-detection is off and reconnects are quick, so tests see unplugging at once.
 */
export function devicesConfig(pairDir: string, devices: readonly Record<string, unknown>[]): string {
  const path = join(pairDir, 'devices.json');
  writeFileSync(path, JSON.stringify({ devices, autoDetect: { serial: false, hid: false }, reconnect: { baseMs: 100, maxMs: 400 } }));
  return path;
}
