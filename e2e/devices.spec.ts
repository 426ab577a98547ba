import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { createSocatPair, type SocatPair } from '../drivers/testing/socatPair';
import { demoCardNumber } from '../sync/server/demoSeed';
import { devicesConfig } from './support/till';
import { startServer, startTillHost, type RunningHost, type RunningServer } from './support/processes';

let server: RunningServer;
let host: RunningHost;
let pair: SocatPair;

test.beforeAll(async () => {
  server = await startServer(1_000);
  pair = await createSocatPair();
  // The till opens end b as a serial scanner; the test plays the scanner on end a.
  const config = devicesConfig(pair.dir, [{ id: 'front-scanner', type: 'scanner', path: pair.b, framing: { suffix: 'CR' } }]);
  host = await startTillHost(server, 1, { env: { LT_DEVICE_CONFIG: config } });
});
test.afterAll(async () => {
  await host?.stop();
  await server?.stop();
  await pair?.dispose();
});

const scan = (bytes: string | Buffer) => writeFileSync(pair.a, bytes);

test('a serial scanner identifies customers, shrugs off noise and comes back after being unplugged', async ({ page }, testInfo) => {
  await page.goto(host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  const status = page.getByRole('status');
  await expect(status.getByText('Устройства: 1 из 1 на связи')).toBeVisible();

  const customer = page.getByRole('article', { name: 'Клиент' });
  scan(`${demoCardNumber(42)}\r`);
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');
  await expect(customer.getByText('по карте')).toBeVisible();

  // Line noise and a half-sent frame never become a scan; the next good one still works.
  scan(Buffer.from([0x00, 0xff, 0x13, 0x07, 0x0d]));
  scan('27000');
  // A person rescans after the misread: by then the line has been quiet long enough that the
  // driver no longer takes the next frame for the cut-off one's tail.
  await page.waitForTimeout(700);
  scan(`${demoCardNumber(43)}\r`);
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-43');
  await expect(page.getByRole('textbox', { name: 'Карта или телефон' })).toHaveValue(demoCardNumber(43));

  await pair.kill();
  await expect(status.getByText('Устройства: 0 из 1 на связи')).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: testInfo.outputPath('scanner-unplugged.png') });
  await pair.restart();
  await expect(status.getByText('Устройства: 1 из 1 на связи')).toBeVisible({ timeout: 15_000 });
  scan(`${demoCardNumber(44)}\r`);
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-44');
});
