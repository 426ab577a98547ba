import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createSocatPair, type SocatPair } from '../drivers/testing/socatPair';
import { browserCredentialStore } from '../electron/host/credentialStore';
import { demoCardNumber } from '../sync/server/demoSeed';
import { devicesConfig } from './support/till';
import { startServer, startTillHost, type RunningHost, type RunningServer } from './support/processes';

/**
 * IT's diagnostics screen, against the real server and till host processes. The contract
 * with the till's shell: F12, or the «Диагностика» button in the status bar, opens it; Esc closes.
 */
let server: RunningServer;
let host: RunningHost;
let pair: SocatPair;
let tillDir: string;

test.beforeAll(async () => {
  server = await startServer(1_000);
  pair = await createSocatPair();
  const config = devicesConfig(pair.dir, [{ id: 'front-scanner', type: 'scanner', path: pair.b, framing: { suffix: 'CR' } }]);
  // Our own data folder, so the test can read the credential and prove it never reaches the log file.
  tillDir = mkdtempSync(join(tmpdir(), 'lt-e2e-diag-till-'));
  host = await startTillHost(server, 1, { env: { LT_DEVICE_CONFIG: config, LT_TILL_DATA_DIR: tillDir } });
});
test.afterAll(async () => {
  await host?.stop();
  await server?.stop();
  await pair?.dispose();
});

const scan = (bytes: string) => writeFileSync(pair.a, bytes);

test('IT opens diagnostics: devices, server, cache and outbox; sees the server go away; saves logs without card numbers or secrets', async ({
  page,
}, testInfo) => {
  await page.goto(host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('status').getByText('Устройства: 1 из 1 на связи')).toBeVisible();

  // A card scan, so the host has logged something that touched a card number.
  const card = demoCardNumber(42);
  scan(`${card}\r`);
  await expect(page.getByRole('article', { name: 'Клиент' }).getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');

  // Open by the status bar button, close with Esc, open again with F12.
  await page.getByRole('button', { name: 'Диагностика', exact: true }).click();
  const diag = page.getByRole('region', { name: 'Диагностика', exact: true });
  await expect(diag).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(diag).toBeHidden();
  await page.keyboard.press('F12');
  await expect(diag).toBeVisible();

  const serverPanel = diag.getByRole('region', { name: 'Сервер', exact: true });
  await expect(serverPanel.getByLabel('Связь с сервером')).toHaveText('Доступен');
  await expect(serverPanel.getByLabel('Адрес')).toHaveText(server.url);
  await expect(serverPanel.getByLabel('Время отклика')).toHaveText(/^[\d,]+\s?мс$/);
  await expect(serverPanel.getByLabel('Расхождение часов (сервер − касса)')).toHaveText(/^[+\-−]?[\d,]+\s?с$/);

  const devices = diag.getByRole('region', { name: 'Устройства', exact: true });
  const scanner = devices.getByRole('row', { name: /front-scanner/ });
  await expect(scanner).toContainText('на связи');
  await expect(scanner).toContainText('Сканер');
  await expect(scanner).toContainText(pair.b);

  const till = diag.getByRole('region', { name: 'Данные кассы', exact: true });
  await expect(till.getByLabel('Клиентов в базе кассы')).toHaveText('1 000');
  await expect(till.getByLabel('Ключей поиска')).not.toHaveText('—');
  await expect(till.getByLabel('Событий ждут отправки')).toHaveText('0');
  await expect(till.getByLabel('Событий отклонено сервером')).toHaveText('0');
  await expect(till.getByLabel('Версия схемы IndexedDB')).toHaveText(/^\d+$/);
  await expect(till.getByLabel('Занято в хранилище браузера')).toContainText(' из ');
  await expect(till.getByLabel('Последняя синхронизация')).not.toHaveText('ещё не было');

  const app = diag.getByRole('region', { name: 'Приложение', exact: true });
  const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
  await expect(app.getByLabel('Версия приложения')).toHaveText(version);
  await expect(app.getByLabel('Версия интерфейса')).toHaveText(version);
  await expect(app.getByLabel('Режим')).toHaveText('Браузер');
  await expect(app.getByLabel('Папка данных')).toHaveText(tillDir);

  const enrolment = diag.getByRole('region', { name: 'Регистрация', exact: true });
  await expect(enrolment.getByLabel('Касса', { exact: true })).toHaveText('Касса 1');

  const log = diag.getByRole('list', { name: 'Строки журнала хоста' });
  await expect(log).toContainText('scan from front-scanner (serial');
  await expect(log).toContainText('device front-scanner (scanner) connected');
  await expect(log).not.toContainText(card);
  await page.screenshot({ path: testInfo.outputPath('diagnostics.png'), fullPage: true });

  // F5 refreshes the screen and must not reload the till.
  await page.evaluate(() => ((window as unknown as { diagMarker: number }).diagMarker = 1));
  await page.keyboard.press('F5');
  await expect(diag).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { diagMarker?: number }).diagMarker)).toBe(1);

  // The server goes away: a refresh says so, with the reason.
  await server.stop();
  await diag.getByRole('button', { name: 'Обновить (F5)' }).click();
  await expect(serverPanel.getByLabel('Связь с сервером')).toHaveText('Недоступен');
  await expect(serverPanel.getByLabel('Причина')).toContainText('connection refused');
  await expect(log).toContainText('unreachable (refused)');
  await page.screenshot({ path: testInfo.outputPath('diagnostics-server-down.png'), fullPage: true });

  // Save logs: a text file IT can send, with nothing a customer or the terminal could be impersonated by.
  const downloading = page.waitForEvent('download');
  await diag.getByRole('button', { name: 'Сохранить журнал' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^loyalty-till-logs-Касса-1-\d{4}-\d{2}-\d{2}\.txt$/);
  const saved = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(saved);
  await expect(diag.getByText(`Журнал сохранён: ${download.suggestedFilename()}`)).toBeVisible();
  const text = readFileSync(saved, 'utf8');
  expect(text).toContain('== Host diagnostics ==');
  expect(text).toContain('== Till (renderer) ==');
  expect(text).toContain('scan from front-scanner (serial, EAN13, 13 characters)');
  expect(text).toContain('"customers": 1000');
  expect(text).toMatch(/"waiting": 0/);
  expect(text).toContain('unreachable (refused)');
  // The credential file is encrypted with a machine-bound key: read it as the host does.
  const credential = (await (await browserCredentialStore(tillDir)).load())!;
  expect(credential).not.toBeNull();
  expect(text).not.toContain(credential.token);
  expect(text).not.toContain(credential.terminal.lookupSecret);
  expect(text).not.toContain(card);
  expect(text).not.toMatch(/\d(?:[ -]?\d){11,}/);
});
