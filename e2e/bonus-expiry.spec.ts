import { expect, test } from '@playwright/test';
import { demoCardNumber, DEMO_EXPIRING_CUSTOMERS, DEMO_EXPIRING_DAYS, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, scan } from './support/till';
import { tillForFile } from './support/processes';

const till = tillForFile(1_000);

test('the customer card tells the cashier which bonuses burn soon and when, also with the server down', async ({ page }, testInfo) => {
  const [n] = DEMO_EXPIRING_CUSTOMERS;
  // The seed's soon lot burns DEMO_EXPIRING_DAYS after the server started; the store keeps Moscow time.
  const date = new Intl.DateTimeFormat('ru', { day: 'numeric', month: 'long', timeZone: 'Europe/Moscow' }).format(Date.now() + DEMO_EXPIRING_DAYS * 86_400_000);
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  await addToBasket(page, demoProduct(1));

  const customer = page.getByRole('article', { name: 'Клиент' });
  await scan(page, demoCardNumber(n));
  await expect(customer.getByRole('status').filter({ hasText: 'Сгорят' })).toHaveText(`Сгорят 300 бонусов ${date} — предложите списать`, { timeout: 30_000 });
  await page.screenshot({ path: testInfo.outputPath('bonus-expiry.png') });

  // A customer whose bonuses burn in a year: no warning.
  await scan(page, demoCardNumber(42));
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');
  await expect(customer.getByText('Сгорят')).toHaveCount(0);

  // Offline: the warning comes from the till's own cache.
  await till.server.stop();
  await scan(page, demoCardNumber(n));
  await expect(customer.getByText(`Сгорят 300 бонусов ${date} — предложите списать`)).toBeVisible();
});
