import { expect, test } from '@playwright/test';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { tillForFile } from './support/processes';
import { scan } from './support/till';

const MANAGER_CARD = '7700000000017';

const till = tillForFile(500, {
  prepare: async (server) => {
    // The store has a cashier, so the till asks who is at it before the first sale.
    await server.admin('POST', '/api/v1/admin/stores/1/cashiers', { personnelNo: '101', name: 'Анна Смирнова', pin: '1357' });
    await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913', card: MANAGER_CARD });
  },
});

test("a cashier starts the shift; a store manager unlocks with a card or a PIN and sees today's figures per till and per cashier", async ({
  page,
}, testInfo) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 500')).toBeVisible({ timeout: 60_000 });
  // Shift start: personnel number, Enter, PIN, Enter.
  await expect(page.getByRole('heading', { name: 'Вход кассира' })).toBeVisible({ timeout: 30_000 });
  await page.getByLabel('Табельный номер').fill('101');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('PIN-код кассира')).toBeFocused();
  await page.keyboard.type('0000');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Неверный номер или PIN');
  await page.getByLabel('PIN-код кассира').fill('1357');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Кассир: Анна Смирнова')).toBeVisible();

  // One sale with a card first, so the day has figures; a phone nobody has is offered registration first.
  const code = page.getByRole('textbox', { name: 'Штрихкод или код товара' });
  await expect(async () => {
    await code.fill(demoProduct(1).ean);
    await page.getByRole('button', { name: 'Добавить' }).click();
    await expect(page.getByRole('table', { name: 'Корзина' }).getByText(demoProduct(1).name)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill('+7 977 000-11-22');
  await input.press('Enter');
  await expect(page.getByRole('button', { name: 'Зарегистрировать' })).toBeVisible();
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
  // The server's code, worded in Russian by the till (never the server's English message).
  await expect(page.getByRole('alert')).toContainText('Неверный PIN или карта менеджера');
  // "PIN" is the word Russian cashiers use too; any other Latin word would be English leaking through.
  await expect(page.getByRole('alert')).not.toContainText(/(?!PIN\b)\b[A-Za-z]{3,}/);
  // The manager card, scanned with a keyboard-wedge scanner, unlocks like the PIN.
  await scan(page, MANAGER_CARD);
  await expect(page.getByRole('heading', { name: 'Менеджер: Ирина Петрова' })).toBeVisible();

  const figures = page.getByRole('table', { name: 'Показатели за день' });
  const storeRow = figures.getByRole('row', { name: /Весь магазин/ });
  await expect(storeRow.getByRole('cell').nth(1)).toHaveText('1', { timeout: 15_000 });
  await expect(storeRow.getByRole('cell').nth(2)).toHaveText('100 %');
  await expect(
    figures
      .getByRole('row', { name: /Касса 1/ })
      .getByRole('cell')
      .nth(1),
  ).toHaveText('1');
  // Per cashier: her receipt and the one registration offered.
  const anna = page.getByRole('table', { name: 'Показатели по кассирам' }).getByRole('row', { name: /Анна Смирнова \(101\)/ });
  await expect(anna.getByRole('cell').nth(1)).toHaveText('1');
  await expect(anna.getByRole('cell').nth(2)).toHaveText('100 %');
  await expect(anna.getByRole('cell').nth(3)).toHaveText('1', { timeout: 15_000 });
  await expect(anna.getByRole('cell').nth(4)).toHaveText('0');

  // Money net of returns, and any range of days: yesterday to today still holds the one sale.
  await expect(figures.getByRole('columnheader', { name: 'Выручка нетто' })).toBeVisible();
  await expect(figures.getByRole('columnheader', { name: 'Возвраты' })).toBeVisible();
  const today = await page.getByLabel('По', { exact: true }).inputValue();
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('С', { exact: true }).fill(yesterday);
  await page.getByRole('button', { name: 'Показать' }).click();
  await expect(page.getByRole('heading', { name: `Показатели магазина с ${yesterday} по ${today}` })).toBeVisible();
  await expect(storeRow.getByRole('cell').nth(1)).toHaveText('1');

  const offers = page.getByRole('list', { name: 'Список акций' });
  await expect(offers.getByRole('listitem').first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('manager.png') });
  await page.getByRole('button', { name: 'Выйти' }).click();
  await expect(page.getByRole('heading', { name: 'Менеджер: Ирина Петрова' })).toHaveCount(0);

  // And with the PIN, keyboard only.
  await page.keyboard.press('F11');
  await page.getByLabel('PIN-код менеджера').fill('482913');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Менеджер: Ирина Петрова' })).toBeVisible();
  await page.getByRole('button', { name: 'Выйти' }).click();

  // F6 ends the cashier's turn: the till asks who is next.
  await page.keyboard.press('F6');
  await expect(page.getByRole('heading', { name: 'Вход кассира' })).toBeVisible();
});

test('with the server down the manager screen says so in Russian (never "fetch failed") and shows this till’s own figures', async ({ page }) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 500')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('heading', { name: 'Вход кассира' })).toBeVisible({ timeout: 30_000 });
  await till.server.stop();
  // The shift starts offline: the till checks the cashier's PIN itself.
  await page.getByLabel('Табельный номер').fill('101');
  await page.keyboard.press('Enter');
  await page.getByLabel('PIN-код кассира').fill('1357');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Кассир: Анна Смирнова')).toBeVisible();

  await page.keyboard.press('F11');
  await page.getByLabel('PIN-код менеджера').fill('482913');
  await page.keyboard.press('Enter');
  const alert = page.getByRole('alert');
  await expect(alert).toHaveText('Нет связи с сервером: менеджера проверить нельзя.', { timeout: 30_000 });
  await expect(page.getByText(/fetch failed|Cannot reach/i)).toHaveCount(0);
  // What the till can show without anyone being checked: its own receipts per cashier, from its journal.
  await expect(page.getByText(/^Нет связи с сервером\. Показатели только этой кассы/)).toBeVisible();
  const own = page.getByRole('table', { name: 'Показатели кассы по кассирам' });
  await expect(own.getByRole('row', { name: /Вся касса/ })).toBeVisible();
});
