import { expect, test, type Page } from '@playwright/test';
import { approveWith, type FakeTerminal } from '../drivers/payment/fakeTerminal';
import type { AtolSimulator } from '../drivers/testing/atolSimulator';
import { demoProduct } from '../sync/server/demoSeed';
import { addToBasket, pressPay } from './support/till';
import { startFiscalTill, type FiscalTill } from './support/fiscalTill';
import { startServer, type RunningHost, type RunningServer } from './support/processes';

// The till with a card terminal (socat pair + fake terminal) and an ATOL register (the simulator).
let server: RunningServer;
let till: FiscalTill;
let host: RunningHost;
let terminal: FakeTerminal;
let sim: AtolSimulator;

test.use({ viewport: { width: 1366, height: 768 } });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(1_000);
  await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913' });
  till = await startFiscalTill(server, approveWith('tok_card_fiscal', '4242'), approveWith('tok_card_fiscal', '4242', '000000000555'));
  ({ host, terminal, sim } = till);
});
test.afterAll(async () => {
  await till?.stop();
  await server?.stop();
});

const YOGHURT = demoProduct(1);
const sells = () => sim.state().documents.filter((d) => d.kind === 'sell');
const charges = () => terminal.received.filter((l) => l.startsWith('PAY')).length;

async function ready(page: Page): Promise<void> {
  await page.goto(host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
}

async function payByCard(page: Page): Promise<void> {
  await addToBasket(page, YOGHURT);
  // F9 opens the payment once the sale is priced; F10 then charges the card.
  await pressPay(page);
  await expect(page.getByRole('dialog', { name: 'Оплата наличными' })).toBeVisible();
  await page.keyboard.press('F10');
}

test('a card sale is fiscalised once and the receipt names its fiscal document; a return gets its own', async ({ page }) => {
  await ready(page);
  await payByCard(page);
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  expect(sells()).toHaveLength(1);
  const doc = sells()[0]!;
  await expect(receipt.getByText(`Кассовый чек: ФД № ${doc.number}, ФП ${doc.sign}`)).toBeVisible();
  // Paid by card: one electronic payment for the whole total, no cash.
  expect(doc.payments).toHaveLength(1);
  expect(doc.payments![0]).toMatchObject({ kopecks: doc.totalKopecks });
  expect(doc.payments![0]!.type).not.toBe('cash');
  expect(charges()).toBe(1);
  // The shift was closed: the first sale opened it on the register.
  expect(sim.state().documents.map((d) => d.kind)).toEqual(['openShift', 'sell']);
  const receiptNo = /Чек (\S+) проведён/.exec((await receipt.getByRole('heading').first().textContent()) ?? '')![1]!;
  await page.keyboard.press('Enter');

  await page.keyboard.press('F4');
  await page.getByRole('button', { name: `Возврат по чеку ${receiptNo}` }).click();
  await page.getByRole('table', { name: 'Позиции чека' }).getByLabel(`Вернуть: ${YOGHURT.name}`).fill('1');
  await page.getByRole('button', { name: 'Оформить возврат' }).click();
  await expect(page.getByText(/Возврат оформлен/)).toBeVisible();
  // Paid by card: refunded to the card, against the sale's bank reference.
  expect(terminal.received.filter((l) => l.startsWith('REFUND'))).toEqual([expect.stringMatching(/ 000123456789$/)]);
  const returns = sim.state().documents.filter((d) => d.kind === 'sellReturn');
  expect(returns).toHaveLength(1);
  expect(returns[0]!.totalKopecks).toBe(doc.totalKopecks);
  expect(sim.state().invalidTasks).toEqual([]);
});

test('out of paper mid-sale: a clear message, the sale kept across a reload, one document once paper is back, with its electronic receipt contact', async ({
  page,
}) => {
  await ready(page);
  const before = sells().length;
  sim.setFaults({ paperOut: true });
  await addToBasket(page, YOGHURT);
  await pressPay(page);
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  // The customer asks for an electronic receipt: a mistyped address is refused before paying.
  const contact = dialog.getByLabel(/Электронный чек/);
  await contact.fill('vera@');
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toContainText('Не похоже на телефон или e-mail');
  await contact.fill('8 916 123-45-67');
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toContainText('закончилась бумага');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  // The paid sale survives a reload and is still waiting for its receipt.
  await page.reload();
  await expect(dialog.getByRole('alert')).toContainText('закончилась бумага', { timeout: 20_000 });
  expect(sells().length).toBe(before);

  sim.setFaults({ paperOut: false });
  await dialog.getByRole('button', { name: 'Повторить печать чека (Enter)' }).click();
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByText(/Кассовый чек: ФД №/)).toBeVisible({ timeout: 20_000 });
  expect(sells().length).toBe(before + 1);
  // The contact was frozen with the paid sale: it survived the reload and reached the register.
  expect(sells().at(-1)!.customerContact).toBe('+79161234567');
  await page.keyboard.press('Enter');
});

test('a page reload between the terminal approval and the fiscal answer: one fiscal document, one charge', async ({ page }) => {
  await ready(page);
  const sold = sells().length;
  const charged = charges();
  // Each register task takes a while: the reload lands while the receipt is at the register.
  sim.setFaults({ answerDelayMs: 1_500 });
  const sent = sim.state().received['sell'] ?? 0;
  await payByCard(page);
  await expect.poll(() => sim.state().received['sell'] ?? 0, { timeout: 20_000 }).toBe(sent + 1);
  await page.reload();
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByText(/Кассовый чек: ФД №/)).toBeVisible({ timeout: 30_000 });
  sim.setFaults({ answerDelayMs: 0 });
  expect(sells().length).toBe(sold + 1);
  expect(sim.state().received['sell']).toBe(sent + 1);
  expect(charges()).toBe(charged + 1);
  await page.keyboard.press('Enter');
});

test('X report by F3, Z report and the cash drawer opened from the manager screen, with the result shown', async ({ page }) => {
  await ready(page);
  await page.keyboard.press('F11');
  await page.getByLabel('PIN-код менеджера').fill('482913');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Менеджер: Ирина Петрова' })).toBeVisible();
  const panel = page.getByRole('region', { name: 'Смена на фискальном регистраторе' });
  await page.keyboard.press('F3');
  await expect(panel.getByRole('status')).toHaveText('X-отчёт напечатан');
  await panel.getByRole('button', { name: 'Закрыть смену (Z-отчёт)' }).click();
  await expect(panel.getByRole('status')).toContainText(/Смена № 1 закрыта, Z-отчёт напечатан/);
  expect(sim.state().shift).toBe('closed');
  expect(sim.state().documents.filter((d) => d.kind === 'closeShift')).toHaveLength(1);
  // The manager opens the drawer (to give change, to check the float): no document is printed.
  const documents = sim.state().documents.length;
  const opened = sim.state().received['openCashDrawer'] ?? 0;
  await panel.getByRole('button', { name: 'Открыть денежный ящик' }).click();
  await expect(panel.getByRole('status')).toHaveText('Денежный ящик открыт');
  expect(sim.state().received['openCashDrawer']).toBe(opened + 1);
  expect(sim.state().documents).toHaveLength(documents);
  expect(sim.state().invalidTasks).toEqual([]);
});
