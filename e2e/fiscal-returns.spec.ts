import { expect, test, type Page } from '@playwright/test';
import { approveWith } from '../drivers/payment/fakeTerminal';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, pressPay, scan } from './support/till';
import { startFiscalTill, type FiscalTill } from './support/fiscalTill';
import { startServer, type RunningServer } from './support/processes';

// Two tills of store 1, each with its card terminal (socat pair + fake terminal, refunds
// approved) and an ATOL register (one simulator each): a sale on one, its return on the other.
let server: RunningServer;
const tills: FiscalTill[] = [];

test.use({ viewport: { width: 1366, height: 768 } });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  server = await startServer(1_000);
  for (const rrn of ['000000000111', '000000000222'])
    tills.push(await startFiscalTill(server, approveWith('tok_card_returns', '4242', rrn), approveWith('tok_card_returns', '4242', '000000000999')));
});
test.afterAll(async () => {
  for (const t of tills) await t.stop();
  await server?.stop();
});

const YOGHURT = demoProduct(1);
const FRUIT = demoProduct(3);
const TOBACCO = demoProduct(7);
const GS = '\u001d';
/** A Честный ЗНАК pack code for a product: GTIN, serial, crypto tail (a wedge scanner drops the GS). */
const packCode = (ean: string, serial: string) => `010${ean}21${serial}${GS}93AbCd`;

const docs = (i: number, kind: 'sell' | 'sellReturn') => tills[i]!.sim.state().documents.filter((d) => d.kind === kind);
const refunds = (i: number) => tills[i]!.terminal.received.filter((l) => l.startsWith('REFUND'));

async function ready(page: Page, i = 0): Promise<void> {
  await page.goto(tills[i]!.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
}

async function receiptNumber(page: Page): Promise<string> {
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByText(/Кассовый чек: ФД №/)).toBeVisible({ timeout: 20_000 });
  return /Чек (\S+) проведён/.exec((await receipt.getByRole('heading').first().textContent()) ?? '')![1]!;
}

test('weighed goods with bonuses spent: the receipt positions add up to the payable total to the kopeck, food at 10 % VAT', async ({ page }) => {
  await ready(page);
  await addToBasket(page, YOGHURT);
  // Weighed goods ask for their weight: 1.234 kg, so the price per kg and the amount round.
  await scan(page, FRUIT.ean);
  const weight = page.getByRole('dialog', { name: `Вес: ${FRUIT.name}` });
  await weight.getByRole('textbox').fill('1,234');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('table', { name: 'Корзина' }).getByText(FRUIT.name)).toBeVisible();
  await scan(page, demoCardNumber(44));
  await expect(page.getByRole('article', { name: 'Клиент' })).toBeVisible();
  await page.getByRole('button', { name: 'Списать максимум' }).click();
  await expect(page.getByLabel('Оплачено бонусами')).toBeVisible();
  const payable = Number(await page.getByLabel('К оплате').getAttribute('data-kopecks'));
  await pressPay(page);
  await page.keyboard.press('Enter');
  await receiptNumber(page);
  const doc = docs(0, 'sell').at(-1)!;
  // Bonuses as a discount (the default): money only, positions to the kopeck of the payable total.
  expect(doc.totalKopecks).toBe(payable);
  expect(doc.positions!.reduce((s, p) => s + p.amountKopecks, 0)).toBe(payable);
  expect(doc.payments!.reduce((s, p) => s + p.kopecks, 0)).toBe(payable);
  const fruit = doc.positions!.find((p) => p.name === FRUIT.name)!;
  expect(fruit.quantityMilli).toBe(1_234);
  expect(fruit.tax).toBe('vat10');
  // The loyalty block of the receipt's text part, for the card shown: spent, earned, balance, and
  // from when the bonuses earned can be spent (the programme's pending days, in the store's clock).
  expect(doc.text!.slice(0, 2)).toEqual(['Программа лояльности', expect.stringMatching(/^Списано: \d/)]);
  expect(doc.text!.find((l) => l.startsWith('Начислено: '))).not.toBe('Начислено: 0,00 бонуса');
  expect(doc.text).toContainEqual(expect.stringMatching(/^Начисленные бонусы можно потратить с \d\d\.\d\d\.\d{4} \d\d:\d\d\. Ждём вас снова!$/));
  expect(tills[0]!.sim.state().invalidTasks).toEqual([]);
  await page.keyboard.press('Enter');
});

