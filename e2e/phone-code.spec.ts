import { expect, test } from '@playwright/test';
import { demoCardNumber, demoPhone, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, kopecksOf } from './support/till';
import { tillForFile } from './support/processes';
import { smsGatewayForFile } from './support/smsGateway';

// Issue 13, High 2: a typed phone alone does not spend a customer's bonuses. The chain's SMS
// provider is the fake one, on this machine, through the server's real HTTP adapter.
const sms = smsGatewayForFile();
const till = tillForFile(1_000, { prepare: sms.prepare });

test('a customer found by a typed phone spends bonuses only with the code from the SMS', async ({ page }, testInfo) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  for (const n of [1, 2, 4, 5, 6]) await addToBasket(page, demoProduct(n));

  const n = 42;
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill('8 916 000-00-42');
  await input.press('Enter');
  const customer = page.getByRole('article', { name: 'Клиент' });
  await expect(customer.getByText('по телефону')).toBeVisible();
  const before = await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(n)}`);

  await page.getByRole('button', { name: 'Списать максимум' }).click();
  const dialog = page.getByRole('dialog', { name: 'Код из SMS для списания бонусов' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('+7 *** ***-**-42')).toBeVisible();
  await expect(page.getByLabel('Оплачено бонусами')).toHaveCount(0);
  const field = dialog.getByLabel('Код из SMS (6 цифр)');
  await expect(field).toBeFocused();
  await expect.poll(() => sms.sent.lastCode(demoPhone(n))).not.toBeNull();
  const code = sms.sent.lastCode(demoPhone(n))!;

  await field.fill(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toContainText('Неверный код. Осталось попыток: 4');
  await page.screenshot({ path: testInfo.outputPath('phone-code-wrong.png') });

  await field.fill(code);
  // Enter twice: one check, and the second Enter does not reach the sale screen.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByLabel('Оплачено бонусами')).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Оплата наличными' })).toHaveCount(0);

  await page.keyboard.press('F9');
  const pay = page.getByRole('dialog', { name: 'Оплата наличными' });
  await pay.getByLabel('Получено от покупателя').fill('5000');
  await page.keyboard.press('Enter');
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible();
  const redeemed = kopecksOf(await receipt.getByLabel('Списано бонусов').textContent());
  expect(redeemed).toBeGreaterThan(10_000); // beyond what a phone alone may spend
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('status').getByText(/Отклонено/)).toHaveCount(0);
  const after = await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(n)}`);
  expect(after.balance).toBe(before.balance - redeemed);
});
