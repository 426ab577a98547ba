import { expect, test, type Page } from '@playwright/test';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, scan } from './support/till';
import { tillForFile } from './support/processes';

/** The cashier's day at the sale screen (issue 15), keyboard first. */
const till = tillForFile(200, {
  prepare: async (server) => {
    await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913' });
  },
});

const YOGHURT = demoProduct(1);
const BREAD = demoProduct(2);
const FRUIT = demoProduct(3);

async function ready(page: Page) {
  await page.goto(till.host.openUrl);
  await expect(page.getByText(/База клиентов загружена/)).toBeVisible({ timeout: 60_000 });
  await addToBasket(page, YOGHURT);
}

const basket = (page: Page) => page.getByRole('table', { name: 'Корзина' });

test('search by name (Ctrl+F), a quantity before a scan (3*), + and − on the selected line, weight typed in kg', async ({ page }, testInfo) => {
  await ready(page);
  await page.keyboard.press('Control+KeyF');
  const search = page.getByRole('dialog', { name: 'Поиск товара' });
  await expect(search).toBeVisible();
  await page.keyboard.type(BREAD.name);
  await expect(search.getByRole('option', { name: new RegExp(BREAD.name) }).first()).toBeVisible();
  await testInfo.attach('search.png', { body: await page.screenshot(), contentType: 'image/png' });
  await page.keyboard.press('Enter');
  await expect(search).toHaveCount(0);
  await expect(basket(page).getByText(BREAD.name, { exact: true })).toBeVisible();

  // 3* in the product field, then a scan: three yoghurts more.
  await page.getByRole('textbox', { name: 'Штрихкод или код товара' }).fill('3*');
  await expect(page.getByLabel('Количество для следующего товара: 3')).toBeVisible();
  await scan(page, YOGHURT.ean);
  await expect(basket(page).getByLabel(`Количество: ${YOGHURT.name}`, { exact: true })).toHaveText('4');
  // The yoghurt line is selected: + and − change it (focus on no field).
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('+');
  await expect(basket(page).getByLabel(`Количество: ${YOGHURT.name}`, { exact: true })).toHaveText('5');
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  await expect(basket(page).getByLabel(`Количество: ${YOGHURT.name}`, { exact: true })).toHaveText('3');

  // A weighed product asks for its weight.
  await scan(page, FRUIT.ean);
  const weight = page.getByRole('dialog', { name: `Вес: ${FRUIT.name}` });
  await expect(weight).toBeVisible();
  // Typed at a person's pace: a burst ending in Enter is a scanner's (scanning.spec.ts).
  await page.keyboard.type('1,2345', { delay: 90 });
  await page.keyboard.press('Enter');
  await expect(weight.getByRole('alert')).toContainText('в килограммах');
  await weight.getByLabel('Вес, кг').fill('0,456');
  await page.keyboard.press('Enter');
  await expect(basket(page).getByLabel(`Количество: ${FRUIT.name}`, { exact: true })).toHaveText('0,456 кг');
});

test('a product code typed in the customer field lands in the basket, not in a customer lookup', async ({ page }) => {
  await ready(page);
  await page.getByLabel('Карта или телефон', { exact: true }).fill(BREAD.ean);
  await page.keyboard.press('Enter');
  await expect(basket(page).getByText(BREAD.name, { exact: true })).toBeVisible();
  await expect(page.getByText('Клиент не найден')).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Штрихкод или код товара' })).toBeFocused();
});

