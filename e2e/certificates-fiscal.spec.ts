import { expect, test, type Page } from '@playwright/test';
import { approveWith } from '../drivers/payment/fakeTerminal';
import { demoProduct } from '../sync/server/demoSeed';
import { addToBasket, pressPay } from './support/till';
import { startFiscalTill, type FiscalTill } from './support/fiscalTill';
import { startServer, type RunningServer } from './support/processes';

/**
 * Issue 16, 54-FZ: a gift certificate sold is an advance on the fiscal receipt (its calculated VAT
 * rate 22/122), and the part of a later receipt it pays is payment type "prepaid" (зачёт аванса).
 */
let server: RunningServer;
let till: FiscalTill;
let code = '';

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(1_000);
  ({
    codes: [code = ''],
  } = await server.admin<{ codes: string[] }>('POST', '/api/v1/admin/chains/1/certificates', { nominalKopecks: 5_000, count: 1 }));
  till = await startFiscalTill(server, approveWith('tok_card_gc', '4242'), approveWith('tok_card_gc', '4242', '000000000777'));
});
test.afterAll(async () => {
  await till?.stop();
  await server?.stop();
});

const sells = () => till.sim.state().documents.filter((d) => d.kind === 'sell');

async function payCash(page: Page, amount: string) {
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Получено от покупателя').fill(amount);
  await dialog.getByLabel('Получено от покупателя').press('Enter');
  await expect(page.getByRole('status', { name: 'Чек' }).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
}

test('a certificate sold is an advance on the fiscal receipt; paying with one is prepaid', async ({ page }) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  // Selling certificates is folded away on the sale screen: the cashier opens it.
  await page.getByText('Продать подарочный сертификат…').click();
  await expect(async () => {
    await page.getByLabel('Продать сертификат (код или штрихкод)').fill(code);
    await page.getByLabel('Продать сертификат (код или штрихкод)').press('Enter');
    await expect(page.getByRole('table', { name: 'Корзина' }).getByText(`Подарочный сертификат ${code}`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await pressPay(page);
  await payCash(page, '50');
  const sold = sells().at(-1)!;
  expect(sold.positions).toEqual([expect.objectContaining({ name: `Подарочный сертификат ${code}`, amountKopecks: 5_000, tax: 'vat122' })]);
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });

  // Bread, 123,90 ₽: the certificate pays 50 ₽ (set off against the advance), cash the rest.
  await addToBasket(page, demoProduct(2));
  await pressPay(page);
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Оплата сертификатом (код)').fill(code);
  await dialog.getByRole('button', { name: 'Принять сертификат' }).click();
  await expect(dialog.getByRole('list', { name: 'Оплачено сертификатами' })).toContainText(/50,00\s₽, остаток на сертификате 0,00\s₽/);
  await payCash(page, '100');
  const paid = sells().at(-1)!;
  expect(paid.payments).toEqual(
    expect.arrayContaining([
      { type: 'prepaid', kopecks: 5_000 },
      { type: 'cash', kopecks: 12_390 - 5_000 },
    ]),
  );
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  const conflicts = await server.admin<{ items: unknown[] }>('GET', '/api/v1/admin/exceptions?kind=certificate_conflict');
  expect(conflicts.items).toEqual([]);
});
