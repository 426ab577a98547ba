import { expect, test } from '@playwright/test';
import { pressPay, scan } from './support/till';
import { tillForFile } from './support/processes';
import { smsGatewayForFile } from './support/smsGateway';

/**
 * Issue 16: an electronic gift certificate sold to the customer's phone; its code comes by SMS
 * (the fake provider, through the server's real HTTP adapter) once the sale reaches the server.
 * Scanned on the sale screen afterwards, the till sends the cashier to the payment dialog.
 */
const sms = smsGatewayForFile();
const till = tillForFile(1_000, { prepare: sms.prepare });

test('an electronic certificate is sold to a phone, its code comes by SMS, and scanned later it is for the payment dialog', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });

  // Selling certificates is folded away on the sale screen: the cashier opens it.
  await page.getByText('Продать подарочный сертификат…').click();
  await page.getByLabel('Номинал, ₽').fill('500');
  await page.getByLabel('Телефон покупателя (код придёт по SMS)').fill('8 916 555-44-33');
  await page.getByRole('button', { name: 'Продать электронный сертификат' }).click();
  const line = page.getByRole('table', { name: 'Корзина' }).getByText(/Подарочный сертификат EC[A-Z0-9]+/);
  await expect(line).toBeVisible();
  const code = (await line.textContent())!.match(/EC[A-Z0-9]+/)![0];
  // The phone is gone from the form once the certificate is on the receipt.
  await expect(page.getByLabel('Телефон покупателя (код придёт по SMS)')).toHaveValue('');
  await expect(page.getByLabel('К оплате')).toHaveAttribute('data-kopecks', '50000');
  expect(sms.sent.messages).toEqual([]);

  await pressPay(page);
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Получено от покупателя').fill('500');
  await dialog.getByLabel('Получено от покупателя').press('Enter');
  await expect(page.getByRole('status', { name: 'Чек' }).getByRole('heading', { name: /проведён/ })).toBeVisible();
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => sms.sent.messages.length, { timeout: 30_000 }).toBe(1);
  expect(sms.sent.messages[0]!.to).toBe('+79165554433');
  expect(sms.sent.messages[0]!.text).toContain(code);

  // Scanned on the sale screen, an active certificate is money for the payment dialog, not a product.
  await scan(page, code);
  await expect(page.getByText('Сертификат: оплата им — в окне оплаты (F9)')).toBeVisible();
});
