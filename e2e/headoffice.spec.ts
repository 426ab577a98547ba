import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { tillForFile, type RunningServer } from './support/processes';
import { tillReady } from './support/runtime';
import { addToBasket, kopecksOf } from './support/till';
import { line, registration, sale, saleReturn } from '../sync/server/testing/events';
import { offerReturns } from '../sync/server/uptakeReturns';

const till = tillForFile(500);

/** Head office in its own tab: sign in with the admin key, Russian by default. */
async function headOffice(page: Page, server: RunningServer, tab = ''): Promise<void> {
  await page.goto(`${server.url}/admin/${tab}`);
  await expect(page.getByRole('heading', { name: 'Вход в головной офис' })).toBeVisible();
  await page.getByLabel('Ключ администратора').fill(server.adminToken);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation')).toBeVisible();
}

/** A second terminal of store 1 that pushes ready-made events (sales, returns, registrations) straight to the server. */
async function pushingTerminal(
  server: RunningServer,
): Promise<(events: unknown[]) => Promise<{ status: string; result?: { posted?: Record<string, number> } }[]>> {
  const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 1 });
  const res = await fetch(`${server.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deviceName: 'Касса e2e' }),
  });
  const { token } = (await res.json()) as { token: string };
  return async (events) => {
    const r = await fetch(`${server.url}/api/v1/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    return ((await r.json()) as { results: { status: string; result?: { posted?: Record<string, number> } }[] }).results;
  };
}

test('head office creates an offer in the form, sees its effect on a sample receipt, publishes it, and the till applies it', async ({
  page,
  context,
}, testInfo) => {
  const product = demoProduct(1);
  await headOffice(page, till.server);
  await page.getByRole('button', { name: 'Новая акция' }).click();
  const form = page.getByRole('form', { name: 'Акция' });
  await form.getByLabel('Код акции').fill('e2e-yoghurt');
  await form.getByLabel('Название по-русски').fill('Скидка e2e на товар');
  await form.getByLabel('Название по-английски').fill('E2E product discount');
  // Who gets it is said plainly: card holders only.
  await expect(form.getByText(/^Держатели карты лояльности/)).toBeVisible();
  await form.getByLabel('Найти товар').fill(product.name);
  await form.getByRole('button', { name: `Добавить: ${product.name}`, exact: true }).click();
  await expect(form.getByRole('list', { name: 'Товары' }).getByRole('listitem')).toHaveText([`${product.name} ×`]);
  await form.getByLabel('Скидка, %', { exact: false }).last().fill('25');

  // The preview: put the product in the sample receipt; a card holder gets 25 % off it, a customer without a card nothing.
  const preview = page.getByRole('complementary', { name: 'Проверка на примере чека' });
  await preview.getByLabel('Добавить в чек').fill(product.name);
  await preview.getByRole('button', { name: `Добавить: ${product.name}`, exact: true }).click();
  await expect(preview.getByRole('status')).toContainText('Акция сработала');
  const expected = Math.floor((product.price * 25) / 100);
  await expect(
    preview
      .getByRole('table', { name: 'Расчёт примера' })
      .getByRole('row', { name: /Скидка/ })
      .getByRole('cell')
      .nth(1),
  ).toHaveText(new RegExp(`^${(expected / 100).toFixed(2).replace('.', ',')}`));
  await preview.getByLabel('Покупатель').selectOption({ label: 'Без карты лояльности' });
  await expect(preview.getByRole('status')).toHaveText('На этом чеке акция не срабатывает.');
  await page.screenshot({ path: testInfo.outputPath('offer-editor.png'), fullPage: true });

  await form.getByRole('button', { name: 'Опубликовать' }).click();
  await expect(page.getByRole('status')).toContainText('Акция «Скидка e2e на товар» опубликована');
  await expect(page.getByRole('table', { name: 'Список акций' }).getByText('Скидка e2e на товар')).toBeVisible();

  // At the till: after a pull (a reload pulls at once) the offer prices the product for a card holder.
  const tillPage = await context.newPage();
  await tillPage.goto(till.host.openUrl);
  await tillReady(tillPage);
  await expect(async () => {
    await tillPage.reload();
    await tillReady(tillPage);
    await addToBasket(tillPage, product);
    const input = tillPage.getByRole('textbox', { name: 'Карта или телефон' });
    await input.fill(demoCardNumber(12));
    await input.press('Enter');
    await expect(tillPage.getByRole('article', { name: 'Клиент' })).toBeVisible();
    await expect(tillPage.locator('details.explanations li', { hasText: 'Скидка e2e на товар' })).toHaveCount(1, { timeout: 3_000 });
  }).toPass({ timeout: 90_000 });
  await tillPage.close();
});

