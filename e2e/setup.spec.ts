import { expect, test } from '@playwright/test';
import { demoCardNumber } from '../sync/server/demoSeed';
import { hostRpc } from './support/till';
import { startServer, startTillHost, type RunningHost, type RunningServer } from './support/processes';

let server: RunningServer;
let host: RunningHost;
test.beforeAll(async () => {
  server = await startServer(500);
  host = await startTillHost(server, 2, { enrol: false });
});
test.afterAll(async () => {
  await host?.stop();
  await server?.stop();
});

test('IT enrols a new till from its setup screen, and a revoked till asks to be enrolled again', async ({ page }, testInfo) => {
  await page.goto(host.openUrl);
  await expect(page.getByRole('heading', { name: 'Регистрация кассы' })).toBeVisible();
  await page.getByLabel('Адрес сервера').fill(server.url);
  await page.getByLabel('Код регистрации').fill('WRONG-CODE1');
  await page.getByRole('button', { name: 'Зарегистрировать кассу' }).click();
  await expect(page.getByRole('alert')).toContainText('Не удалось зарегистрировать кассу');
  await page.screenshot({ path: testInfo.outputPath('setup-wrong-code.png') });

  const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 2 });
  await page.getByLabel('Код регистрации').fill(code);
  await page.getByLabel('Название кассы').fill('Касса 3');
  await page.getByRole('button', { name: 'Зарегистрировать кассу' }).click();
  await expect(page.getByText('База клиентов загружена: 500')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('status').getByText('Ромашка, Казань, Баумана 5 · Касса 3')).toBeVisible();

  const status = await hostRpc<{ value: { terminal: { terminalId: string } } }>(page, { op: 'status' });
  await server.admin('POST', `/api/v1/admin/terminals/${status.value.terminal.terminalId}/revoke`);

  // The next call to the server, a cache miss here or the till's own sync, finds the credential revoked.
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await expect(async () => {
    await input
      .fill(demoCardNumber(9_999), { timeout: 1_000 })
      .then(() => input.press('Enter', { timeout: 1_000 }))
      .catch(() => undefined);
    await expect(page.getByRole('heading', { name: 'Регистрация кассы' })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole('alert')).toContainText('регистрация отозвана');
});

test('a till its server still accepts is enrolled again from the setup screen only with a manager PIN of its store', async ({ page }, testInfo) => {
  await server.admin('POST', '/api/v1/admin/stores/2/managers', { name: 'Ольга Соколова', pin: '482913' });
  // A till of its own, not yet enrolled, so its setup screen is up.
  const till = await startTillHost(server, 2, { enrol: false });
  try {
    await page.goto(till.openUrl);
    await expect(page.getByRole('heading', { name: 'Регистрация кассы' })).toBeVisible();
    // Meanwhile the till gets a live credential (as if enrolled from another window): setup is still on screen.
    const first = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 2 });
    const enrolled = await hostRpc<{ ok: boolean }>(page, { op: 'enrol', serverUrl: server.url, code: first.code, deviceName: 'Касса 3' });
    expect(enrolled.ok).toBe(true);

    const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 2 });
    await page.getByLabel('Адрес сервера').fill(server.url);
    await page.getByLabel('Код регистрации').fill(code);
    await page.getByLabel('Название кассы').fill('Касса 4');
    await page.getByRole('button', { name: 'Зарегистрировать кассу' }).click();
    await expect(page.getByRole('alert')).toContainText('Повторная регистрация — только с PIN-кодом или картой менеджера');
    const pin = page.getByLabel('PIN-код менеджера');
    await expect(pin).toBeFocused();

    await pin.fill('111111');
    await page.getByRole('button', { name: 'Зарегистрировать кассу' }).click();
    await expect(page.getByRole('alert')).toContainText('сервер кассы не подтвердил менеджера: PIN-код или карта не подошли');
    await expect(pin).toHaveValue('');
    await page.screenshot({ path: testInfo.outputPath('setup-manager-refused.png') });

    await pin.fill('482913');
    await page.getByRole('button', { name: 'Зарегистрировать кассу' }).click();
    await expect(page.getByRole('status').getByText('Ромашка, Казань, Баумана 5 · Касса 4')).toBeVisible({ timeout: 30_000 });
  } finally {
    await till.stop();
  }
});
