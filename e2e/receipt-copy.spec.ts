import { expect, test } from '@playwright/test';
import { approveWith } from '../drivers/payment/fakeTerminal';
import { demoProduct } from '../sync/server/demoSeed';
import { startFiscalTill, type FiscalTill } from './support/fiscalTill';
import { startServer, type RunningServer } from './support/processes';
import { addToBasket, pressPay } from './support/till';

// Issue 14: a non-fiscal copy of a past receipt, printed on the register from the receipts screen (F4).
let server: RunningServer;
let till: FiscalTill;

test.use({ viewport: { width: 1366, height: 768 } });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(200);
  till = await startFiscalTill(server, approveWith('tok_card_copy', '4242'), approveWith('tok_card_copy', '4242', '000000000555'));
});
test.afterAll(async () => {
  await till?.stop();
  await server?.stop();
});

test('Ctrl+P on the receipts screen prints a copy of the receipt with its fiscal numbers and makes no fiscal document; paper out is said', async ({ page }) => {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 200')).toBeVisible({ timeout: 60_000 });
  await addToBasket(page, demoProduct(1));
  await pressPay(page);
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByLabel('Получено от покупателя').press('Enter');
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  const receiptNo = /Чек (\S+) проведён/.exec((await receipt.getByRole('heading').first().textContent()) ?? '')![1]!;
  await page.keyboard.press('Enter');

  const sim = till.sim;
  const doc = sim
    .state()
    .documents.filter((d) => d.kind === 'sell')
    .at(-1)!;
  const documents = sim.state().documents.length;
  await page.keyboard.press('F4');
  await expect(page.getByText('Ctrl+P — печать копии выбранного чека (не фискальный документ), ↑ ↓ — выбор чека')).toBeVisible();
  await page.keyboard.press('Control+KeyP');
  await expect(page.getByRole('status', { name: 'Печать копии' })).toHaveText('Копия чека напечатана');
  const copy = sim.state().printed.at(-1)!;
  expect(copy[0]).toBe('КОПИЯ ЧЕКА — не является фискальным документом');
  expect(copy).toContain(`Чек № ${receiptNo}`);
  expect(copy.join('\n')).toContain(demoProduct(1).name);
  expect(copy.find((l) => l.startsWith('ФД №'))).toMatch(new RegExp(` ${doc.number}$`));
  expect(copy.find((l) => l.startsWith('ФП'))).toMatch(new RegExp(` ${doc.sign}$`));
  expect(copy.every((l) => l.length <= 48)).toBe(true);
  expect(sim.state().documents).toHaveLength(documents);

  sim.setFaults({ paperOut: true });
  await page.getByRole('button', { name: `Печать копии чека ${receiptNo}` }).click();
  await expect(page.getByRole('alert', { name: 'Печать копии' })).toHaveText('Копия чека не напечатана: в фискальном регистраторе закончилась бумага');
  sim.setFaults({ paperOut: false });
  expect(sim.state().documents).toHaveLength(documents);
  expect(sim.state().invalidTasks).toEqual([]);
});
