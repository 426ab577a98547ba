import { expect, test } from '@playwright/test';
import { demoCardNumber } from '../sync/server/demoSeed';
import { startServer, tillForFile } from './support/processes';

const till = tillForFile(1_000);

test('a new customer is registered offline with consent, found at once, and reaches the server', async ({ page }, testInfo) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  // The catalogue (with the welcome bonus rules) follows the customers.
  await expect(page.getByRole('button', { name: 'Добавить' })).toBeEnabled({ timeout: 30_000 });
  await till.server.stop();

  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill('8 916 888-77-66');
  await input.press('Enter');
  await expect(page.getByRole('heading', { name: 'Клиент не найден' })).toBeVisible();
  await page.getByRole('button', { name: 'Зарегистрировать клиента' }).click();

  const form = page.getByRole('form', { name: 'Регистрация клиента' });
  await expect(form.getByLabel('Телефон')).toHaveValue('+7 916 888 77 66');
  await form.getByLabel('Имя').fill('Ксения');
  await form.getByLabel('E-mail (необязательно)').fill('ksenia@example.org');
  await form.getByLabel('Номер новой карты').fill(demoCardNumber(5_555));
  // Consent is a step of its own and is never ticked for the cashier.
  await expect(form.getByRole('checkbox', { name: /обработку персональных данных/ })).not.toBeChecked();
  for (const channel of ['SMS', 'E-mail', 'Push-уведомления', 'Мессенджеры'])
    await expect(form.getByRole('checkbox', { name: channel, exact: true })).not.toBeChecked();
  await form.getByRole('button', { name: 'Зарегистрировать' }).click();
  await expect(form.getByRole('alert')).toContainText('Без согласия');
  await form.getByRole('checkbox', { name: /обработку персональных данных/ }).check();
  await form.getByRole('checkbox', { name: 'SMS', exact: true }).check();
  await expect(form.getByText(/Приветственный бонус/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('registration.png') });
  await form.getByRole('button', { name: 'Зарегистрировать' }).click();

  const customer = page.getByRole('article', { name: 'Клиент' });
  await expect(customer.getByRole('heading', { name: 'Ксения' })).toBeVisible();
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-66');

  // Found again on this till while the server is still away.
  await page.keyboard.press('Escape');
  await input.fill('+7 916 888 77 66');
  await input.press('Enter');
  await expect(customer.getByRole('heading', { name: 'Ксения' })).toBeVisible();
  // Two events wait: the registration offered (the till showed "register") and the registration.
  await expect(page.getByLabel('К отправке: 2')).toBeVisible({ timeout: 15_000 });

  till.server = await startServer(1_000, till.server);
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  const onServer = await till.server.admin<{ firstName: string }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(5_555)}`);
  expect(onServer.firstName).toBe('Ксения');
});
