import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { demoCardNumber } from '../sync/server/demoSeed';
import { writeBarcodeY4m } from './support/barcodeVideo';
import { wedgeType } from './support/till';
import { tillForFile } from './support/processes';

// Chromium's fake camera plays a video of customer 77's loyalty card barcode.
const CAMERA_CARD = demoCardNumber(77);
const video = join(mkdtempSync(join(tmpdir(), 'lt-camera-')), 'card.y4m');
writeBarcodeY4m(video, CAMERA_CARD);

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  },
});

const till = tillForFile(1_000);

test.beforeEach(async ({ page }) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
});

test('a keyboard-wedge scan identifies the customer wherever the focus is', async ({ page }) => {
  const customer = page.getByRole('article', { name: 'Клиент' });
  await page.getByRole('heading', { name: 'Касса лояльности' }).click();
  await wedgeType(page, demoCardNumber(42));
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');
  await expect(customer.getByText('по карте')).toBeVisible();
});

test('a cashier typing slowly is not taken for a scanner', async ({ page }) => {
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.click();
  await wedgeType(page, '89160000043', { gapMs: 90, enter: false });
  await expect(input).toHaveValue('89160000043');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('article', { name: 'Клиент' }).getByText('по телефону')).toBeVisible();
});

test('the camera reads a loyalty card barcode', async ({ page }, testInfo) => {
  await page.keyboard.press('F8');
  await expect(page.getByRole('region', { name: 'Сканирование камерой' })).toBeVisible();
  const customer = page.getByRole('article', { name: 'Клиент' });
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-77', { timeout: 20_000 });
  await expect(page.getByRole('textbox', { name: 'Карта или телефон' })).toHaveValue(CAMERA_CARD);
  await page.screenshot({ path: testInfo.outputPath('camera-scan.png') });
});

// A bank card linked to nobody says so ("bank card read": scan the loyalty card or type the phone)
// and leaves the customer on the sale; a linked one would identify its holder (saleDesk.test.ts).
test('a keyboard-wedge card reader: a loyalty stripe identifies, a bank card number never shows', async ({ page }) => {
  const customer = page.getByRole('article', { name: 'Клиент' });
  await page.getByRole('heading', { name: 'Касса лояльности' }).click();
  await wedgeType(page, `;${demoCardNumber(45)}?`);
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-45');

  // A slow reader (a key every 30 ms, no Enter) with the focus in the field: the bank
  // card's number must not land in it, and the customer already found stays.
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.click();
  await wedgeType(page, '%B4111111111111111^IVANOV/IVAN^29121010000000000000?;4111111111111111=29121010000000000000?', { gapMs: 30, enter: false });
  await expect(page.getByRole('alert')).toContainText('Считана банковская карта');
  await expect(input).toHaveValue(demoCardNumber(45));
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-45');
  expect(await page.content()).not.toContain('4111111111111111');
});
