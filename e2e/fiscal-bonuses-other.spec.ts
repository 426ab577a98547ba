import { expect, test, type Page } from '@playwright/test';
import { approveWith } from '../drivers/payment/fakeTerminal';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { kopecksOf, pressPay, scan } from './support/till';
import { startFiscalTill, type FiscalTill } from './support/fiscalTill';
import { startServer, type RunningServer } from './support/processes';

// Issue 14: the chain books bonuses spent as the register's payment type "other" (head office's
// choice in the programme); the till pulls it and its ATOL register records the bonuses so,
// though the till's device config says nothing (its default: a discount).
const GOODS = demoProduct(4);

let server: RunningServer;
let till: FiscalTill;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(200);
  const { programme } = await server.admin<{ programme: Record<string, unknown> & { version: number } }>('GET', '/api/v1/admin/chains/1/programme');
  await server.admin('PUT', '/api/v1/admin/chains/1/programme', { ...programme, version: programme.version + 1, fiscalBonuses: 'otherPayment' });
  till = await startFiscalTill(server, approveWith('tok_card_other', '4242', '000000000777'), approveWith('tok_card_other', '4242', '000000000778'));
});
test.afterAll(async () => {
  await till?.stop();
  await server?.stop();
});

async function ready(page: Page): Promise<void> {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 200')).toBeVisible({ timeout: 60_000 });
}

test("bonuses spent go to the register as payment type 'other' when the chain's programme says so", async ({ page }) => {
  await ready(page);
  const basket = page.getByRole('table', { name: 'Корзина' });
  await expect(async () => {
    await scan(page, GOODS.ean);
    await expect(basket.getByText(GOODS.name)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await scan(page, GOODS.ean);
  await scan(page, demoCardNumber(44));
  await expect(page.getByRole('article', { name: 'Клиент' })).toBeVisible();
  await page.getByRole('button', { name: 'Списать максимум' }).click();
  const spent = kopecksOf(await page.getByLabel('Оплачено бонусами').textContent());
  const payable = Number(await page.getByLabel('К оплате').getAttribute('data-kopecks'));
  expect(spent).toBeGreaterThan(0);

  await pressPay(page);
  await expect(page.getByRole('dialog', { name: 'Оплата наличными' })).toBeVisible();
  await page.keyboard.press('F10');
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByText(/Кассовый чек: ФД №/)).toBeVisible({ timeout: 20_000 });

  const sold = till.sim.state().documents.at(-1)!;
  expect(sold.kind).toBe('sell');
  // The card paid the money, payment type "other" the bonuses; the positions are at their price before bonuses.
  expect(sold.payments).toEqual([
    { type: 'electronically', kopecks: payable },
    { type: 'other', kopecks: spent },
  ]);
  expect(sold.positions!.reduce((s, p) => s + p.amountKopecks, 0)).toBe(payable + spent);
  expect(till.sim.state().invalidTasks).toEqual([]);
});
