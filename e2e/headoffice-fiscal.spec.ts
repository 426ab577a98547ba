import { expect, test, type Page } from '@playwright/test';
import { tillForFile, type RunningServer } from './support/processes';
import { line, sale, saleReturn } from '../sync/server/testing/events';

const till = tillForFile(50);

async function headOffice(page: Page, server: RunningServer, tab = ''): Promise<void> {
  await page.goto(`${server.url}/admin/${tab}`);
  await expect(page.getByRole('heading', { name: 'Вход в головной офис' })).toBeVisible();
  await page.getByLabel('Ключ администратора').fill(server.adminToken);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation')).toBeVisible();
}

/** A terminal of store 1 pushing ready-made events straight to the server. */
async function pushingTerminal(server: RunningServer): Promise<(events: unknown[]) => Promise<{ status: string }[]>> {
  const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 1 });
  const res = await fetch(`${server.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deviceName: 'Касса с ККТ' }),
  });
  const { token } = (await res.json()) as { token: string };
  return async (events) => {
    const r = await fetch(`${server.url}/api/v1/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    return ((await r.json()) as { results: { status: string }[] }).results;
  };
}

const fiscal = (documentNumber: number, fiscalSign: string) => ({
  documentNumber,
  fiscalSign,
  dateTime: '2026-12-07T10:15:00+03:00',
  shiftNumber: 41,
  fnNumber: '7380440800123456',
  registrationNumber: '0001234567012345',
});

test('head office finds a sale and its return by the fiscal document number or fiscal sign printed on them (issue 14)', async ({ page }) => {
  const push = await pushingTerminal(till.server);
  const sold = sale({ customerId: '3', available: 0, lines: [line(2), line(5, 2)] });
  sold.event.fiscal = fiscal(5017, '3826512094');
  const back = saleReturn(sold, [{ lineId: sold.event.sale.lines[0]!.lineId, quantityMilli: 1_000 }]);
  back.event.fiscal = fiscal(5018, '0493817265');
  expect((await push([sold.event, back.event])).map((r) => r.status)).toEqual(['applied', 'applied']);

  await headOffice(page, till.server, '#lists');
  await page.getByRole('tab', { name: 'Чеки' }).click();
  await expect(page.getByText('Введите номер фискального документа (ФД), фискальный признак (ФП) или номер чека.')).toBeVisible();
  const table = page.getByRole('table', { name: 'Чеки' });
  await page.getByLabel('Поиск').fill('ФД 5017');
  await expect(table.getByRole('row')).toHaveCount(2);
  const row = table.getByRole('row').nth(1);
  await expect(row).toContainText('продажа');
  await expect(row).toContainText(sold.event.sale.receiptId);
  await expect(row).toContainText('3826512094');
  await expect(row).toContainText('7380440800123456');

  await page.getByLabel('Поиск').fill('0493817265');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toContainText('возврат');
  await expect(table.getByRole('row').nth(1)).toContainText('5018');

  await page.getByLabel('Поиск').fill('999999');
  await expect(page.getByText('Ничего не найдено')).toBeVisible();
});

test("head office sets how the fiscal receipt shows bonuses, and the chain's programme carries it to the tills (issue 14)", async ({ page }) => {
  await headOffice(page, till.server);
  const choice = page.getByLabel('Бонусы в чеке ККТ');
  await expect(choice).toHaveValue('');
  await choice.selectOption({ label: 'оплатой: «иная форма оплаты» (встречное предоставление)' });
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.getByRole('status')).toHaveText('Сохранено. Кассы применят настройку, когда загрузят программу в следующий раз.');
  const { programme } = await till.server.admin<{ programme: { fiscalBonuses?: string; version: number } }>('GET', '/api/v1/admin/chains/1/programme');
  expect(programme.fiscalBonuses).toBe('otherPayment');
  await page.reload();
  await expect(page.getByLabel('Бонусы в чеке ККТ')).toHaveValue('otherPayment');
});