test('held sales: Ctrl+H puts the sale aside, the next customer pays, Ctrl+O resumes it after a reload', async ({ page }) => {
  await ready(page);
  await scan(page, BREAD.ean);
  await page.keyboard.press('Control+KeyH');
  await expect(page.getByRole('alert').filter({ hasText: 'Чек отложен' })).toBeVisible();
  await expect(basket(page).getByText(YOGHURT.name)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Отложенные (1) (Ctrl+O)' })).toBeVisible();

  await scan(page, YOGHURT.ean);
  await page.keyboard.press('F9');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status', { name: 'Чек' })).toBeVisible();
  await page.keyboard.press('Enter');

  await page.reload();
  await expect(page.getByRole('button', { name: 'Отложенные (1) (Ctrl+O)' })).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('Control+KeyO');
  const list = page.getByRole('dialog', { name: 'Отложенные чеки' });
  await expect(list.getByText(/позиций 2/)).toBeVisible();
  await list.getByRole('button', { name: 'Возобновить' }).click();
  await expect(basket(page).getByText(YOGHURT.name, { exact: true })).toBeVisible();
  await expect(basket(page).getByText(BREAD.name, { exact: true })).toBeVisible();
});

test('voiding a line after the total was shown asks for the supervisor PIN; the customer display shows the basket and bonuses', async ({
  page,
  context,
}, testInfo) => {
  await ready(page);
  const display = await context.newPage();
  const url = new URL(till.host.openUrl);
  await display.goto(`${url.origin}${url.pathname}#/customer`);
  await scan(page, BREAD.ean);
  await scan(page, demoCardNumber(42));
  await expect(display.getByRole('heading', { name: /Здравствуйте/ })).toBeVisible();
  await expect(display.getByRole('table', { name: 'Ваши покупки' }).getByText(BREAD.name)).toBeVisible();
  await expect(display.getByLabel('Ваши бонусы')).toBeVisible();
  await testInfo.attach('customer-display.png', { body: await display.screenshot(), contentType: 'image/png' });

  await page.keyboard.press('F9');
  await page.keyboard.press('Escape');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Delete');
  const approval = page.getByRole('dialog', { name: 'Нужно подтверждение администратора' });
  await expect(approval).toBeVisible();
  await approval.getByLabel('PIN-код администратора').fill('111111');
  await page.keyboard.press('Enter');
  await expect(approval.getByRole('alert')).toContainText('не подошли');
  await approval.getByLabel('PIN-код администратора').fill('482913');
  await page.keyboard.press('Enter');
  await expect(approval).toHaveCount(0);
  await expect(basket(page).getByText(BREAD.name, { exact: true })).toHaveCount(0);
  await expect(display.getByRole('table', { name: 'Ваши покупки' }).getByText(BREAD.name)).toHaveCount(0);
});

test('input checks: the bonus field refuses letters and a minus in Russian and shows a capped amount; F6 mid-sale asks first; Esc closes registration', async ({
  page,
}) => {
  await ready(page);
  await scan(page, demoCardNumber(43));
  const field = page.getByLabel(/Списать бонусов/);
  await field.fill('abc');
  await page.getByRole('button', { name: 'Списать', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Введите сумму бонусов числом' })).toBeVisible();
  await field.fill('-5');
  await page.getByRole('button', { name: 'Списать', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Введите сумму бонусов числом' })).toBeVisible();
  await field.fill('5000');
  await page.getByRole('button', { name: 'Списать', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: /Списать можно не больше/ })).toBeVisible();
  const applied = await field.inputValue();
  expect(applied).not.toBe('5000');
  expect(applied).not.toBe('');

  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('F6');
  await expect(page.getByRole('alertdialog', { name: /Чек не закрыт/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(basket(page).getByText(YOGHURT.name, { exact: true })).toBeVisible();

  // Cash tendered: letters are not a number; a huge sum is refused.
  await page.keyboard.press('F9');
  const pay = page.getByRole('dialog', { name: 'Оплата наличными' });
  await pay.getByLabel('Получено от покупателя').fill('много');
  await expect(pay.getByText('Введите сумму числом')).toBeVisible();
  await pay.getByLabel('Получено от покупателя').fill('99999999');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Слишком большая сумма' })).toBeVisible();
  await page.keyboard.press('Escape');

  // Esc closes the registration form.
  await page.keyboard.press('Escape');
  await page.getByLabel('Карта или телефон', { exact: true }).fill('+7 916 555-44-33');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Зарегистрировать клиента' }).click();
  const form = page.getByRole('form').or(page.locator('.register'));
  await expect(form.first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator('.register')).toHaveCount(0);
});