test('head office figures are net of returns, and per till, cashier and day add up to the total', async ({ page }) => {
  const push = await pushingTerminal(till.server);
  const sold = sale({ customerId: '7', available: 0, lines: [line(3, 2), line(9)] });
  const other = sale({ customerId: null, lines: [line(1)] });
  expect((await push([sold.event, other.event])).map((r) => r.status)).toEqual(['applied', 'applied']);
  const back = saleReturn(sold, [{ lineId: 'l9', quantityMilli: 1000 }]);
  expect((await push([back.event]))[0]?.status).toBe('applied');
  const gross = sold.event.totals.payable + other.event.totals.payable;
  const refund = back.priced.totals.refund;

  await headOffice(page, till.server, '#figures');
  await page.getByRole('link', { name: 'Показатели' }).click();
  const byStore = page.getByRole('table', { name: 'По магазинам' });
  const total = byStore.locator('tfoot tr');
  // The figures arrive after the page: read the columns once the table has them.
  await expect(byStore.locator('thead th', { hasText: 'Возвратов' })).toHaveCount(1);
  const header = await byStore.locator('thead th').allTextContents();
  const cell = async (name: string) =>
    kopecksOf(
      await total
        .locator('td')
        .nth(header.indexOf(name) - 1)
        .textContent(),
    );
  await expect(total.locator('td').nth(header.indexOf('Возвратов') - 1)).toHaveText('1');
  expect(await cell('Выручка')).toBe(gross);
  expect(await cell('Возвраты, ₽')).toBe(refund);
  expect(await cell('Выручка нетто')).toBe(gross - refund);
  // By till, by cashier and by day: each grouping's rows add up to the same net and the same returns.
  const netColumn = header.indexOf('Выручка нетто');
  const returnsColumn = header.indexOf('Возвраты, ₽');
  const sumOf = async (table: ReturnType<Page['getByRole']>, column: number) => {
    let sum = 0;
    for (const r of await table.locator('tbody tr').all())
      sum += kopecksOf(
        await r
          .locator('td')
          .nth(column - 1)
          .textContent(),
      );
    return sum;
  };
  for (const grouping of ['По кассам', 'По кассирам', 'По дням']) {
    await page.getByRole('tab', { name: grouping }).click();
    const table = page.getByRole('table', { name: grouping });
    await expect(table.locator('tbody tr').first()).toBeVisible();
    expect(await sumOf(table, netColumn), grouping).toBe(gross - refund);
    expect(await sumOf(table, returnsColumn), grouping).toBe(refund);
  }
  // Per-offer uptake beside it is net of the same return: the returned dairy line takes its share of the double bonuses back.
  const bonus = sold.priced.explanations.filter((e) => e.offerId === 'milk-x2').reduce((n, e) => n + e.amount, 0);
  const returned = offerReturns(sold.priced, [back.priced])[0]?.get('milk-x2')?.bonusCost ?? 0;
  expect(returned).toBeGreaterThan(0);
  const uptake = page.getByRole('table', { name: 'Акции: сколько использовано' });
  const uptakeHeader = await uptake.locator('thead th').allTextContents();
  const milk = uptake.locator('tbody tr', { hasText: 'Двойные бонусы на молочное' });
  const uptakeCell = (name: string) => milk.locator('td').nth(uptakeHeader.indexOf(name));
  await expect(uptakeCell('Возвращено чеков')).toHaveText('1');
  expect(kopecksOf(await uptakeCell('Бонусы').textContent())).toBe(bonus);
  expect(kopecksOf(await uptakeCell('Бонусы нетто').textContent())).toBe(bonus - returned);
  // Any date range: from a week ago to today still holds the sales and the return; a range before them holds nothing.
  const today = await page.getByLabel('По', { exact: true }).inputValue();
  const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('С', { exact: true }).fill(day(-7));
  await page.getByRole('button', { name: 'Показать' }).click();
  const byDay = page.getByRole('table', { name: 'По дням' });
  await expect
    .poll(async () =>
      kopecksOf(
        await byDay
          .locator('tfoot td')
          .nth(netColumn - 1)
          .textContent(),
      ),
    )
    .toBe(gross - refund);
  await page.getByLabel('По', { exact: true }).fill(day(-2));
  await page.getByRole('button', { name: 'Показать' }).click();
  await expect(byDay.locator('tfoot td').first()).toHaveText('0');
  await expect(byDay.locator('tbody tr')).toHaveCount(0);
});

