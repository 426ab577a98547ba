import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { CONSENT_TEXT_VERSION } from '../sync/client/registration';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, kopecksOf } from './support/till';
import { startServer, startTillHost, type RunningHost, type RunningServer } from './support/processes';
import {
  outboxOf,
  queueEvent,
  startRestartableHost,
  startSwitchableLink,
  terminalIdOf,
  tillReady,
  type RestartableHost,
  type SwitchableLink,
} from './support/runtime';

/**
 * Issue 12, bugs 4, 5, 6, 9 and 10 (revoked, not enrolled): what the till sends the server.
 * The till reaches the server through a link the test can unplug, so what the till queued
 * stays in its outbox to be looked at, while the test still talks to the server directly.
 */
let server: RunningServer;
let link: SwitchableLink;
let host: RestartableHost;
let spare: RunningHost | null = null;

test.use({ viewport: { width: 1366, height: 768 } });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(200);
  link = await startSwitchableLink(server.url);
  host = await startRestartableHost(server, { serverUrl: link.url });
});
test.afterAll(async () => {
  await spare?.stop();
  await host?.stop();
  await link?.close();
  await server?.stop();
});

const status = (page: Page) => page.getByRole('status', { name: 'Состояние кассы' });
const customerCard = (page: Page) => page.getByRole('article', { name: 'Клиент' });
type Customer = { firstName: string; balance: number };
const onServer = (card: string) => server.admin<Customer>('GET', `/api/v1/admin/customers?card=${card}`);

async function open(page: Page) {
  link.down = false;
  await page.goto(host.openUrl);
  await tillReady(page);
}

test('bugs 4, 5, 9: the registration form refuses, in Russian and before queueing, what the server would refuse; a phone typed the Russian way is kept', async ({
  page,
}, testInfo) => {
  await open(page);
  link.down = true;
  const newCard = demoCardNumber(9_001);
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill(newCard);
  await input.press('Enter');
  await page.getByRole('button', { name: 'Зарегистрировать клиента' }).click();
  const form = page.getByRole('form', { name: 'Регистрация клиента' });
  await expect(form.getByLabel('Номер новой карты')).toHaveValue(newCard);

  const phone = form.getByLabel('Телефон');
  const problem = (field: string) => form.locator(`#reg-${field}-problem`);
  await form.getByLabel('Имя').fill('Ксения');
  await phone.pressSequentially('+7 000 000-00-00');
  // Bug 5: an invalid optional e-mail, and a birthday the server would refuse (0000-01-01 is no
  // value a date field takes; year 1 is the earliest it does).
  await form.getByLabel('E-mail (необязательно)').fill('ksenia@@example.ru');
  await form.getByLabel('День рождения (необязательно)').fill('0001-01-01');
  // Bug 4: the card of another customer.
  await form.getByLabel('Номер новой карты').fill(demoCardNumber(44));
  await form.getByRole('checkbox', { name: /обработку персональных данных/ }).check();
  await form.getByRole('button', { name: 'Зарегистрировать' }).click();
  await expect(problem('phone')).toHaveText('Телефон введён неверно. Пример: +7 916 123-45-67.');
  await expect(problem('email')).toHaveText('E-mail введён неверно. Пример: name@example.ru');
  await expect(problem('birthday')).toHaveText('Дата рождения неверна.');
  await expect(problem('cardNumber')).toHaveText('Эта карта уже принадлежит другому клиенту: выдайте новую карту.');
  await page.screenshot({ path: testInfo.outputPath('registration-refused.png') });

  // Bug 9: an overlong number is refused, not cut to eleven digits.
  await phone.fill('');
  await phone.pressSequentially('+7 916 123-45-678');
  expect((await phone.inputValue()).replace(/\D/g, '')).toBe('79161234567' + '8');
  await form.getByLabel('E-mail (необязательно)').fill('');
  await form.getByLabel('День рождения (необязательно)').fill('');
  await form.getByLabel('Номер новой карты').fill(newCard);
  await form.getByRole('button', { name: 'Зарегистрировать' }).click();
  await expect(problem('phone')).toHaveText('Телефон введён неверно. Пример: +7 916 123-45-67.');
  await expect(problem('email')).toHaveCount(0);
  await expect(problem('cardNumber')).toHaveCount(0);
  expect((await outboxOf(page)).filter((r) => r.type === 'registration')).toEqual([]);

  // Bug 9: typed the Russian way, with an 8 in front: stored as +7 916…
  await phone.fill('');
  await phone.pressSequentially('8 916 123-45-67');
  await form.getByRole('button', { name: 'Зарегистрировать' }).click();
  await expect(customerCard(page).getByRole('heading', { name: 'Ксения' })).toBeVisible();
  await expect(customerCard(page).getByLabel('Телефон')).toHaveText('+7 *** ***-**-67');
  const queued = (await outboxOf(page)).filter((r) => r.type === 'registration');
  expect(queued.map((r) => r.event.phone)).toEqual(['+79161234567']);
  await page.screenshot({ path: testInfo.outputPath('registered.png') });

  link.down = false;
  await expect(status(page).getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  expect((await onServer(newCard)).firstName).toBe('Ксения');
  await expect(status(page).getByText(/Отклонено сервером/)).toHaveCount(0);
});

test('bug 5: an event the server refused is listed in Russian with its reason, fixed at the till and sent again', async ({ page }, testInfo) => {
  await open(page);
  // The till checks what it makes now; a registration with a bad e-mail is put in its outbox
  // from outside, as an older till version (or another bug) could have queued it.
  const card = demoCardNumber(9_002);
  const at = new Date().toISOString();
  await queueEvent(page, {
    eventId: randomUUID(),
    occurredAt: at,
    type: 'registration',
    customerId: randomUUID(),
    firstName: 'Иван',
    phone: '+79169990002',
    email: 'ivan@@example.ru',
    cardNumber: card,
    consents: [{ purpose: 'personal_data', channel: null, granted: true, textVersion: CONSENT_TEXT_VERSION.personalData, givenAt: at }],
    welcomeBonusKopecks: 0,
  });
  // The push loop sends it within seconds; the button shows once the server has refused it.
  const refusedButton = status(page).getByRole('button', { name: 'Отклонено сервером: 1' });
  await expect(refusedButton).toBeVisible({ timeout: 30_000 });

  await page.keyboard.press('F7');
  const screen = page.getByRole('region', { name: 'Отклонено сервером (F7)' });
  const row = screen.getByRole('table', { name: 'Отклонённые события' }).getByRole('row', { name: /Регистрация · Иван/ });
  await expect(row.getByRole('cell', { name: 'данные не прошли проверку сервера' })).toBeVisible();
  await expect(row.getByLabel('Исправить e-mail')).toHaveValue('ivan@@example.ru');
  await page.screenshot({ path: testInfo.outputPath('refused-events.png') });
  await page.keyboard.press('Escape');
  await expect(screen).toBeHidden();

  // Opened from the status bar this time, fixed and sent again.
  await refusedButton.click();
  await row.getByLabel('Исправить e-mail').fill('ivan@example.ru');
  await row.getByRole('button', { name: 'Отправить снова' }).click();
  await expect(screen.getByText('Отклонённых событий нет.')).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => (await onServer(card).catch(() => null))?.firstName, { timeout: 30_000 }).toBe('Иван');
  await page.keyboard.press('Escape');
  await expect(status(page).getByText(/Отклонено сервером/)).toHaveCount(0);
});

