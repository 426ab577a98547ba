import { expect, test } from '@playwright/test';
import { approveWith } from '../drivers/payment/fakeTerminal';
import { demoProduct } from '../sync/server/demoSeed';
import { startFiscalTill, type FiscalTill } from './support/fiscalTill';
import { startServer, type RunningServer } from './support/processes';
import { addToBasket, pressPay } from './support/till';

// Issue 16: the receipt's feedback link (printed and as a QR code) opens the server's page on a phone.
let server: RunningServer;
let till: FiscalTill;

test.use({ viewport: { width: 1366, height: 768 } });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(200);
  await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913' });
  await server.admin('PUT', '/api/v1/admin/chains/1/desk-settings', { feedbackLink: { baseUrl: server.url } });
  till = await startFiscalTill(server, approveWith('tok_card_fb', '4242'), approveWith('tok_card_fb', '4242', '000000000555'));
});
test.afterAll(async () => {
  await till?.stop();
  await server?.stop();
});

test('a sale prints its feedback link and QR code; the customer rates on a 360px phone, once; the manager sees it', async ({ page, browser }) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 200')).toBeVisible({ timeout: 60_000 });
  await addToBasket(page, demoProduct(1));
  await pressPay(page);
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByLabel('Получено от покупателя').press('Enter');
  await expect(page.getByRole('status', { name: 'Чек' }).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });

  const sells = till.sim.state().documents.filter((d) => d.kind === 'sell');
  const doc = sells[sells.length - 1]!;
  expect(till.sim.state().invalidTasks).toEqual([]);
  const at = doc.text!.indexOf('Оцените покупку и кассира:');
  expect(at).toBeGreaterThanOrEqual(0);
  const link = doc.text![at + 1]!;
  expect(link).toMatch(new RegExp(`^${server.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/f/[A-Za-z0-9_-]{24}$`));
  expect(doc.qrCodes).toEqual([link]);
  // The sale reaches the server; only then does the link work.
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 30_000 });

  const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'ru-RU', isMobile: true, hasTouch: true });
  const customer = await phone.newPage();
  await customer.goto(link);
  await expect(customer.getByRole('heading', { name: 'Оцените покупку' })).toBeVisible();
  // Fits the phone: nothing to scroll sideways.
  expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await customer.getByRole('group', { name: 'Как вам визит?' }).getByText('5', { exact: true }).tap();
  await customer.getByRole('group', { name: 'Как вас обслужил кассир?' }).getByText('4', { exact: true }).tap();
  await customer.getByLabel('Комментарий (необязательно)').fill('Быстро и вежливо');
  await customer.getByRole('button', { name: 'Отправить' }).tap();
  await expect(customer.getByRole('heading', { name: 'Спасибо! Ваша оценка принята.' })).toBeVisible();

  // A second answer for the same receipt is refused, by the page and by a resent form.
  await customer.goto(link);
  await expect(customer.getByRole('heading', { name: 'Вы уже оценили эту покупку' })).toBeVisible();
  const again = await customer.request.post(link, { headers: { accept: 'text/html' }, form: { visit: '1', cashier: '1' } });
  expect(again.status()).toBe(409);
  expect(await again.text()).toContain('Вы уже оценили эту покупку');
  await phone.close();

  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Менеджер (F11)' }).click();
  await page.getByLabel('PIN-код менеджера').fill('482913');
  await page.getByRole('button', { name: 'Войти' }).click();
  const table = page.getByRole('table', { name: 'Оценки покупателей за период' });
  // One answer: the visit rated 5 for the store, the cashier's 4 for the cashier (nobody signed in).
  await expect(table.getByRole('row', { name: /Магазин/ })).toContainText(/1\s*5,00\s*\+100/);
  await expect(table.getByRole('row', { name: /Без кассира/ })).toContainText('4,00');
  const today = new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10);
  const chain = await server.admin<{ stores: { storeId: number; answers: number; averageHundredths: number | null }[] }>(
    'GET',
    `/api/v1/admin/chains/1/feedback?from=${today}&to=${today}`,
  );
  expect(chain.stores.find((s) => s.storeId === 1)).toMatchObject({ answers: 1, averageHundredths: 500 });
});
