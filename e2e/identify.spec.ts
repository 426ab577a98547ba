import { expect, test } from '@playwright/test';
import { demoCardNumber } from '../sync/server/demoSeed';
import { tillForFile } from './support/processes';

const till = tillForFile(10_000);

test('a cashier identifies customers by card and phone, online and then with the server stopped', async ({ page }, testInfo) => {
  await page.goto(till.host.openUrl);
  // The session token leaves the address bar once the till has read it.
  await expect(page).not.toHaveURL(/session=/);
  await expect(page.getByText('База клиентов загружена: 10 000')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('status').getByText('Ромашка, Тверская 1')).toBeVisible();

  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  const customer = page.getByRole('article', { name: 'Клиент' });

  const card = demoCardNumber(42);
  const onServer = await till.server.admin<{ firstName: string; balance: number; ledgerBalance: number }>('GET', `/api/v1/admin/customers?card=${card}`);
  expect(onServer.balance).toBe(onServer.ledgerBalance);
  await input.fill(card);
  await input.press('Enter');
  await expect(customer.getByRole('heading', { name: onServer.firstName })).toBeVisible();
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');
  await expect(customer.getByLabel('Бонусы')).toHaveAttribute('data-kopecks', String(onServer.balance));
  const roubles = new Intl.NumberFormat('ru-RU').format(Math.floor(onServer.balance / 100));
  await expect(customer.getByLabel('Бонусы')).toHaveText(`${roubles},${String(onServer.balance % 100).padStart(2, '0')} ₽`);
  await page.screenshot({ path: testInfo.outputPath('customer-by-card.png') });

  await input.fill('8 (916) 000-00-43');
  await input.press('Enter');
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-43');
  await expect(customer.getByText('по телефону')).toBeVisible();

  await input.fill(demoCardNumber(123_456));
  await input.press('Enter');
  await expect(page.getByRole('heading', { name: 'Клиент не найден' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Зарегистрировать клиента' })).toBeVisible();

  await input.fill('2700000000015');
  await input.press('Enter');
  await expect(page.getByRole('alert')).toContainText('контрольная цифра');

  await till.server.stop();

  await page.keyboard.press('Escape');
  await input.fill(demoCardNumber(7));
  await input.press('Enter');
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-07');
  await input.fill('+7 916 000-00-08');
  await input.press('Enter');
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-08');

  await input.fill(demoCardNumber(123_457));
  await input.press('Enter');
  await expect(page.getByRole('alert')).toContainText('сервер сейчас недоступен');
  await expect(page.getByRole('status').getByText('Нет связи с сервером')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('offline-not-found.png') });
});

test('the till speaks English when the cashier picks it', async ({ page }) => {
  await page.goto(till.host.openUrl);
  await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');
  await expect(page.getByRole('textbox', { name: 'Card or phone' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
});