test('bugs 6 and 10: a sale made offline survives the till being revoked and enrolled again, and reaches the server once', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await open(page);
  const card = demoCardNumber(48);
  const before = await onServer(card);
  await addToBasket(page, demoProduct(2));
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill(card);
  await input.press('Enter');
  await expect(customerCard(page).getByLabel('Телефон')).toHaveText('+7 *** ***-**-48');
  await page.getByRole('button', { name: 'Списать максимум' }).click();
  await expect(page.getByLabel('Оплачено бонусами')).toBeVisible();

  // The server goes out of reach; the sale is paid in cash and waits in the outbox.
  link.down = true;
  await page.keyboard.press('F9');
  await page.keyboard.press('Enter');
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible();
  const spent = kopecksOf(await receipt.getByLabel('Списано бонусов').textContent());
  expect(spent).toBeGreaterThan(0);
  await page.keyboard.press('Enter');
  await expect(status(page).getByLabel('К отправке: 1')).toBeVisible({ timeout: 15_000 });
  await expect(status(page).getByText('Нет связи с сервером')).toBeVisible({ timeout: 30_000 });

  // IT revokes the till meanwhile; when the link is back, the till learns it at its next call.
  const oldTerminal = await terminalIdOf(page);
  await server.admin('POST', `/api/v1/admin/terminals/${oldTerminal}/revoke`);
  link.down = false;
  await expect(async () => {
    await input
      .fill(demoCardNumber(9_999), { timeout: 1_000 })
      .then(() => input.press('Enter', { timeout: 1_000 }))
      .catch(() => undefined);
    await expect(page.getByRole('heading', { name: 'Регистрация кассы' })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  // Bug 10: the status bar names the cause: the till must be enrolled again (soft: bug 6 is checked on regardless).
  await expect.soft(status(page).getByText('Касса отключена сервером: нужна повторная регистрация')).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'регистрация отозвана' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('revoked.png') });

  // Enrolled again with a new code: a new terminal identity, and the unsent sale goes with it.
  const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 1 });
  await page.getByLabel('Код регистрации').fill(code);
  await page.getByRole('button', { name: 'Зарегистрировать кассу' }).click();
  // The sale, and the "registration offered" of the lookup that found the till revoked.
  await expect(page.getByText(/^Неотправленные события прежней регистрации кассы сохранены и будут отправлены: \d+\.$/)).toBeVisible({ timeout: 30_000 });
  expect(await terminalIdOf(page)).not.toBe(oldTerminal);
  await expect(status(page).getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  await expect(status(page).getByText('В сети')).toBeVisible();
  await expect(status(page).getByText(/Отклонено сервером/)).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('reenrolled.png') });
  expect((await onServer(card)).balance).toBe(before.balance - spent);
  // The shift's receipt came along (returns and F4 still find it), and nothing is sent twice.
  await page.keyboard.press('F4');
  await expect(page.getByRole('table', { name: 'Чеки смены' }).getByRole('row')).toHaveCount(2);
  await page.waitForTimeout(6_000);
  expect((await onServer(card)).balance).toBe(before.balance - spent);
});

test('bug 10: a till not enrolled yet says so in the status bar', async ({ page }, testInfo) => {
  spare = await startTillHost(server, 1, { enrol: false });
  await page.goto(spare.openUrl);
  await expect(page.getByRole('heading', { name: 'Регистрация кассы' })).toBeVisible();
  await expect(status(page).getByText('Касса не зарегистрирована')).toBeVisible();
  await expect(status(page).getByText('В сети')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('not-enrolled.png') });
});
