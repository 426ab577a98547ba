import { expect, test, type Locator, type Page } from '@playwright/test';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, scan } from './support/till';
import { tillForFile } from './support/processes';

/** The smallest target a finger hits reliably (WCAG 2.5.5, Apple HIG): 44 x 44 CSS px. */
const MIN = 44;

const till = tillForFile(1_000);

/** Every visible control in `scope` that is smaller than MIN in either direction, described. */
async function tooSmall(scope: Page | Locator): Promise<string[]> {
  const controls = scope.locator('button, input:not([type=hidden]), select');
  const small: string[] = [];
  for (const c of await controls.all()) {
    if (!(await c.isVisible())) continue;
    // A checkbox is hit through its label, which wraps it: the label is the target.
    const checkbox = (await c.getAttribute('type')) === 'checkbox';
    const target = checkbox ? c.locator('xpath=ancestor::label[1]') : c;
    const box = await target.boundingBox();
    if (!box) continue;
    if (box.width < MIN || box.height < MIN) {
      const name = (await c.getAttribute('aria-label')) || (await target.textContent())?.trim() || (await c.getAttribute('id')) || '?';
      small.push(`${name}: ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}

test('every button and field on the sale screen is at least 44 x 44 px, in both languages', async ({ page }) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  // A basket, a customer and bonuses to spend put every sale control on screen.
  await addToBasket(page, demoProduct(1));
  await scan(page, demoCardNumber(42));
  await expect(page.getByRole('button', { name: 'Списать максимум' })).toBeVisible();
  expect(await page.locator('button:visible').count()).toBeGreaterThan(8);
  expect(await tooSmall(page)).toEqual([]);

  await page.keyboard.press('F9');
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await expect(dialog).toBeVisible();
  expect(await tooSmall(dialog)).toEqual([]);
  await page.keyboard.press('Escape');

  // Not found: register and try-another buttons.
  await page.getByRole('textbox', { name: 'Карта или телефон' }).fill(demoCardNumber(123_456));
  await page.getByRole('textbox', { name: 'Карта или телефон' }).press('Enter');
  await expect(page.getByRole('button', { name: 'Зарегистрировать клиента' })).toBeVisible();
  expect(await tooSmall(page)).toEqual([]);

  await page.getByRole('button', { name: 'Зарегистрировать клиента' }).click();
  await expect(page.getByRole('form', { name: 'Регистрация клиента' })).toBeVisible();
  expect(await tooSmall(page)).toEqual([]);
  await page.getByRole('button', { name: 'Отмена', exact: true }).click();

  // The other cashier screens: returns (F3) and the shift's receipts (F4).
  await page.keyboard.press('F3');
  await expect(page.getByRole('button', { name: 'Найти чек' })).toBeVisible();
  expect(await tooSmall(page)).toEqual([]);
  await page.keyboard.press('F4');
  await expect(page.getByRole('button', { name: 'Чеки смены (F4)' })).toHaveAttribute('aria-pressed', 'true');
  expect(await tooSmall(page)).toEqual([]);
  await page.keyboard.press('F1');
  await scan(page, demoCardNumber(42));

  await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');
  await expect(page.getByRole('button', { name: 'Spend the maximum' })).toBeVisible();
  expect(await tooSmall(page)).toEqual([]);
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
});
