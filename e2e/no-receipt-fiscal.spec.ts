import { expect, test, type Page } from '@playwright/test';
import { approveWith } from '../drivers/payment/fakeTerminal';
import { demoProduct } from '../sync/server/demoSeed';
import { startFiscalTill, type FiscalTill } from './support/fiscalTill';
import { startServer, type RunningServer } from './support/processes';
import { hostRpc, kopecksOf } from './support/till';

/**
 * A return without a receipt on a till with a register (issue 15): the manager's PIN approves it,
 * the register prints one refund receipt (cash), and head office sees it once with who approved,
 * even when the page reloads while the register is printing. No customer is named: no bonuses move.
 */
let server: RunningServer;
let till: FiscalTill;

test.use({ viewport: { width: 1366, height: 768 } });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  server = await startServer(200);
  await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913' });
  till = await startFiscalTill(server, approveWith('tok_no_receipt', '4242', '000000000111'), approveWith('tok_no_receipt', '4242', '000000000999'));
});
test.afterAll(async () => {
  await till?.stop();
  await server?.stop();
});

const BREAD = demoProduct(2);
const FRUIT = demoProduct(3);
const refundReceipts = () => till.sim.state().documents.filter((d) => d.kind === 'sellReturn');

async function ready(page: Page): Promise<void> {
  await page.goto(till.host.openUrl);
  await expect(page.getByText(/База клиентов загружена/)).toBeVisible({ timeout: 60_000 });
}

/** The return screen's form with `lines` added (code, quantity as typed); answers the refund shown. */
async function noReceiptForm(page: Page, lines: [string, string][]): Promise<number> {
  const form = page.getByRole('region', { name: 'Возврат без чека (нужно подтверждение администратора)' });
  // The form stays open after a return: the next one is typed into it.
  if (!(await form.isVisible())) {
    const screen = page.getByRole('heading', { name: 'Возврат', exact: true });
    if (!(await screen.isVisible())) await page.keyboard.press('F3');
    await expect(screen).toBeVisible();
    await page.getByRole('button', { name: 'Возврат без чека' }).click();
  }
  for (const [code, quantity] of lines) {
    await form.getByLabel('Код или штрихкод товара').fill(code);
    await form.getByLabel('Количество: шт. или кг').fill(quantity);
    await form.getByRole('button', { name: 'Добавить' }).click();
  }
  await expect(form.getByRole('table', { name: 'Товары к возврату без чека' }).getByRole('row')).toHaveCount(lines.length);
  await expect(form.getByLabel('Вернуть покупателю')).toBeVisible();
  return kopecksOf(await form.getByLabel('Вернуть покупателю').textContent());
}

async function approve(page: Page): Promise<void> {
  await page
    .getByRole('region', { name: 'Возврат без чека (нужно подтверждение администратора)' })
    .getByRole('button', { name: 'Оформить возврат без чека' })
    .click();
  const approval = page.getByRole('dialog', { name: 'Нужно подтверждение администратора' });
  await expect(approval).toContainText('Возврат без чека');
  await approval.getByLabel('PIN-код администратора').fill('482913');
  await page.keyboard.press('Enter');
}

async function atHeadOffice(): Promise<number[]> {
  const { approvals } = await server.admin<{ approvals: { action: string; after: number }[] }>('GET', '/api/v1/admin/chains/1/approvals?storeId=1');
  return approvals.filter((a) => a.action === 'returnNoReceipt').map((a) => a.after);
}

test('approved by the manager: one cash refund receipt on the register, the return at head office once, and a reload while it prints finishes it once', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await ready(page);
  // The drawer's change float, so the register can pay the refunds out.
  const cashier = { name: 'Анна Смирнова' };
  await hostRpc(page, { op: 'fiscal', action: 'openShift', cashier });
  await hostRpc(page, { op: 'fiscal', action: 'cashIn', movement: { operationId: 'float-e2e', amountKopecks: 1_000_000, cashier } });

  const refund = await noReceiptForm(page, [
    [BREAD.ean, '2'],
    [FRUIT.ean, '0,5'],
  ]);
  expect(refund).toBe(BREAD.price * 2 + Math.round(FRUIT.price / 2));
  await approve(page);
  await expect(page.getByRole('status').filter({ hasText: 'подтвердил(а) Ирина Петрова' })).toBeVisible({ timeout: 20_000 });
  expect(refundReceipts()).toHaveLength(1);
  expect(refundReceipts()[0]!.totalKopecks).toBe(refund);
  expect(refundReceipts()[0]!.payments).toEqual([{ type: 'cash', kopecks: refund }]);
  expect(refundReceipts()[0]!.positions!.map((p) => [p.name, p.quantityMilli])).toEqual([
    [BREAD.name, 2_000],
    [FRUIT.name, 500],
  ]);
  await expect.poll(atHeadOffice, { timeout: 60_000 }).toEqual([refund]);

  // The register slow to answer: the page reloads while the refund receipt is being printed.
  const sent = till.sim.state().received['sellReturn'] ?? 0;
  till.sim.setFaults({ answerDelayMs: 1_500 });
  const second = await noReceiptForm(page, [[BREAD.ean, '1']]);
  await approve(page);
  await expect.poll(() => till.sim.state().received['sellReturn'] ?? 0, { timeout: 20_000 }).toBe(sent + 1);
  await page.reload();
  await expect(page.getByText(/Возврат без чека, прерванный перезапуском или ошибкой кассы, завершён \(подтвердил\(а\) Ирина Петрова\)/)).toBeVisible({
    timeout: 30_000,
  });
  till.sim.setFaults({ answerDelayMs: 0 });
  expect(refundReceipts()).toHaveLength(2);
  expect(refundReceipts()[1]!.totalKopecks).toBe(second);
  await expect.poll(atHeadOffice, { timeout: 60_000 }).toEqual(expect.arrayContaining([refund, second]));
  expect((await atHeadOffice()).length).toBe(2);
  // Another reload prints nothing more.
  await page.reload();
  await expect(page.getByText(/База клиентов загружена/)).toBeVisible({ timeout: 60_000 });
  expect(refundReceipts()).toHaveLength(2);
  expect(till.sim.state().invalidTasks).toEqual([]);
});