test('a marked product asks for its DataMatrix, checked by the register, on the receipt; its return needs the code again', async ({ page }) => {
  await ready(page);
  await addToBasket(page, YOGHURT);
  await scan(page, TOBACCO.ean);
  const prompt = page.getByRole('dialog', { name: 'Товар с маркировкой' });
  await expect(prompt).toBeVisible();
  // Another product's code is refused before the register is asked.
  await prompt.getByLabel('Код маркировки').fill(packCode(YOGHURT.ean, 'Xq3pN7a'));
  await page.keyboard.press('Enter');
  await expect(prompt.getByRole('alert')).toContainText('код от другого товара');
  const code = packCode(TOBACCO.ean, 'Zz9K1bQ');
  await prompt.getByLabel('Код маркировки').fill(code);
  await page.keyboard.press('Enter');
  await expect(prompt).toBeHidden();
  await expect(page.getByRole('table', { name: 'Корзина' }).getByText(TOBACCO.name)).toBeVisible();
  await pressPay(page);
  await page.keyboard.press('Enter');
  const no = await receiptNumber(page);
  const sold = docs(0, 'sell').at(-1)!;
  expect(sold.positions!.find((p) => p.name === TOBACCO.name)?.markingCode).toBe(code);
  await page.keyboard.press('Enter');

  await page.keyboard.press('F3');
  await page.getByLabel('Номер чека').fill(no);
  await page.getByRole('button', { name: 'Найти чек' }).click();
  await page.getByLabel(`Вернуть: ${TOBACCO.name}`).fill('1');
  await expect(page.getByText('Отсканируйте код маркировки каждой возвращаемой единицы')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Оформить возврат' })).toBeDisabled();
  await page.getByLabel(`Код маркировки: ${TOBACCO.name}`).fill(code);
  await page.getByRole('button', { name: 'Оформить возврат' }).click();
  await expect(page.getByText(/Возврат оформлен/)).toBeVisible();
  const returned = docs(0, 'sellReturn').at(-1)!;
  expect(returned.positions!.map((p) => p.markingCode)).toEqual([code]);
  expect(tills[0]!.sim.state().invalidTasks).toEqual([]);
});

test('a card sale returned at another till of the store: found at the server, refunded to the card, fiscalised there once', async ({ page, browser }) => {
  await ready(page, 0);
  await addToBasket(page, YOGHURT);
  await pressPay(page);
  await expect(page.getByRole('dialog', { name: 'Оплата наличными' })).toBeVisible();
  await page.keyboard.press('F10');
  await expect(page.getByRole('dialog', { name: 'Оплата картой' })).toBeVisible();
  const no = await receiptNumber(page);
  await page.keyboard.press('Enter');
  // The other till finds it once this till has pushed it to the server (retried below).

  const other = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await ready(other, 1);
  await other.keyboard.press('F3');
  await expect(async () => {
    await other.getByLabel('Номер чека').fill(no);
    await other.getByRole('button', { name: 'Найти чек' }).click();
    await expect(other.getByRole('table', { name: 'Позиции чека' })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await other.getByLabel(`Вернуть: ${YOGHURT.name}`).fill('1');
  await other.getByRole('button', { name: 'Оформить возврат' }).click();
  await expect(other.getByText(/возвращено на карту покупателя/)).toBeVisible({ timeout: 20_000 });
  expect(refunds(1)).toHaveLength(1);
  expect(refunds(1)[0]).toMatch(/ 000000000111$/);
  expect(docs(1, 'sellReturn')).toHaveLength(1);
  expect(docs(0, 'sellReturn').length).toBeLessThanOrEqual(1);
  await other.close();
});

test('a reload between the card refund and the return receipt: one refund, one return document, the return finished', async ({ page }) => {
  await ready(page, 1);
  await addToBasket(page, YOGHURT);
  // F9 opens the payment once the sale is priced; F10 then charges the card.
  await pressPay(page);
  await expect(page.getByRole('dialog', { name: 'Оплата наличными' })).toBeVisible();
  await page.keyboard.press('F10');
  const no = await receiptNumber(page);
  await page.keyboard.press('Enter');
  const returnsBefore = docs(1, 'sellReturn').length;
  const refundsBefore = refunds(1).length;
  const sent = tills[1]!.sim.state().received['sellReturn'] ?? 0;
  tills[1]!.sim.setFaults({ answerDelayMs: 1_500 });
  await page.keyboard.press('F3');
  await page.getByLabel('Номер чека').fill(no);
  await page.getByRole('button', { name: 'Найти чек' }).click();
  await page.getByLabel(`Вернуть: ${YOGHURT.name}`).fill('1');
  await page.getByRole('button', { name: 'Оформить возврат' }).click();
  await expect.poll(() => tills[1]!.sim.state().received['sellReturn'] ?? 0, { timeout: 20_000 }).toBe(sent + 1);
  await page.reload();
  await expect(page.getByText(`Возврат по чеку ${no}, прерванный перезапуском, завершён.`)).toBeVisible({ timeout: 30_000 });
  tills[1]!.sim.setFaults({ answerDelayMs: 0 });
  expect(docs(1, 'sellReturn').length).toBe(returnsBefore + 1);
  expect(refunds(1).length).toBe(refundsBefore + 1);
});
