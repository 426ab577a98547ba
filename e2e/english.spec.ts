import { expect, test } from '@playwright/test';
import { demoBalance, demoBirthday, demoCardNumber, DEMO_PERSONAL_CUSTOMERS, demoProduct, demoTier } from '../sync/server/demoSeed';
import { expectedBirthdayText } from './support/birthday';
import { tillForFile } from './support/processes';
import { scan } from './support/till';

const till = tillForFile(1_000);

const YOGHURT = demoProduct(1);
const BREAD = demoProduct(2);
/** English money as the till shows it: "1,234.56 ₽" (comma groups, point decimals). */
const EN_MONEY = /^−?\d{1,3}(,\d{3})*\.\d{2} ₽$/;
const CYRILLIC = /[\u0400-\u04ff]/;
const kopecksOf = (text: string | null): number => Math.round(Number((text ?? '').replace(/[^\d.]/g, '')) * 100);
const en = (k: number): string => `${new Intl.NumberFormat('en-GB').format(Math.floor(k / 100))}.${String(k % 100).padStart(2, '0')} ₽`;

test('a whole sale in English: identify, basket, bonuses, cash, receipt', async ({ page }, testInfo) => {
  const n = DEMO_PERSONAL_CUSTOMERS[0];
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');
  await expect(page.getByText('Customers loaded: 1,000')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Loyalty till' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sale (F1)' })).toHaveAttribute('aria-pressed', 'true');

  // Products: a scan (until the catalogue is in), another scan, and one typed in.
  const basket = page.getByRole('table', { name: 'Basket' });
  await expect(async () => {
    await scan(page, YOGHURT.ean);
    await expect(basket.getByText(YOGHURT.name)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await scan(page, YOGHURT.ean);
  await expect(basket.getByLabel(`Quantity: ${YOGHURT.name}`, { exact: true })).toHaveText('2');
  await page.getByRole('textbox', { name: 'Barcode or product code' }).fill(BREAD.ean);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(basket.getByText(BREAD.name)).toBeVisible();
  for (const h of ['Product', 'Qty', 'Price', 'Amount']) await expect(basket.getByRole('columnheader', { name: h, exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: `More: ${YOGHURT.name}` })).toBeVisible();

  // The customer, with their personal offer and birthday.
  await scan(page, demoCardNumber(n));
  const customer = page.getByRole('article', { name: 'Customer' });
  await expect(customer.getByText('by card')).toBeVisible();
  // The customer's name is data, not interface text: the only Cyrillic allowed on the receipt.
  const name = (await customer.getByRole('heading', { level: 2 }).textContent()) ?? '';
  await expect(customer.getByLabel('Tier')).toHaveText({ base: 'Base', silver: 'Silver', gold: 'Gold' }[demoTier(n)]!);
  await expect(customer.getByLabel('Bonuses')).toHaveText(en(demoBalance(n)));
  await expect(customer.getByLabel('Birthday')).toHaveText(expectedBirthdayText(demoBirthday(n)!, 'en'));
  await expect(customer.getByRole('region', { name: 'Personal offers' }).getByRole('listitem')).toHaveText(['Just for you: +5 % bonuses on everything']);

  // Bonuses.
  const sale = page.getByRole('region', { name: 'Sale' });
  await expect(sale.getByText(/^Bonuses to spend \(up to [\d,]+\.\d{2} ₽\)$/)).toBeVisible();
  await page.getByRole('button', { name: 'Spend the maximum' }).click();
  const redeemed = page.getByLabel('Paid with bonuses');
  await expect(redeemed).toHaveText(/^−/);
  await expect(page.getByLabel('To pay')).toHaveText(EN_MONEY);
  await expect(page.getByLabel('Will earn')).toHaveText(EN_MONEY);
  const payable = Number(await page.getByLabel('To pay').getAttribute('data-kopecks'));
  expect(payable).toBeGreaterThan(0);
  await expect(page.getByLabel('To pay')).toHaveText(en(payable));
  const spent = kopecksOf(await redeemed.textContent());
  expect(spent).toBeGreaterThan(0);
  await page.getByText('Why these bonuses and discounts').click();
  await expect(page.getByRole('listitem').filter({ hasText: /^Spent / })).toBeVisible();
  expect(await sale.innerText()).not.toMatch(CYRILLIC);
  await page.screenshot({ path: testInfo.outputPath('english-basket.png') });

  // Cash.
  await page.getByRole('button', { name: 'Pay in cash (F9)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cash payment' });
  await expect(dialog.getByLabel('Received from the customer')).toHaveValue((payable / 100).toFixed(2));
  await dialog.getByLabel('Received from the customer').fill('5000');
  await expect(dialog.getByText(`Change: ${en(500_000 - payable)}`)).toBeVisible();
  expect(await dialog.innerText()).not.toMatch(CYRILLIC);
  await dialog.getByRole('button', { name: 'Take payment (Enter)' }).click();

  // The receipt summary.
  const receipt = page.getByRole('status', { name: 'Receipt' });
  await expect(receipt.getByRole('heading', { name: /^Receipt \S+ is done$/ })).toBeVisible();
  await expect(receipt.getByLabel('Paid', { exact: true })).toHaveText(en(payable));
  await expect(receipt.getByLabel('Change', { exact: true })).toHaveText(en(500_000 - payable));
  await expect(receipt.getByLabel('Bonuses spent')).toHaveText(en(spent));
  await expect(receipt.getByLabel('Bonuses earned')).toHaveText(EN_MONEY);
  await expect(receipt.getByLabel('Balance after the sale')).toHaveText(en(demoBalance(n) - spent));
  await expect(receipt.getByRole('button', { name: 'New receipt (Enter)' })).toBeVisible();
  expect((await receipt.innerText()).replace(name, '')).not.toMatch(CYRILLIC);
  await page.screenshot({ path: testInfo.outputPath('english-receipt.png') });

  // The status bar speaks English too, and the sale waits to be sent or is sent.
  const status = page.getByRole('status', { name: 'Till status' });
  await expect(status.getByText(/^(Online|Server unreachable)$/)).toBeVisible();
  await expect(status.getByText(/^Waiting to send: \d+$/)).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Scan a product to start a receipt.')).toBeVisible();
});
