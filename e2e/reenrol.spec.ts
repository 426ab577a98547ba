import { expect, test } from '@playwright/test';
import { scan } from './support/till';
import { startServer, startTillHost, type RunningHost, type RunningServer } from './support/processes';

const MANAGER_CARD = '7700000000017';

let server: RunningServer;
let host: RunningHost;
test.beforeAll(async () => {
  server = await startServer(50);
  await server.admin('POST', '/api/v1/admin/stores/2/managers', { name: 'Ольга Соколова', pin: '482913', card: MANAGER_CARD });
  host = await startTillHost(server, 2, { env: { LT_TERMINAL_NAME: 'Касса 8' } });
});
test.afterAll(async () => {
  await host?.stop();
  await server?.stop();
});

test('a working till is re-enrolled from diagnostics (F12) by keyboard: old and new server side by side, a plain-http address refused, replaced only once a manager card confirms', async ({
  page,
}, testInfo) => {
  await page.goto(host.openUrl);
  const bar = page.getByRole('status').getByText('Ромашка, Казань, Баумана 5 · Касса 8');
  await expect(bar).toBeVisible({ timeout: 30_000 });

  // From the till, by keyboard only: F12, then Tab to the re-enrol action and Enter.
  await page.keyboard.press('F12');
  await expect(page.getByRole('heading', { name: 'Диагностика' })).toBeVisible();
  const action = page.getByRole('button', { name: 'Перерегистрировать кассу' });
  for (let i = 0; i < 12 && !(await action.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(action).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Перерегистрация кассы' })).toBeVisible();
  await expect(page.getByTestId('setup-old-server')).toHaveText(`${server.url} — «Касса 8», Ромашка, Казань, Баумана 5`);

  // A plain-http server elsewhere on the network is refused before anything is sent, in Russian.
  await page.getByLabel('Адрес сервера').fill('http://10.0.0.66:8787');
  await expect(page.getByTestId('setup-new-server')).toHaveText('http://10.0.0.66:8787');
  await page.getByLabel('Код регистрации').fill('ABCDE-23456');
  await page.getByLabel('Название кассы').fill('Касса 9');
  await page.getByLabel('PIN-код менеджера (или приложите карту менеджера)').fill('482913');
  await page.getByRole('button', { name: 'Заменить регистрацию' }).click();
  await expect(page.getByRole('alert')).toContainText('адрес без шифрования (http://) на другом компьютере касса не принимает');

  // A wrong PIN: refused, cleared, and the till is still what it was.
  const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 2 });
  await page.getByLabel('Адрес сервера').fill(`${server.url}/`);
  await expect(page.getByTestId('setup-new-server')).toHaveText(server.url);
  await page.getByLabel('Код регистрации').fill(code);
  const pin = page.getByLabel('PIN-код менеджера (или приложите карту менеджера)');
  await pin.fill('111111');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('сервер кассы не подтвердил менеджера');
  await expect(pin).toHaveValue('');
  await expect(bar).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('reenrol-refused.png') });

  // The manager's card, scanned with a keyboard-wedge scanner, confirms: the till is now "Касса 9".
  await scan(page, MANAGER_CARD);
  await expect(page.getByRole('status').getByText('Ромашка, Казань, Баумана 5 · Касса 9')).toBeVisible({ timeout: 30_000 });
});
