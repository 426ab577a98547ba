import { expect, test } from '@playwright/test';
import { maskPhone } from '../core/phone';
import { demoBirthday, demoCardNumber, DEMO_PERSONAL_CUSTOMERS, demoPhone, demoProduct } from '../sync/server/demoSeed';
import { expectedBirthdayText } from './support/birthday';
import { addToBasket, scan } from './support/till';
import { tillForFile } from './support/processes';

const till = tillForFile(1_000);

test('the customer card shows the personal offers and the birthday (day and month), from the cache with the server down', async ({ page }, testInfo) => {
  const n = DEMO_PERSONAL_CUSTOMERS[0];
  const born = demoBirthday(n)!;
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  // The catalogue (offers) arrives right after the customers.
  await addToBasket(page, demoProduct(1));
  // Offline: the birthday and offers come from the till's own cache.
  await till.server.stop();

  const customer = page.getByRole('article', { name: 'Клиент' });
  await scan(page, demoCardNumber(n));
  await expect(customer.getByLabel('Телефон')).toHaveText(maskPhone(demoPhone(n)));
  await expect(customer.getByLabel('День рождения')).toHaveText(expectedBirthdayText(born, 'ru'));
  await expect(customer.getByLabel('День рождения')).not.toContainText(String(born.year));
  const offers = customer.getByRole('region', { name: 'Персональные предложения' });
  await expect(offers.getByRole('listitem')).toHaveText(['Персонально: +5 % бонусов на всё']);
  await page.screenshot({ path: testInfo.outputPath('customer-panel.png') });

  // A customer with neither: no birthday line and no offers list.
  await scan(page, demoCardNumber(42));
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');
  await expect(customer.getByLabel('День рождения')).toHaveCount(0);
  await expect(customer.getByRole('region', { name: 'Персональные предложения' })).toHaveCount(0);
});
