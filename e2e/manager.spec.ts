import { expect, test } from '@playwright/test';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { startServer, startTillHost, type RunningHost, type RunningServer } from './support/processes';

let server: RunningServer;
let host: RunningHost;
test.beforeAll(async () => {
  server = await startServer(500);
  host = await startTillHost(server);
  await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913' });
});
test.afterAll(async () => {
  await host?.stop();
  await server?.stop();
});

test("a store manager signs in with a PIN and sees today's figures and the store's offers", async ({ page }, testInfo) => {
  await page.goto(host.openUrl);
  await expect(page.getByText('База клиентов загружена: 500')).toBeVisible({ timeout: 60_000 });
  // One sale with a card first, so the day has figures.
  const code = page.getByRole('textbox', { name: 'Штрихкод или код товара' });
  await expect(async () => {
    await code.fill(demoProduct(1).ean);
    await page.getByRole('button', { name: 'Добавить' }).click();
    await expect(page.getByRole('table', { name: 'Корзина' }).getByText(demoProduct(1).name)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill(demoCardNumber(12));
  await input.press('Enter');
  await expect(page.getByRole('article', { name: 'Клиент' })).toBeVisible();
  await page.keyboard.press('F9');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status', { name: 'Чек' }).getByRole('heading', { name: /проведён/ })).toBeVisible();
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 20_000 });
  await page.keyboard.press('Enter');

  await page.getByRole('button', { name: 'Менеджер (F11)' }).click();
  const pin = page.getByLabel('PIN-код менеджера');
  await pin.fill('111111');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await pin.fill('482913');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Менеджер: Ирина Петрова' })).toBeVisible();

  const figures = page.getByRole('table', { name: 'Показатели за день' });
  const storeRow = figures.getByRole('row', { name: /Весь магазин/ });
  await expect(storeRow.getByRole('cell').nth(1)).toHaveText('1', { timeout: 15_000 });
  await expect(storeRow.getByRole('cell').nth(2)).toHaveText('100 %');
  await expect(figures.getByRole('row', { name: /Касса 1/ }).getByRole('cell').nth(1)).toHaveText('1');

  const offers = page.getByRole('list', { name: 'Список акций' });
  await expect(offers.getByRole('listitem').first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('manager.png') });
  await page.getByRole('button', { name: 'Выйти' }).click();
  await expect(page.getByRole('heading', { name: 'Менеджер: Ирина Петрова' })).toHaveCount(0);
});
