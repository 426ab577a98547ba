import { expect, test, type Page } from '@playwright/test';
import type { OfferInput } from '../core/engine';
import { approveWith } from '../drivers/payment/fakeTerminal';
import { DEMO_OFFERS, demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { startFiscalTill, type FiscalTill } from './support/fiscalTill';
import { startServer, type RunningServer } from './support/processes';
import { addToBasket, hostRpc, pressPay, scan } from './support/till';

/**
 * A cashier's walk where features meet: a next-order coupon on a card sale with a reload
 * between the terminal's approval and the register's answer; a gift certificate paying part of
 * a receipt with the card paying the rest, then returned.
 */
const COUPON_OFFER: OfferInput = {
  id: 'coupon-10',
  name: { ru: 'Купон −10 %', en: 'Coupon −10%' },
  audience: { coupon: true },
  effect: { type: 'percentDiscount', basisPoints: 1_000 },
};
const NEXT_OFFER: OfferInput = {
  id: 'next-150',
  name: { ru: 'Купон на следующую покупку от 150 ₽', en: 'Next-purchase coupon from 150 ₽' },
  conditions: { minReceiptKopecks: 15_000 },
  effect: { type: 'nextOrderCoupon', couponOfferId: COUPON_OFFER.id, validDays: 14 },
};

let server: RunningServer;
let till: FiscalTill;
let certificate = '';
let coupons: string[] = [];

test.use({ viewport: { width: 1366, height: 768 } });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(1_000);
  await server.admin('PUT', '/api/v1/admin/chains/1/offers', { offers: [...DEMO_OFFERS, COUPON_OFFER, NEXT_OFFER] });
  await server.admin('POST', '/api/v1/admin/stores/1/managers', { name: 'Ирина Петрова', pin: '482913' });
  await server.admin('PUT', '/api/v1/admin/chains/1/desk-settings', { feedbackLink: { baseUrl: server.url } });
  ({
    codes: [certificate = ''],
  } = await server.admin<{ codes: string[] }>('POST', '/api/v1/admin/chains/1/certificates', { nominalKopecks: 5_000, count: 1 }));
  await server.admin('PUT', '/api/v1/admin/chains/1/programme', {
    ...(await server.admin<{ programme: Record<string, unknown> }>('GET', '/api/v1/admin/chains/1/programme')).programme,
    offlineSingleUseCoupons: 1,
  });
  ({ codes: coupons } = await server.admin<{ codes: string[] }>('POST', '/api/v1/admin/chains/1/coupons', { offerId: COUPON_OFFER.id, count: 2 }));
  till = await startFiscalTill(server, approveWith('tok_card_walk', '4242'), approveWith('tok_card_walk', '4242', '000000000999'));
});
test.afterAll(async () => {
  await till?.stop();
  await server?.stop();
});

const YOGHURT = demoProduct(1); // 86,90 ₽
const BREAD = demoProduct(2); // 123,90 ₽
const TOBACCO = demoProduct(7); // marked
const sells = () => till.sim.state().documents.filter((d) => d.kind === 'sell');
const returns = () => till.sim.state().documents.filter((d) => d.kind === 'sellReturn');
const lines = (prefix: string) => till.terminal.received.filter((l) => l.startsWith(prefix));
const receipt = (page: Page) => page.getByRole('status', { name: 'Чек' });

async function ready(page: Page) {
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
}

async function typeCoupon(page: Page, code: string) {
  await page.getByLabel('Купон или промокод').fill(code);
  await page.getByLabel('Купон или промокод').press('Enter');
}

async function customer(page: Page, n: number) {
  await scan(page, demoCardNumber(n));
  await expect(page.getByRole('article', { name: 'Клиент' }).getByLabel('Телефон')).toHaveText(`+7 *** ***-**-${n}`);
}

