import { expect, test } from '@playwright/test';
import { demoProduct } from '../sync/server/demoSeed';
import { tillForFile } from './support/processes';
import { addToBasket, pressPay, scan } from './support/till';

const till = tillForFile(1_000);
const YOGHURT = demoProduct(1);

test.use({ viewport: { width: 1366, height: 768 } });

test('a return by keyboard: the scanned receipt puts the cursor on its first line, and a receipt returned in full says so', async ({ page }) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  await addToBasket(page, YOGHURT);
  await pressPay(page);
  await page.keyboard.press('Enter');
  const heading = await page
    .getByRole('status', { name: 'Чек' })
    .getByRole('heading', { name: /проведён/ })
    .textContent();
  const receiptNo = /Чек (\S+) проведён/.exec(heading ?? '')![1]!;
  await page.keyboard.press('Enter');

  await page.keyboard.press('F3');
  await scan(page, `R-${receiptNo}`);
  // The cashier types the count at once: no Tab through the search field and its buttons.
  const count = page.getByRole('table', { name: 'Позиции чека' }).getByLabel(`Вернуть: ${YOGHURT.name}`);
  await expect(count).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(count).toHaveValue('1');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Оформить возврат' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByText(/Возврат оформлен/)).toBeVisible();

  // The same receipt again: nothing is left on it, and the screen says why nothing can be chosen.
  await scan(page, `R-${receiptNo}`);
  await expect(page.getByRole('alert')).toHaveText(`По чеку ${receiptNo} всё уже возвращено.`);
  await expect(page.getByRole('button', { name: 'Оформить возврат' })).toBeDisabled();
});
