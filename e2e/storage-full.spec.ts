import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { approveWith, startFakeTerminal, type FakeTerminal } from '../drivers/payment/fakeTerminal';
import { createSocatPair, type SocatPair } from '../drivers/testing/socatPair';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, devicesConfig, kopecksOf } from './support/till';
import { tillForFile } from './support/processes';

// A full disk at checkout, in real Chromium: the origin's IndexedDB quota is cut below what the
// till already stores (CDP Storage.overrideQuotaForOrigin), so the checkout's strict transaction
// fails with a real QuotaExceededError from Chromium's own quota check, not a mocked one.

// A payment terminal on a socat pair: the till's end is b, the test's stand-in answers on a.
let pair: SocatPair;
let terminal: FakeTerminal;
let config: string;
test.beforeAll(async () => {
  pair = await createSocatPair();
  terminal = await startFakeTerminal(pair.a, approveWith('tok_card_of_ivan', '1111'));
  config = devicesConfig(pair.dir, [{ id: 'pinpad', type: 'payment-terminal', path: pair.b }]);
});
const till = tillForFile(1_000, { env: () => ({ LT_DEVICE_CONFIG: config }) });
test.afterAll(async () => {
  await terminal?.close();
  await pair?.dispose();
});
const charges = () => terminal.received.filter((l) => l.startsWith('PAY')).length;

const YOGHURT = demoProduct(1);
const BREAD = demoProduct(2);

async function setQuota(cdp: CDPSession, page: Page, quotaSize?: number): Promise<void> {
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', quotaSize === undefined ? { origin } : { origin, quotaSize });
}

/** One small strict write into a scratch database of the till's origin: 'ok' or the error's name. */
function probeWrite(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, ko) => {
      const r = indexedDB.open('storage-full-probe', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('s');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(r.error);
    });
    try {
      return await new Promise<string>((ok) => {
        const tx = db.transaction('s', 'readwrite', { durability: 'strict' });
        tx.objectStore('s').put('x'.repeat(1_000), Date.now());
        tx.oncomplete = () => ok('ok');
        tx.onabort = () => ok(tx.error?.name ?? 'aborted');
      });
    } finally {
      db.close();
    }
  });
}

test('a card checkout on a full disk stops sales with a clear alert, keeps the sale and the approval, and completes it once space is back without charging twice', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  await addToBasket(page, YOGHURT);
  // Typed rather than scanned: the keyboard-wedge timing is not what this test is about.
  await page.getByRole('textbox', { name: 'Штрихкод или код товара' }).fill(BREAD.ean);
  await page.getByRole('button', { name: 'Добавить' }).click();
  const basket = page.getByRole('table', { name: 'Корзина' });
  await expect(basket.getByText(BREAD.name)).toBeVisible();
  await page.getByRole('textbox', { name: 'Карта или телефон' }).fill(demoCardNumber(42));
  await page.getByRole('button', { name: 'Найти' }).click();
  await expect(page.getByRole('article', { name: 'Клиент' }).getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');
  const before = await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(42)}`);
  await page.getByRole('button', { name: 'Списать максимум' }).click();
  const redeemed = kopecksOf(await page.getByLabel('Оплачено бонусами').textContent());
  expect(redeemed).toBeGreaterThan(0);
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 15_000 });

  // The disk fills up: the quota drops to a kilobyte, far below what the customer cache already uses.
  const cdp = await page.context().newCDPSession(page);
  const used = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  expect(used).toBeGreaterThan(1024);
  await setQuota(cdp, page, 1024);
  // Chromium's IndexedDB trusts its last quota answer for a few seconds: wait until a write of this origin really fails.
  await expect.poll(() => probeWrite(page), { timeout: 90_000, intervals: [2_000] }).toBe('QuotaExceededError');

  // The customer pays by card: the bank approves, then the till cannot save the sale.
  await page.keyboard.press('F9');
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByRole('button', { name: 'Оплатить картой (F10)' }).click();

  // What the cashier sees: sales are stopped and why, and the sale is not done.
  const alert = page.getByRole('alert').filter({ hasText: 'Продажи остановлены' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('память кассы заполнена');
  await expect(alert).toContainText('НЕ сохранена');
  await expect(alert).toContainText('Оплата картой уже одобрена банком: не проводите её ещё раз');
  expect(charges()).toBe(1);
  await expect(dialog).toBeHidden(); // it would cover the alert
  await expect(page.getByRole('status', { name: 'Чек' })).toHaveCount(0);
  await expect(page.getByText(/проведён/)).toHaveCount(0);
  // The draft is kept: basket, customer and bonuses as they were.
  await expect(basket.getByText(YOGHURT.name)).toBeVisible();
  await expect(basket.getByText(BREAD.name)).toBeVisible();
  await expect(page.getByRole('article', { name: 'Клиент' }).getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');
  expect(kopecksOf(await page.getByLabel('Оплачено бонусами').textContent())).toBe(redeemed);
  await expect(page.getByLabel('К отправке: 0')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('storage-full-alert.png') });

  // A second try on the still full disk fails the same way, saves nothing and charges nothing.
  await page.keyboard.press('F9');
  await page.keyboard.press('F10');
  await expect(alert).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status', { name: 'Чек' })).toHaveCount(0);
  expect(charges()).toBe(1);

  // Space is freed: the same sale is saved with the approval already given, and reaches the server exactly once.
  await setQuota(cdp, page);
  await page.keyboard.press('F9');
  await page.keyboard.press('F10');
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible();
  expect(kopecksOf(await receipt.getByLabel('Списано бонусов').textContent())).toBe(redeemed);
  await expect(alert).toHaveCount(0);
  expect(charges()).toBe(1);
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(async () => (await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(42)}`)).balance, { timeout: 30_000 })
    .toBe(before.balance - redeemed);

  // Nothing from the failed attempts was queued: after a reload and a while, the server still counts it once.
  await page.reload();
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 15_000 });
  await page.waitForTimeout(6_000);
  const later = await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(42)}`);
  expect(later.balance).toBe(before.balance - redeemed);
});
