import { expect, test, type Page } from '@playwright/test';
import { demoProduct } from '../sync/server/demoSeed';
import { tillForFile } from './support/processes';
import { addToBasket, pressPay } from './support/till';

const till = tillForFile(200, {
  prepare: async (server) => {
    await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913' });
  },
});

async function saleRated(page: Page, rating: number) {
  await addToBasket(page, demoProduct(1));
  await pressPay(page);
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByLabel('Получено от покупателя').press('Enter');
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible();
  await receipt.getByRole('button', { name: `Оценка ${rating}` }).click();
  await expect(receipt.getByText(`Спасибо! Оценка ${rating} из 5`)).toBeVisible();
}

test("customers rate two purchases; the manager sees the store's score and NPS-style index, head office per store", async ({ page }) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 200')).toBeVisible({ timeout: 60_000 });
  await saleRated(page, 5);
  await saleRated(page, 2);
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Менеджер (F11)' }).click();
  await page.getByLabel('PIN-код менеджера').fill('482913');
  await page.getByRole('button', { name: 'Войти' }).click();
  const table = page.getByRole('table', { name: 'Оценки покупателей за период' });
  // Two answers: a 5 (promoter) and a 2 (detractor): average 3,50, index 0.
  await expect(table.getByRole('row', { name: /Магазин/ })).toContainText(/2\s*3,50\s*0/);
  await expect(table.getByRole('row', { name: /Без кассира/ })).toContainText('3,50');

  const today = new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10);
  const chain = await till.server.admin<{ stores: { storeId: number; answers: number; index: number | null }[] }>(
    'GET',
    `/api/v1/admin/chains/1/feedback?from=${today}&to=${today}`,
  );
  expect(chain.stores.find((s) => s.storeId === 1)).toMatchObject({ answers: 2, index: 0 });
});
