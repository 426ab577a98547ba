import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { AtolWebRegister } from '../drivers/fiscal';
import { approveWith, type FakeTerminal } from '../drivers/payment/fakeTerminal';
import type { AtolSimulator } from '../drivers/testing/atolSimulator';
import { gs1DataMatrix } from '../renderer/scanning/testing/gs1DataMatrix';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { writeMatrixY4m } from './support/barcodeVideo';
import { kopecksOf, pressPay, scan, wedgeType } from './support/till';
import { startFiscalTill, type FiscalTill } from './support/fiscalTill';
import { startServer, type RunningHost, type RunningServer } from './support/processes';

// Issue 14's proof in one till: a card terminal (socat pair + fake terminal, refunds approved),
// an ATOL register (the simulator), and Chromium's fake camera showing a Честный ЗНАК DataMatrix.
const FRUIT = demoProduct(3);
const TOBACCO = demoProduct(7);
const GS = '\u001d';
/** The pack's marking code: GTIN, serial, GS, crypto tail. The camera reads it with its GS. */
const CODE = `010${TOBACCO.ean}21Cam3ra7${GS}93AbCd`;
const video = join(mkdtempSync(join(tmpdir(), 'lt-datamatrix-')), 'datamatrix.y4m');
writeMatrixY4m(video, gs1DataMatrix(CODE));

test.use({
  viewport: { width: 1366, height: 768 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  },
});

let server: RunningServer;
let till: FiscalTill;
let sim: AtolSimulator;
let terminal: FakeTerminal;
let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(1_000);
  await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913' });
  till = await startFiscalTill(server, approveWith('tok_card_proof', '4242', '000000000321'), approveWith('tok_card_proof', '4242', '000000000654'));
  ({ sim, terminal, host } = till);
});
test.afterAll(async () => {
  await till?.stop();
  await server?.stop();
});

/** The register as another program on the till computer would use it (the back office's own receipt). */
function otherProgram(): AtolWebRegister {
  return new AtolWebRegister({ url: sim.url, pollIntervalMs: 20, requestTimeoutMs: 2_000, taskTimeoutMs: 10_000, markingTimeoutMs: 5_000 });
}