test('5: a certificate sold, then paying part of a receipt with the card paying the rest, then the receipt returned', async ({ page }) => {
  test.setTimeout(180_000);
  await ready(page);
  await page.getByText('Продать подарочный сертификат…').click();
  await expect(async () => {
    await page.getByLabel('Продать сертификат (код или штрихкод)').fill(certificate);
    await page.getByLabel('Продать сертификат (код или штрихкод)').press('Enter');
    await expect(page.getByRole('table', { name: 'Корзина' }).getByText(`Подарочный сертификат ${certificate}`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await pressPay(page);
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByLabel('Получено от покупателя').fill('50');
  await page.keyboard.press('Enter');
  await expect(receipt(page).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });

  // Bread, 123,90 ₽: the certificate pays 50 ₽, the card 73,90 ₽.
  await addToBasket(page, BREAD);
  await pressPay(page);
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Оплата сертификатом (код)').fill(certificate);
  await dialog.getByRole('button', { name: 'Принять сертификат' }).click();
  await expect(dialog.getByRole('list', { name: 'Оплачено сертификатами' })).toContainText(/50,00\s₽, остаток на сертификате 0,00\s₽/);
  await page.keyboard.press('F10');
  await expect(receipt(page).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  expect(lines('PAY').at(-1)).toMatch(/ 7390$/);
  const paid = sells().at(-1)!;
  expect(paid.payments).toEqual(
    expect.arrayContaining([
      { type: 'prepaid', kopecks: 5_000 },
      { type: 'electronically', kopecks: 7_390 },
    ]),
  );
  const receiptNo = /Чек (\S+) проведён/.exec((await receipt(page).getByRole('heading').first().textContent()) ?? '')![1]!;
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });

  // The whole receipt returned: the card gets its 73,90 ₽ back, the certificate its 50 ₽.
  await page.keyboard.press('F4');
  await page.getByRole('button', { name: `Возврат по чеку ${receiptNo}` }).click();
  await page.getByRole('table', { name: 'Позиции чека' }).getByLabel(`Вернуть: ${BREAD.name}`).fill('1');
  // Before it is made, the cashier sees what goes where.
  await expect(page.getByLabel('Вернуть покупателю', { exact: true })).toHaveText(/^73,90\s₽$/);
  await expect(page.getByLabel('Вернуть на подарочный сертификат', { exact: true })).toHaveText(/^50,00\s₽$/);
  await page.getByRole('button', { name: 'Оформить возврат' }).click();
  await expect(page.getByText(/Возврат оформлен: 73,90\s₽ возвращено на карту покупателя. На подарочный сертификат возвращено 50,00\s₽./)).toBeVisible({
    timeout: 20_000,
  });
  await page.screenshot({ path: test.info().outputPath('walk-certificate-return.png') });
  expect(lines('REFUND').at(-1)).toMatch(/ 7390 000123456789$/);
  const back = returns().at(-1)!;
  expect(back.totalKopecks).toBe(12_390);
  expect(back.payments).toEqual(
    expect.arrayContaining([
      { type: 'prepaid', kopecks: 5_000 },
      { type: 'electronically', kopecks: 7_390 },
    ]),
  );
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  // The certificate has its 50 ₽ back (and is not also paid out on the card).
  const seen = await hostRpc<{ value: { status: number; body: { balanceKopecks: number } } }>(page, {
    op: 'api',
    method: 'GET',
    path: `/api/v1/certificates/${certificate}`,
  });
  expect(seen.value.body.balanceKopecks).toBe(5_000);
  const conflicts = await server.admin<{ items: unknown[] }>('GET', '/api/v1/admin/exceptions?kind=certificate_conflict');
  expect(conflicts.items).toEqual([]);
  expect(till.sim.state().invalidTasks).toEqual([]);
});

test('5b: a gift certificate sold by card and brought back: refunded to the card, taken off at the server, refused as payment afterwards', async ({ page }) => {
  test.setTimeout(180_000);
  const {
    codes: [code = ''],
  } = await server.admin<{ codes: string[] }>('POST', '/api/v1/admin/chains/1/certificates', { nominalKopecks: 5_000, count: 1 });
  await ready(page);
  await page.getByText('Продать подарочный сертификат…').click();
  await expect(async () => {
    await page.getByLabel('Продать сертификат (код или штрихкод)').fill(code);
    await page.getByLabel('Продать сертификат (код или штрихкод)').press('Enter');
    await expect(page.getByRole('table', { name: 'Корзина' }).getByText(`Подарочный сертификат ${code}`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await pressPay(page);
  await page.keyboard.press('F10');
  await expect(receipt(page).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  const receiptNo = /Чек (\S+) проведён/.exec((await receipt(page).getByRole('heading').first().textContent()) ?? '')![1]!;
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });

  await page.keyboard.press('F4');
  await page.getByRole('button', { name: `Возврат по чеку ${receiptNo}` }).click();
  await page.getByRole('table', { name: 'Позиции чека' }).getByLabel(`Вернуть: Подарочный сертификат ${code}`).fill('1');
  await page.getByRole('button', { name: 'Оформить возврат' }).click();
  await expect(page.getByText(/Возврат оформлен: 50,00\s₽ возвращено на карту покупателя/)).toBeVisible({ timeout: 20_000 });
  expect(lines('REFUND').at(-1)).toMatch(/ 5000 000123456789$/);
  expect(returns().at(-1)!.totalKopecks).toBe(5_000);
  const seen = await hostRpc<{ value: { status: number; body: { balanceKopecks: number } } }>(page, {
    op: 'api',
    method: 'GET',
    path: `/api/v1/certificates/${code}`,
  });
  expect(seen.value.body.balanceKopecks).toBe(0);
  expect(till.sim.state().invalidTasks).toEqual([]);
});

test('1: a card sale earning a next-order coupon, reloaded between the approval and the register: one document, one charge, the coupon printed once and shown', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await ready(page);
  // The register's shift is open (the sale above opened it): held tasks hold the receipt itself.
  expect(till.sim.state().shift).toBe('opened');
  await addToBasket(page, YOGHURT);
  await scan(page, YOGHURT.ean);
  await expect(page.getByLabel('К оплате')).toHaveAttribute('data-kopecks', '17380');
  await customer(page, 45);
  const sold = sells().length;
  const charged = lines('PAY').length;
  const sent = till.sim.state().received['sell'] ?? 0;
  // Each register task takes a while: the reload lands while the receipt is at the register.
  till.sim.setFaults({ answerDelayMs: 1_500 });
  await pressPay(page);
  await expect(page.getByRole('dialog', { name: 'Оплата наличными' })).toBeVisible();
  await page.keyboard.press('F10');
  await expect.poll(() => till.sim.state().received['sell'] ?? 0, { timeout: 20_000 }).toBe(sent + 1);
  await page.reload();
  await expect(receipt(page).getByText(/Кассовый чек: ФД №/)).toBeVisible({ timeout: 30_000 });
  till.sim.setFaults({ answerDelayMs: 0 });
  expect(sells().length).toBe(sold + 1);
  expect(lines('PAY').length).toBe(charged + 1);
  const doc = sells().at(-1)!;
  const couponLines = (doc.text ?? []).filter((t) => /N[2-9A-Z]{11}/.test(t));
  expect(couponLines).toHaveLength(1);
  const code = /N[2-9A-Z]{11}/.exec(couponLines[0]!)![0];
  await expect(receipt(page).getByText(`Купон на следующую покупку: ${code}`, { exact: false })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  expect(till.sim.state().invalidTasks).toEqual([]);
});

test('2: a customer scanned under the payment dialog, Esc twice, Enter twice on pay, a product scanned under the marking prompt', async ({ page }) => {
  test.setTimeout(180_000);
  await ready(page);
  await addToBasket(page, YOGHURT);
  await pressPay(page);
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await expect(dialog).toBeVisible();
  // The customer's card shown while the payment dialog is open: refused, and said in the dialog,
  // where the cashier looks (behind the backdrop the notice could not be read).
  await scan(page, demoCardNumber(46));
  await expect(dialog.getByRole('alert')).toContainText('Идёт оплата: скан не принят');
  await expect(page.getByRole('article', { name: 'Клиент' })).toHaveCount(0);
  // Nothing of the sale screen shows through the dialog (the basket's sticky header did).
  const header = await page.getByRole('table', { name: 'Корзина' }).getByRole('columnheader').last().boundingBox();
  const onTop = await page.evaluate(
    ([x, y]) => !!document.elementFromPoint(x!, y!)?.closest('[role=dialog]'),
    [header!.x + header!.width / 2, header!.y + header!.height / 2],
  );
  expect(onTop).toBe(true);
  // Esc twice: the dialog closes, the basket stays.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('table', { name: 'Корзина' }).getByText(YOGHURT.name)).toBeVisible();
  // Enter twice on "Оплатить": one sale, one fiscal document.
  const sold = sells().length;
  await pressPay(page);
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Получено от покупателя').fill('100');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(receipt(page).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => sells().length).toBe(sold + 1);
  const soldAfter = sells().length;
  expect(soldAfter).toBe(sold + 1);
  await page.keyboard.press('Enter');
  // A marked product: the DataMatrix prompt; a plain product's EAN scanned into it is refused and not sold.
  const marking = page.getByRole('dialog', { name: 'Товар с маркировкой' });
  await expect(async () => {
    await scan(page, TOBACCO.ean);
    await expect(marking).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await scan(page, BREAD.ean);
  await expect(marking.getByRole('alert')).toHaveText('Код не принят: это не код маркировки.');
  await expect(page.getByRole('table', { name: 'Корзина' }).getByText(BREAD.name)).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(marking).toBeHidden();
  expect(sells().length).toBe(soldAfter);
});

test('3: the server gone mid-shift: sales go on, a coupon typed offline follows the per-till allowance, the bar says so in Russian; back: each sale reaches it once', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await ready(page);
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  const before = server;
  await before.stop();
  await expect(page.getByText('Нет связи с сервером').first()).toBeVisible({ timeout: 60_000 });
  const numbers: string[] = [];

  // Offline, the first single-use coupon is taken on trust (allowance 1).
  await addToBasket(page, YOGHURT);
  await customer(page, 47);
  await typeCoupon(page, coupons[0]!);
  await expect(page.getByRole('list', { name: 'Применённые купоны' })).toContainText(coupons[0]!);
  await pressPay(page);
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByLabel('Получено от покупателя').fill('100');
  await page.keyboard.press('Enter');
  await expect(receipt(page).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  numbers.push(/Чек (\S+) проведён/.exec((await receipt(page).getByRole('heading').first().textContent()) ?? '')![1]!);
  await page.keyboard.press('Enter');

  // The second is refused: the allowance is used up until the sales reach the server.
  await addToBasket(page, BREAD);
  await customer(page, 48);
  await typeCoupon(page, coupons[1]!);
  await expect(page.getByText('касса уже приняла столько разовых купонов, сколько разрешено без связи')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Применённые купоны' })).toHaveCount(0);
  await pressPay(page);
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByLabel('Получено от покупателя').fill('200');
  await page.keyboard.press('Enter');
  await expect(receipt(page).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  numbers.push(/Чек (\S+) проведён/.exec((await receipt(page).getByRole('heading').first().textContent()) ?? '')![1]!);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel(/К отправке: [1-9]/)).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('walk-offline.png') });

  // The server back on the same data and address: everything goes once.
  server = await startServer(1_000, { dataDir: before.dataDir, url: before.url, adminToken: before.adminToken });
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText('В сети').first()).toBeVisible();
  for (const n of numbers) {
    const found = await server.admin<{ receipts: { kind: string }[] }>('GET', `/api/v1/admin/chains/1/receipts?q=${encodeURIComponent(n)}`);
    expect(found.receipts.filter((r) => r.kind === 'sale')).toHaveLength(1);
  }
  const refused = await server.admin<{ items: unknown[] }>('GET', '/api/v1/admin/exceptions?kind=coupon_refused');
  expect(refused.items).toEqual([]);
});

test('4: a receipt held while another is sold, recalled and paid: each has its own feedback link; a returned sale can still be rated (the customer may well want to)', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  await ready(page);
  const linkOf = () => {
    const text = sells().at(-1)!.text ?? [];
    return text[text.indexOf('Оцените покупку и кассира:') + 1]!;
  };
  await addToBasket(page, YOGHURT);
  await page.keyboard.press('Control+h');
  await expect(page.getByText(/Чек отложен/)).toBeVisible();
  await addToBasket(page, BREAD);
  await pressPay(page);
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByLabel('Получено от покупателя').fill('200');
  await page.keyboard.press('Enter');
  await expect(receipt(page).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  const breadNo = /Чек (\S+) проведён/.exec((await receipt(page).getByRole('heading').first().textContent()) ?? '')![1]!;
  const breadLink = linkOf();
  await page.keyboard.press('Enter');

  await page.keyboard.press('Control+o');
  const held = page.getByRole('dialog', { name: 'Отложенные чеки' });
  await expect(held).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('table', { name: 'Корзина' }).getByText(YOGHURT.name)).toBeVisible();
  await pressPay(page);
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByLabel('Получено от покупателя').fill('100');
  await page.keyboard.press('Enter');
  await expect(receipt(page).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  const yoghurtLink = linkOf();
  expect(yoghurtLink).toMatch(/\/f\/[A-Za-z0-9_-]{24}$/);
  expect(yoghurtLink).not.toBe(breadLink);
  await page.keyboard.press('Enter');

  // The bread sale returned whole.
  await page.keyboard.press('F4');
  await page.getByRole('button', { name: `Возврат по чеку ${breadNo}` }).click();
  await page.getByRole('table', { name: 'Позиции чека' }).getByLabel(`Вернуть: ${BREAD.name}`).fill('1');
  await page.getByRole('button', { name: 'Оформить возврат' }).click();
  await expect(page.getByText(/Возврат оформлен/)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });

  // Its link still opens the rating page: a customer who returned goods may have the most to say.
  const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'ru-RU' });
  const customerPage = await phone.newPage();
  const res = await customerPage.goto(breadLink);
  expect(res?.status()).toBe(200);
  await expect(customerPage.getByRole('heading', { name: 'Оцените покупку' })).toBeVisible();
  await phone.close();
});

test('6: re-enrolled from diagnostics with a receipt held and sales just made: the held receipt stays, each sale reaches the server once', async ({ page }) => {
  test.setTimeout(180_000);
  await ready(page);
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  await addToBasket(page, demoProduct(4)); // grocery
  await page.keyboard.press('Control+h');
  await expect(page.getByText(/Чек отложен/)).toBeVisible();
  await addToBasket(page, BREAD);
  await pressPay(page);
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByLabel('Получено от покупателя').fill('200');
  await page.keyboard.press('Enter');
  await expect(receipt(page).getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 20_000 });
  const soldNo = /Чек (\S+) проведён/.exec((await receipt(page).getByRole('heading').first().textContent()) ?? '')![1]!;
  await page.keyboard.press('Enter');

  await page.keyboard.press('F12');
  await expect(page.getByRole('heading', { name: 'Диагностика' })).toBeVisible();
  const action = page.getByRole('button', { name: 'Перерегистрировать кассу' });
  for (let i = 0; i < 20 && !(await action.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(action).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Перерегистрация кассы' })).toBeVisible();
  const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 1 });
  await page.getByLabel('Адрес сервера').fill(server.url);
  await page.getByLabel('Код регистрации').fill(code);
  await page.getByLabel('Название кассы').fill('Касса 2');
  await page.getByLabel('PIN-код менеджера (или приложите карту менеджера)').fill('482913');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').getByText(/· Касса 2/)).toBeVisible({ timeout: 30_000 });

  // Done: the screen says so and the form with the manager's PIN in it goes; Esc back to the sale.
  await expect(page.getByText('Касса перерегистрирована: «Касса 2».')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Перерегистрация кассы' })).toBeHidden();
  await expect(page.getByLabel('PIN-код менеджера (или приложите карту менеджера)')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Диагностика' })).toBeHidden();
  await expect(page.getByText('Отложенные (1) (Ctrl+O)')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  const found = await server.admin<{ receipts: { kind: string }[] }>('GET', `/api/v1/admin/chains/1/receipts?q=${encodeURIComponent(soldNo)}`);
  expect(found.receipts.filter((r) => r.kind === 'sale')).toHaveLength(1);
});
