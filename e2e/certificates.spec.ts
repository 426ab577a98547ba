import { expect, test, type Page } from '@playwright/test';
import { demoProduct } from '../sync/server/demoSeed';
import { addToBasket, kopecksOf, pressPay } from './support/till';
import { tillForFile } from './support/processes';

/**
 * Issue 16: a gift certificate sold at the till (activated when its sale reaches the server),
 * then taken as payment: it pays what it can, the dialog shows what is left on it and what is
 * left to pay in money; a second receipt spends the rest and the cash pays the difference.
 */
let code = '';
const till = tillForFile(1_000, {
  prepare: async (server) => {
    ({
      codes: [code = ''],
    } = await server.admin<{ codes: string[] }>('POST', '/api/v1/admin/chains/1/certificates', { nominalKopecks: 15_000, count: 1, prefix: 'GC' }));
  },
});
const YOGHURT = demoProduct(1); // 86,90 ₽
const BREAD = demoProduct(2); // 123,90 ₽

async function payCash(page: Page, amount: string) {
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Получено от покупателя').fill(amount);
  await dialog.getByLabel('Получено от покупателя').press('Enter');
  await expect(page.getByRole('status', { name: 'Чек' }).getByRole('heading', { name: /проведён/ })).toBeVisible();
}

async function takeCertificate(page: Page) {
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Оплата сертификатом (код)').fill(code.toLowerCase());
  await dialog.getByRole('button', { name: 'Принять сертификат' }).click();
  await expect(page.getByText(`Сертификат ${code} принят в оплату`)).toBeVisible();
  return dialog;
}

test('a gift certificate is sold, then pays part of two receipts with its balance shown, never below zero', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });

  // Selling certificates is folded away on the sale screen: the cashier opens it.
  await page.getByText('Продать подарочный сертификат…').click();
  // Sold: typed (or scanned into the field) on the sale screen; the server says it is unsold, it becomes a line at its nominal.
  await expect(async () => {
    await page.getByLabel('Продать сертификат (код или штрихкод)').fill(code);
    await page.getByLabel('Продать сертификат (код или штрихкод)').press('Enter');
    await expect(page.getByRole('table', { name: 'Корзина' }).getByText(`Подарочный сертификат ${code}`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByLabel('К оплате')).toHaveAttribute('data-kopecks', '15000');
  // The same certificate twice on one receipt is refused.
  await page.getByLabel('Продать сертификат (код или штрихкод)').fill(code);
  await page.getByLabel('Продать сертификат (код или штрихкод)').press('Enter');
  await expect(page.getByText('Этот сертификат уже в чеке')).toBeVisible();
  await pressPay(page);
  await payCash(page, '150');
  // Its sale reaches the server, which activates it.
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });

  // Yoghurt, 86,90 ₽: the certificate pays it all and keeps 63,10 ₽.
  await addToBasket(page, YOGHURT);
  await pressPay(page);
  let dialog = await takeCertificate(page);
  const parts = dialog.getByRole('list', { name: 'Оплачено сертификатами' });
  await expect(parts).toContainText(`Сертификат ${code}`);
  await expect(parts).toContainText(/86,90\s₽, остаток на сертификате 63,10\s₽/);
  await expect(dialog.getByText(/Осталось оплатить деньгами: 0,00\s₽/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('certificate-part.png') });
  await payCash(page, '0');

  // Bread, 123,90 ₽: the certificate pays its 63,10 ₽ (balance 0), cash the other 60,80 ₽.
  await addToBasket(page, BREAD);
  await pressPay(page);
  dialog = await takeCertificate(page);
  await expect(dialog.getByRole('list', { name: 'Оплачено сертификатами' })).toContainText(/63,10\s₽, остаток на сертификате 0,00\s₽/);
  await expect(dialog.getByText(/Осталось оплатить деньгами: 60,80\s₽/)).toBeVisible();
  expect(kopecksOf(await dialog.getByLabel('Получено от покупателя').inputValue())).toBe(6_080);
  await payCash(page, '100');
  // The receipt screen says what the certificate paid and what stays on it.
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByText(`Сертификат ${code}`)).toBeVisible();
  await expect(receipt.getByText(/63,10\s₽, остаток 0,00\s₽/)).toBeVisible();

  // A third receipt: nothing is left on it.
  await addToBasket(page, YOGHURT);
  await pressPay(page);
  dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Оплата сертификатом (код)').fill(code);
  await dialog.getByRole('button', { name: 'Принять сертификат' }).click();
  await expect(page.getByText('На сертификате не осталось денег')).toBeVisible();
  await payCash(page, '100');

  // Every sale reached the server; none disagreed over the certificate.
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  const conflicts = await till.server.admin<{ items: unknown[] }>('GET', '/api/v1/admin/exceptions?kind=certificate_conflict');
  expect(conflicts.items).toEqual([]);
  const mismatches = await till.server.admin<{ items: unknown[] }>('GET', '/api/v1/admin/exceptions?kind=payment_mismatch');
  expect(mismatches.items).toEqual([]);
});
