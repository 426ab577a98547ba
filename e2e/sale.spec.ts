import { expect, test, type Page } from '@playwright/test';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, kopecksOf, scan } from './support/till';
import { startServer, tillForFile } from './support/processes';

const till = tillForFile(1_000);

// Demo products: 1 is yoghurt, 2 bakery, 7 tobacco (no loyalty effect), 3 fruit (weighed).
const YOGHURT = demoProduct(1);
const BREAD = demoProduct(2);

async function ready(page: Page) {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  // The catalogue arrives right after the customers: a product scan then lands in the basket.
  await addToBasket(page, YOGHURT);
}

test('a sale with bonuses survives a reload before sync and reaches the server exactly once', async ({ page }, testInfo) => {
  await ready(page);
  const basket = page.getByRole('table', { name: 'Корзина' });
  await scan(page, YOGHURT.ean);
  await expect(basket.getByLabel(`Количество: ${YOGHURT.name}`, { exact: true })).toHaveText('2');
  await page.getByRole('textbox', { name: 'Штрихкод или код товара' }).fill(BREAD.ean);
  await page.getByRole('button', { name: 'Добавить' }).click();
  await expect(basket.getByText(BREAD.name)).toBeVisible();

  await scan(page, demoCardNumber(42));
  const customer = page.getByRole('article', { name: 'Клиент' });
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');
  const before = await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(42)}`);

  await page.getByRole('button', { name: 'Списать максимум' }).click();
  await expect(page.getByLabel('Оплачено бонусами')).toBeVisible();
  const payable = Number(await page.getByLabel('К оплате').getAttribute('data-kopecks'));
  expect(payable).toBeGreaterThan(0);
  await page.screenshot({ path: testInfo.outputPath('basket-with-bonuses.png') });

  // The network goes away before the customer pays.
  await till.server.stop();
  await page.keyboard.press('F9');
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Получено от покупателя').fill('5000');
  await expect(dialog.getByText(/Сдача:/)).toBeVisible();
  await page.keyboard.press('Enter');
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible();
  const redeemedText = await receipt.getByLabel('Списано бонусов').textContent();
  await page.screenshot({ path: testInfo.outputPath('receipt-offline.png') });
  await expect(page.getByLabel('К отправке: 1')).toBeVisible({ timeout: 15_000 });

  await page.reload();
  await expect(page.getByLabel('К отправке: 1')).toBeVisible({ timeout: 15_000 });

  till.server = await startServer(1_000, till.server);
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  const after = await till.server.admin<{ balance: number; ledgerBalance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(42)}`);
  const redeemed = kopecksOf(redeemedText);
  expect(redeemed).toBeGreaterThan(0);
  expect(after.balance).toBe(before.balance - redeemed);

  // Reloading again sends nothing more: the server still counts the bonuses once.
  await page.reload();
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 15_000 });
  await page.waitForTimeout(6_000);
  const later = await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(42)}`);
  expect(later.balance).toBe(after.balance);
});

test('a product the till does not know gets a clear message, and lines can be changed and removed', async ({ page }) => {
  await ready(page);
  const basket = page.getByRole('table', { name: 'Корзина' });
  await page.getByRole('button', { name: `Увеличить количество: ${YOGHURT.name}` }).click();
  await expect(basket.getByLabel(`Количество: ${YOGHURT.name}`, { exact: true })).toHaveText('2');
  await page.getByRole('button', { name: `Убрать из чека: ${YOGHURT.name}` }).click();
  await expect(basket.getByText(YOGHURT.name)).toHaveCount(0);
  await scan(page, '4006381333931');
  await expect(page.getByRole('alert')).toContainText('не найден в каталоге');
});

test('a cashier finds a receipt in the shift history and returns a line: bonuses go back to the customer', async ({ page }, testInfo) => {
  await ready(page);
  await scan(page, BREAD.ean);
  await scan(page, demoCardNumber(43));
  await expect(page.getByRole('article', { name: 'Клиент' }).getByLabel('Телефон')).toHaveText('+7 *** ***-**-43');
  const before = await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(43)}`);
  await page.getByRole('button', { name: 'Списать максимум' }).click();
  await expect(page.getByLabel('Оплачено бонусами')).toBeVisible();
  await page.keyboard.press('F9');
  await page.keyboard.press('Enter');
  const receipt = page.getByRole('status', { name: 'Чек' });
  const heading = await receipt.getByRole('heading', { name: /проведён/ }).textContent();
  const receiptNo = /Чек (\S+) проведён/.exec(heading ?? '')![1]!;
  const spent = kopecksOf(await receipt.getByLabel('Списано бонусов').textContent());
  await page.keyboard.press('Enter');

  await page.keyboard.press('F4');
  await page.getByRole('button', { name: `Возврат по чеку ${receiptNo}` }).click();
  const lines = page.getByRole('table', { name: 'Позиции чека' });
  await lines.getByLabel(`Вернуть: ${YOGHURT.name}`).fill('1');
  const effect = page.getByLabel('Вернуть бонусов на счёт', { exact: true });
  await expect(effect).not.toHaveText('0,00 ₽');
  const restored = kopecksOf(await effect.textContent());
  await page.screenshot({ path: testInfo.outputPath('return.png') });
  await page.getByRole('button', { name: 'Оформить возврат' }).click();
  await expect(page.getByText(/Возврат оформлен/)).toBeVisible();
  expect(spent).toBeGreaterThan(restored);
  expect(restored).toBeGreaterThan(0);
  // The sale and the return reach the server, each once: spent, then partly given back.
  await expect
    .poll(async () => (await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(43)}`)).balance, { timeout: 30_000 })
    .toBe(before.balance - spent + restored);
  await page.keyboard.press('F4');
  await expect(page.getByRole('table', { name: 'Чеки смены' }).getByText('был возврат')).toBeVisible();
});
