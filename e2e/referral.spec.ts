import { expect, test } from '@playwright/test';
import { DEMO_PROGRAMME, demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, pressPay } from './support/till';
import { tillForFile } from './support/processes';

/** Referral (issue 16): a newcomer registered at the till with the card of whoever invited them. */
const till = tillForFile(200, {
  prepare: async (server) => {
    await server.admin('PUT', '/api/v1/admin/chains/1/programme', { ...DEMO_PROGRAMME, version: 2, referralBonusKopecks: 20_000 });
  },
});

const INVITER = demoCardNumber(7);
const NEWCOMER = demoCardNumber(5_556);

test('a newcomer registered with the inviter’s card makes a first purchase: both get the referral bonus, once', async ({ page }) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText(/База клиентов загружена/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Добавить' })).toBeEnabled({ timeout: 30_000 });
  const inviterBefore = await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${INVITER}`);

  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill('+7 916 555 44 33');
  await input.press('Enter');
  await expect(page.getByRole('heading', { name: 'Клиент не найден' })).toBeVisible();
  await page.getByRole('button', { name: 'Зарегистрировать клиента' }).click();
  const form = page.getByRole('form', { name: 'Регистрация клиента' });
  await form.getByLabel('Имя').fill('Олег');
  await form.getByLabel('Номер новой карты').fill(NEWCOMER);
  await form.getByLabel('Карта пригласившего').fill(INVITER);
  await form.getByRole('checkbox', { name: /обработку персональных данных/ }).check();
  await form.getByRole('button', { name: 'Зарегистрировать' }).click();
  await expect(page.getByRole('article', { name: 'Клиент' }).getByRole('heading', { name: 'Олег' })).toBeVisible();

  // No purchase yet: the ledger jobs pay nobody.
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  await till.server.admin('POST', '/api/v1/admin/jobs/run');
  expect((await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${INVITER}`)).balance).toBe(inviterBefore.balance);

  // The first purchase, in cash.
  await addToBasket(page, demoProduct(2));
  await pressPay(page);
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Получено от покупателя').fill('5000');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status', { name: 'Чек' }).getByRole('heading', { name: /проведён/ })).toBeVisible();
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  const newcomerBefore = await till.server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${NEWCOMER}`);

  // Run twice: paid once.
  await till.server.admin('POST', '/api/v1/admin/jobs/run');
  await till.server.admin('POST', '/api/v1/admin/jobs/run');
  const inviter = await till.server.admin<{ balance: number; ledgerBalance: number }>('GET', `/api/v1/admin/customers?card=${INVITER}`);
  const newcomer = await till.server.admin<{ balance: number; ledgerBalance: number }>('GET', `/api/v1/admin/customers?card=${NEWCOMER}`);
  expect(inviter.balance).toBe(inviterBefore.balance + 20_000);
  expect(newcomer.balance).toBe(newcomerBefore.balance + 20_000);
  expect(inviter.ledgerBalance).toBe(inviter.balance);
  expect(newcomer.ledgerBalance).toBe(newcomer.balance);
});