test('an exception is settled from the report: a taken card goes back to its holder, once, through the server', async ({ page }) => {
  const push = await pushingTerminal(till.server);
  // A new customer registers with a card another customer already holds: the card stays, and head office is told.
  const card = demoCardNumber(40);
  const reg = registration({ phone: '+79990001122', card, firstName: 'Вера' });
  const [applied] = await push([reg]);
  expect(applied?.status).toBe('applied');
  const before = await till.server.admin<{ id: string }>('GET', `/api/v1/admin/customers?card=${card}`);

  await headOffice(page, till.server, '#exceptions');
  const report = page.getByRole('table', { name: 'Исключения' });
  const row = report.getByRole('row', { name: /Карта уже у другого покупателя/ });
  await expect(row).toHaveCount(1);
  const newcomer = ((await row.getByRole('cell').nth(3).textContent()) ?? '').match(/№ (\d+)/)?.[1];
  expect(newcomer).toBeTruthy();
  expect(newcomer).not.toBe(before.id);
  await row.getByRole('button', { name: 'Вернуть карту' }).click();
  const dialog = page.getByRole('form', { name: 'Вернуть карту' });
  await dialog.getByLabel('Номер карты').fill(card);
  await dialog.getByLabel('Причина').fill('Карта выдана Вере на кассе');
  await dialog.getByRole('button', { name: 'Вернуть карту' }).dblclick();
  await expect(page.getByRole('status')).toHaveText(`Карта закреплена за покупателем № ${newcomer}.`);
  // Settled rows leave the open list; the card now finds the new customer.
  await expect(report.getByRole('row', { name: /Карта уже у другого покупателя/ })).toHaveCount(0);
  expect((await till.server.admin<{ id: string }>('GET', `/api/v1/admin/customers?card=${card}`)).id).toBe(newcomer);
  await page.getByLabel('Только нерешённые').uncheck();
  await expect(report.getByRole('row', { name: /Карта уже у другого покупателя/ })).toContainText('Решено: карта возвращена');

  // Вера's phone at another registration without her SMS code: a separate customer, and the report says in Russian whose phone it is.
  const [again] = await push([registration({ phone: '+79990001122', card: demoCardNumber(90_002), firstName: 'Вера' })]);
  expect(again?.status).toBe('applied');
  await page.reload();
  const repeat = report.getByRole('row', { name: /с чужим телефоном/ });
  await expect(repeat.getByRole('cell').nth(4)).toHaveText(`телефон уже у покупателя №: ${newcomer}`);
});

test('head office speaks English on request and remembers it; the Russian pages carry no English interface text', async ({ page }) => {
  await headOffice(page, till.server, '#lists');
  await page.getByRole('tab', { name: 'Кассы' }).click();
  const tills = page.getByRole('table', { name: 'Кассы' });
  await expect(tills.getByRole('columnheader', { name: 'Последняя связь' })).toBeVisible();
  // Interface text only (headers, tabs, buttons; not the language switch, which names English in English): data may be in any language.
  const chrome = await page.locator('h1, nav, th, button, main label, h2').allTextContents();
  expect(chrome.join(' ')).not.toMatch(/[A-Za-z]{2,}/);
  await page.getByLabel('Язык').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Lists' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('link', { name: 'Figures' })).toBeVisible();
  await page.getByLabel('Language').selectOption('ru');
  await expect(page.getByRole('link', { name: 'Показатели' })).toBeVisible();
});

