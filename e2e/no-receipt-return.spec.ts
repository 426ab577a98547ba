import { expect, test } from '@playwright/test';
import { demoProduct } from '../sync/server/demoSeed';
import { kopecksOf } from './support/till';
import { tillForFile } from './support/processes';

/** A return without a receipt (issue 15): the manager's PIN first, then cash back, recorded with who approved it. */
const till = tillForFile(200, {
  prepare: async (server) => {
    await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913' });
  },
});

const BREAD = demoProduct(2);
const FRUIT = demoProduct(3);

test('a return without a receipt needs the manager: Esc or a wrong PIN records nothing; the PIN gives the cash back and head office sees who approved', async ({
  page,
}) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText(/База клиентов загружена/)).toBeVisible({ timeout: 60_000 });
  await page.keyboard.press('F3');
  await expect(page.getByRole('heading', { name: 'Возврат', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Возврат без чека' }).click();
  const form = page.getByRole('region', { name: 'Возврат без чека (нужно подтверждение администратора)' });
  const code = form.getByLabel('Код или штрихкод товара');
  const quantity = form.getByLabel('Количество: шт. или кг');
  const add = form.getByRole('button', { name: 'Добавить' });

  // Unknown goods and a fractional count of pieces are refused in Russian; nothing is added.
  await code.fill('0000000000000');
  await add.click();
  await expect(form.getByRole('alert')).toContainText('не найден в каталоге кассы');
  await code.fill(BREAD.ean);
  await quantity.fill('1,5');
  await add.click();
  await expect(form.getByRole('alert')).toContainText('целое число штук');
  await quantity.fill('2');
  await add.click();
  await code.fill(FRUIT.ean);
  await quantity.fill('0,5');
  await add.click();
  const lines = form.getByRole('table', { name: 'Товары к возврату без чека' });
  await expect(lines.getByRole('row')).toHaveCount(2);
  const refund = kopecksOf(await form.getByLabel('Вернуть покупателю').textContent());
  expect(refund).toBe(BREAD.price * 2 + Math.round(FRUIT.price / 2));

  const confirm = form.getByRole('button', { name: 'Оформить возврат без чека' });
  const approval = page.getByRole('dialog', { name: 'Нужно подтверждение администратора' });
  await confirm.click();
  await expect(approval).toContainText('Возврат без чека: товаров 2');
  // F9 means nothing under the approval; Esc closes it and nothing is recorded.
  await page.keyboard.press('F9');
  await expect(approval).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(approval).toHaveCount(0);
  await expect(form.getByRole('alert')).toContainText('не подтверждён');
  await expect(page.getByRole('heading', { name: 'Возврат', exact: true })).toBeVisible();

  await confirm.click();
  await approval.getByLabel('PIN-код администратора').fill('111111');
  await page.keyboard.press('Enter');
  await expect(approval.getByRole('alert')).toContainText('не подошли');
  await approval.getByLabel('PIN-код администратора').fill('482913');
  await page.keyboard.press('Enter');
  await expect(approval).toHaveCount(0);
  await expect(form.getByRole('status')).toContainText('подтвердил(а) Ирина Петрова');
  await expect(lines).toHaveCount(0);

  // Head office sees the return and who approved it, once.
  await expect
    .poll(
      async () => {
        const { approvals } = await till.server.admin<{ approvals: { action: string; managerName: string; after: number }[] }>(
          'GET',
          '/api/v1/admin/chains/1/approvals?storeId=1',
        );
        return approvals.filter((a) => a.action === 'returnNoReceipt').map((a) => [a.managerName, a.after]);
      },
      { timeout: 60_000 },
    )
    .toEqual([['Ирина Петрова', refund]]);
});