async function ready(page: Page): Promise<void> {
  await page.goto(host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
}

async function managerScreen(page: Page) {
  await page.keyboard.press('F11');
  await page.getByLabel('PIN-код менеджера').fill('482913');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Менеджер: Ирина Петрова' })).toBeVisible();
  return page.getByRole('table', { name: 'Итоги смены' });
}

/** Typed at a person's pace: a fast burst would be taken for a scanner. */
const typeSlowly = (page: Page, text: string) => wedgeType(page, text, { gapMs: 110, enter: false });
/** A text with amounts as the screen shows them, whatever space the locale groups digits with. */
const money = (text: string) => new RegExp(text.replace(/ /g, '\\s'));
/** An amount in kopecks as the screen shows it: 1 234,56 ₽. */
const rub = (k: number) =>
  new RegExp(
    `${Math.floor(k / 100)
      .toLocaleString('en-US')
      .replace(/,/g, '\\s')},${String(k % 100).padStart(2, '0')}\\s₽`,
  );

test('a cashier puts cash in and takes cash out with a reason, by keyboard; the register records both and the shift totals show them', async ({ page }) => {
  await ready(page);
  await page.keyboard.press('F4');
  const amount = page.getByLabel('Сумма');
  await expect(amount).toBeFocused();
  await typeSlowly(page, '5000');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Основание')).toBeFocused();
  await typeSlowly(page, 'Размен на утро');
  await page.keyboard.press('Enter');
  const result = page.getByRole('status', { name: 'Внесение и выплата наличных' });
  // The shift was closed: the cash in opened it first.
  await expect(result).toHaveText(money('Внесено 5 000,00 ₽. В денежном ящике: 5 000,00 ₽.'), { timeout: 20_000 });
  await expect(amount).toBeFocused();
  await expect(amount).toHaveValue('');
  await typeSlowly(page, '1500');
  await page.keyboard.press('Tab');
  await typeSlowly(page, 'Инкассация, сумка 12');
  await page.keyboard.press('Shift+Enter');
  await expect(result).toHaveText(money('Выплачено 1 500,00 ₽. В денежном ящике: 3 500,00 ₽.'), { timeout: 20_000 });

  expect(sim.state().cashMovements.map((m) => [m.kind, m.kopecks, m.text])).toEqual([
    ['cashIn', 500_000, ['Основание: Размен на утро']],
    ['cashOut', 150_000, ['Основание: Инкассация, сумка 12']],
  ]);
  expect(sim.state().documents.map((d) => d.kind)).toEqual(['openShift']);
  expect(sim.state().invalidTasks).toEqual([]);

  // More than the drawer holds: refused in Russian, the amount kept to correct.
  await typeSlowly(page, '9000');
  await page.keyboard.press('Shift+Enter');
  await expect(page.getByRole('alert', { name: 'Внесение и выплата наличных' })).toContainText('в денежном ящике недостаточно наличных');
  await expect(amount).toHaveValue('9000');
  expect(sim.state().cashMovements).toHaveLength(2);

  const totals = await managerScreen(page);
  await expect(totals.getByRole('row', { name: /Внесения/ })).toContainText(money('1 на 5 000,00 ₽'));
  await expect(totals.getByRole('row', { name: /Выплаты/ })).toContainText(money('1 на 1 500,00 ₽'));
  await expect(totals.getByRole('row', { name: /Наличных в денежном ящике/ })).toContainText(money('3 500,00 ₽'));
  await expect(page.getByRole('alert', { name: 'Расхождение с регистратором' })).toHaveCount(0);
});

test('one sale of a marked item read by the camera and a weighed item, paid part by card part by bonuses: one fiscal document; returned; the manager sees the register agree, then a mismatch', async ({
  page,
}) => {
  await ready(page);
  // The proof counts documents: the shift is open before the sale (the test above opened it).
  if (sim.state().shift !== 'opened') {
    const r = await otherProgram().openShift({ name: 'ИТ' });
    expect(r.ok).toBe(true);
  }
  const basket = page.getByRole('table', { name: 'Корзина' });
  const prompt = page.getByRole('dialog', { name: 'Товар с маркировкой' });
  await expect(async () => {
    await scan(page, TOBACCO.ean);
    await expect(prompt).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  // The pack's DataMatrix, shown to the webcam (F8): it reaches the prompt with its separators.
  await page.keyboard.press('F8');
  await expect(prompt).toBeHidden({ timeout: 20_000 });
  await expect(basket.getByText(TOBACCO.name)).toBeVisible();

  await scan(page, FRUIT.ean);
  const weight = page.getByRole('dialog', { name: `Вес: ${FRUIT.name}` });
  await weight.getByRole('textbox').fill('1,234');
  await page.keyboard.press('Enter');
  await expect(basket.getByText(FRUIT.name)).toBeVisible();
  await scan(page, demoCardNumber(44));
  await expect(page.getByRole('article', { name: 'Клиент' })).toBeVisible();
  await page.getByRole('button', { name: 'Списать максимум' }).click();
  const spent = kopecksOf(await page.getByLabel('Оплачено бонусами').textContent());
  const payable = Number(await page.getByLabel('К оплате').getAttribute('data-kopecks'));
  expect(spent).toBeGreaterThan(0);
  expect(payable).toBeGreaterThan(0);

  const documents = sim.state().documents.length;
  const charges = terminal.received.filter((l) => l.startsWith('PAY')).length;
  await pressPay(page);
  await expect(page.getByRole('dialog', { name: 'Оплата наличными' })).toBeVisible();
  await page.keyboard.press('F10');
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByText(/Кассовый чек: ФД №/)).toBeVisible({ timeout: 20_000 });
  const no = /Чек (\S+) проведён/.exec((await receipt.getByRole('heading').first().textContent()) ?? '')![1]!;

  // Fiscalised once: exactly one new document, the sale.
  expect(sim.state().documents).toHaveLength(documents + 1);
  const sold = sim.state().documents.at(-1)!;
  expect(sold.kind).toBe('sell');
  await expect(receipt.getByText(`Кассовый чек: ФД № ${sold.number}, ФП ${sold.sign}`)).toBeVisible();
  // Bonuses folded into the prices (the default): positions add up to the payable to the kopeck,
  // and the card paid exactly that; the terminal charged it once.
  expect(sold.positions!.reduce((s, p) => s + p.amountKopecks, 0)).toBe(payable);
  expect(sold.totalKopecks).toBe(payable);
  expect(sold.payments).toEqual([{ type: 'electronically', kopecks: payable }]);
  const pays = terminal.received.filter((l) => l.startsWith('PAY'));
  expect(pays).toHaveLength(charges + 1);
  expect(pays.at(-1)).toMatch(new RegExp(` ${payable}$`));
  const tobacco = sold.positions!.find((p) => p.name === TOBACCO.name)!;
  expect(tobacco.markingCode).toBe(CODE);
  const fruit = sold.positions!.find((p) => p.name === FRUIT.name)!;
  expect(fruit).toMatchObject({ quantityMilli: 1_234, tax: 'vat10' });
  expect(sold.text!.some((l) => l.startsWith('Списано:'))).toBe(true);
  await page.keyboard.press('Enter');

  // The return of both: the marked pack needs its code again; the weighed line goes back whole.
  await page.keyboard.press('F3');
  await page.getByLabel('Номер чека').fill(no);
  await page.getByRole('button', { name: 'Найти чек' }).click();
  await page.getByLabel(`Вернуть: ${TOBACCO.name}`).fill('1');
  await page.getByLabel(`Вернуть: ${FRUIT.name}`).check();
  await page.getByLabel(`Код маркировки: ${TOBACCO.name}`).fill(CODE);
  await expect(page.getByLabel('Вернуть покупателю')).toHaveText(rub(payable));
  await page.getByRole('button', { name: 'Оформить возврат' }).click();
  await expect(page.getByText(/возвращено на карту покупателя/)).toBeVisible({ timeout: 20_000 });
  expect(sim.state().documents).toHaveLength(documents + 2);
  const back = sim.state().documents.at(-1)!;
  expect(back.kind).toBe('sellReturn');
  expect(back.totalKopecks).toBe(payable);
  expect(back.payments).toEqual([{ type: 'electronically', kopecks: payable }]);
  expect(back.positions!.find((p) => p.name === TOBACCO.name)?.markingCode).toBe(CODE);
  expect(back.positions!.find((p) => p.name === FRUIT.name)?.quantityMilli).toBe(1_234);
  expect(terminal.received.filter((l) => l.startsWith('REFUND'))).toEqual([expect.stringMatching(/ 000000000321$/)]);
  expect(sim.state().invalidTasks).toEqual([]);

  // The manager: the till's journal and the register's counters agree on the shift.
  const totals = await managerScreen(page);
  const row = (name: string) => totals.getByRole('row', { name: new RegExp(`^${name}`) });
  await expect(row('Продажи, чеков')).toHaveText(/Продажи, чеков\s*1\s*1/);
  await expect(row('Продажи картой')).toContainText(rub(payable));
  await expect(row('Возвраты на карту')).toContainText(rub(payable));
  const mismatch = page.getByRole('alert', { name: 'Расхождение с регистратором' });
  await expect(mismatch).toHaveCount(0);

  // Another program prints a sale on the same register: the X report (F3) refreshes the totals,
  // and the manager is told which figures differ.
  const foreign = await otherProgram().sell({
    receiptId: 'backoffice-1',
    positions: [
      { lineId: 'b1', name: 'Пакет', priceKopecks: 1_000, quantityMilli: 1_000, amountKopecks: 1_000, unit: 'piece', vat: 'vat22', paymentObject: 'commodity' },
    ],
    payments: [{ kind: 'cash', amountKopecks: 1_000 }],
    cashier: { name: 'Бэк-офис' },
  });
  expect(foreign.ok).toBe(true);
  await page.keyboard.press('F3');
  await expect(mismatch).toContainText('Продажи, чеков: касса 1, регистратор 2');
  await expect(mismatch).toContainText(money('Продажи наличными: касса 0,00 ₽, регистратор 10,00 ₽'));
  await expect(row('Продажи, чеков')).toHaveClass(/warn/);
});