test("head office withdraws a customer's marketing consent from the customer page, after a confirmation (152-FZ)", async ({ page }) => {
  const push = await pushingTerminal(till.server);
  const card = demoCardNumber(90_001);
  const [applied] = await push([registration({ phone: '+79990003344', card, firstName: 'Нина' })]);
  expect(applied?.status).toBe('applied');
  const { id } = await till.server.admin<{ id: string }>('GET', `/api/v1/admin/customers?card=${card}`);

  await headOffice(page, till.server, '#customers');
  await page.getByLabel('Искать').selectOption('card');
  await page.getByLabel('Номер', { exact: true }).fill(card);
  await page.getByRole('button', { name: 'Поиск' }).click();
  await expect(page.getByRole('heading', { name: `Клиент ${id}: Нина` })).toBeVisible();
  const sms = page.getByRole('table', { name: 'Согласия сейчас' }).getByRole('row', { name: /рассылки: SMS/ });
  await expect(sms.getByRole('cell').nth(1)).toHaveText('дано');
  await sms.getByRole('button', { name: 'Отозвать согласие: рассылки: SMS' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Отзыв согласия' });
  await expect(confirm).toContainText('Нина отзывает согласие «рассылки: SMS»');
  await confirm.getByRole('button', { name: 'Да, отозвать' }).click();
  await expect(page.getByRole('status')).toHaveText('Согласие отозвано.');
  await expect(sms.getByRole('cell').nth(1)).toHaveText('отозвано или не дано');
  await expect(sms.getByRole('button')).toHaveCount(0);
  // The history keeps every decision, newest first: the withdrawal at head office above the consent given at the till.
  const log = page.getByRole('table', { name: 'История согласий' });
  const smsDecisions = log.getByRole('row', { name: /рассылки: SMS/ });
  await expect(smsDecisions).toHaveCount(2);
  await expect(smsDecisions.nth(0)).toContainText('отозвал(а) или отказал(а)');
  await expect(smsDecisions.nth(0)).toContainText('в центральном офисе');
  await expect(smsDecisions.nth(1)).toContainText('дал(а) согласие');
  await expect(smsDecisions.nth(1)).toContainText('на кассе');
  await expect(log.getByRole('row', { name: /обработка персональных данных/ })).toContainText('дал(а) согласие');
  const history = await till.server.admin<{ current: { purpose: string; channel: string | null; granted: boolean }[] }>(
    'GET',
    `/api/v1/admin/customers/${id}/consents`,
  );
  expect(history.current.find((c) => c.channel === 'sms')?.granted).toBe(false);
  expect(history.current.find((c) => c.purpose === 'personal_data')?.granted).toBe(true);
});

test('head office downloads receipts, consenting customers and the ledger as CSV for Excel (";"), from the import and export page', async ({ page }) => {
  const push = await pushingTerminal(till.server);
  const sold = sale({ customerId: '21', available: 0, lines: [line(4, 2), line(5)] });
  expect((await push([sold.event]))[0]?.status).toBe('applied');
  expect((await push([saleReturn(sold, [{ lineId: 'l5', quantityMilli: 1000 }]).event]))[0]?.status).toBe('applied');
  expect((await push([registration({ phone: '+79990006677', card: demoCardNumber(90_003), firstName: 'Зоя' })]))[0]?.status).toBe('applied');

  await headOffice(page, till.server, '#import');
  const form = page.getByRole('form', { name: 'Выгрузка' });
  const today = await page.evaluate(() => new Date().toLocaleDateString('sv'));
  await form.getByLabel('С', { exact: true }).fill(today);
  await form.getByLabel('По', { exact: true }).fill(today);
  const download = async () => {
    const [file] = await Promise.all([page.waitForEvent('download'), form.getByRole('button', { name: 'Скачать' }).click()]);
    await expect(form.getByRole('status')).toHaveText(`Файл «${file.suggestedFilename()}» скачан.`);
    const text = readFileSync(await file.path(), 'utf8');
    expect(text.startsWith('\uFEFF'), 'a BOM, so Excel reads Cyrillic').toBe(true);
    return text.slice(1).trim().split('\r\n');
  };

  const receipts = await download();
  expect(receipts[0]?.split(';')).toContain('receipt_id');
  const row = receipts.find((l) => l.startsWith(`${sold.event.sale.receiptId};`))?.split(';');
  const column = (name: string) => receipts[0]!.split(';').indexOf(name);
  expect(row?.[column('payable_kopecks')]).toBe(String(sold.event.totals.payable));
  expect(row?.[column('returns')], 'its one return').toBe('1');

  await form.getByLabel('Что выгрузить').selectOption({ label: 'Покупатели, согласные на рассылку' });
  await form.getByLabel('Канал рассылки').selectOption({ label: 'SMS' });
  const sms = await download();
  expect(sms.some((l) => l.includes('Зоя') && l.includes('+79990006677'))).toBe(true);
  await form.getByLabel('Канал рассылки').selectOption({ label: 'электронная почта' });
  expect(
    (await download()).some((l) => l.includes('Зоя')),
    'she did not consent to e-mail',
  ).toBe(false);

  await form.getByLabel('Что выгрузить').selectOption({ label: 'Журнал бонусов' });
  const ledger = await download();
  expect(ledger[0]).toContain('entry_id;customer_id;kind');
  expect(ledger.some((l) => l.includes(';welcome;'))).toBe(true);
});

/**
 * Latin words allowed in head office's Russian pages: SMS, e-mail, Push (channel names as Russian
 * shops write them), CommerceML, CSV, XML and Excel (names of formats and programs), N and M
 * ("Купи N — заплати за M": counts, as Russian price tags write them).
 */
const ALLOWED = new Set(['SMS', 'E-mail', 'e-mail', 'Push', 'CommerceML', 'CSV', 'XML', 'Excel', 'N', 'M']);
/** Data shown as it is: the demo catalogue's product names ("yoghurt #1"). */
const PRODUCT_NAME = /\b(dairy|yoghurt|bakery|fruit|grocery|drinks|household|tobacco) #\d+/g;

test('every head office page and list, with data in it, speaks Russian: no English words, no API field names, no codes', async ({ page }) => {
  const push = await pushingTerminal(till.server);
  // Something on every screen: a refused sale, a sale by a cashier the server does not know, a repeat registration.
  const refused = sale({ customerId: null, lines: [line(2)], totals: { payable: 1 } });
  expect((await push([refused.event]))[0]?.status).toBe('rejected');
  expect((await push([{ ...sale({ customerId: null, lines: [line(1)] }).event, cashierId: '999' }]))[0]?.status).toBe('applied');
  expect((await push([registration({ phone: '+79990006677', card: demoCardNumber(90_004), firstName: 'Зоя' })]))[0]?.status).toBe('applied');
  const { offers } = await till.server.admin<{ offers: { id: string }[] }>('GET', '/api/v1/admin/chains/1/offers');
  const codes = new Set(offers.map((o) => o.id));

  const found: string[] = [];
  const check = async (screen: string) => {
    const text = (await page.locator('nav, main').allInnerTexts()).join('\n').replace(PRODUCT_NAME, '');
    for (const token of text.split(/[\s,;:()«»"]+/)) {
      if (!/[A-Za-z]/.test(token) || codes.has(token) || /\d|[/@._=#]/.test(token)) continue;
      for (const word of token.match(/[A-Za-z]+(?:[-'][A-Za-z]+)*/g) ?? []) if (!ALLOWED.has(word)) found.push(`${screen}: ${word}`);
    }
  };

  await headOffice(page, till.server);
  await expect(page.getByRole('table', { name: 'Список акций' }).locator('tbody tr').first()).toBeVisible();
  await check('offers');
  await page.getByRole('button', { name: 'Новая акция' }).click();
  await page.getByRole('form', { name: 'Акция' }).getByRole('button', { name: 'Опубликовать' }).click();
  await expect(page.getByText('Исправьте отмеченные поля.')).toBeVisible();
  await check('new offer, refused');

  await page.getByRole('link', { name: 'Показатели' }).click();
  await expect(page.getByRole('table', { name: 'По магазинам' }).locator('tbody tr').first()).toBeVisible();
  for (const grouping of ['По кассам', 'По кассирам', 'По дням']) {
    await page.getByRole('tab', { name: grouping }).click();
    await expect(page.getByRole('table', { name: grouping }).locator('tbody tr').first()).toBeVisible();
    await check(`figures ${grouping}`);
  }

  await page.getByRole('link', { name: 'Сегменты' }).click();
  await page.getByRole('button', { name: 'Пересчитать сейчас' }).click();
  await expect(page.getByRole('table', { name: 'По магазинам' }).getByRole('row', { name: /^Без покупок/ })).toBeVisible();
  await page.getByRole('form', { name: 'Пороги сегментов' }).getByRole('button', { name: 'Сохранить пороги' }).click();
  await expect(page.getByRole('status')).toBeVisible();
  await check('segments');

  await page.getByRole('link', { name: 'Исключения' }).click();
  await page.getByLabel('все').check();
  const report = page.getByRole('table', { name: 'Исключения' });
  await expect(report.getByRole('row', { name: /Неизвестный кассир/ }).first()).toBeVisible();
  await expect(report.getByRole('row', { name: /Событие кассы отклонено/ }).first()).toContainText('причина: суммы чека не сходятся; событие: продажа');
  await check('exceptions');

  await page.getByRole('link', { name: 'Справочники' }).click();
  for (const list of ['Магазины', 'Кассы', 'Товары', 'Кассиры', 'Менеджеры', 'Подтверждения', 'Отклонённые события']) {
    await page.getByRole('tab', { name: list }).click();
    await expect(page.getByRole('table', { name: list })).toBeVisible();
    await expect(page.getByText('Загрузка…')).toHaveCount(0);
    await check(`list ${list}`);
  }
  await expect(
    page
      .getByRole('table', { name: 'Отклонённые события' })
      .getByRole('row', { name: /суммы чека не сходятся/ })
      .first(),
  ).toBeVisible();

  await page.getByRole('link', { name: 'Клиенты' }).click();
  await check('customers');
  await page.getByRole('link', { name: 'Загрузка и выгрузка' }).click();
  await expect(page.getByRole('form', { name: 'Выгрузка' })).toBeVisible();
  await check('import and export');
  expect(found).toEqual([]);
});
