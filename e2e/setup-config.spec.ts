import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInstalledHost, startServer, type RunningServer } from './support/processes';

/** IT's side of a till: the machine config file prefills the setup screen. */
let server: RunningServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(50);
});
test.afterAll(async () => {
  await server?.stop();
});

test('the setup screen offers the server and till name from the machine config file', async ({ page }, testInfo) => {
  const dir = mkdtempSync(join(tmpdir(), 'lt-e2e-config-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ serverUrl: server.url, terminalName: 'Тверская, касса 2', dataDir: join(dir, 'till'), hostPort: 0 }));
  const host = await startInstalledHost({ LT_CONFIG: config });
  try {
    await page.goto(host.openUrl);
    await expect(page.getByRole('heading', { name: 'Регистрация кассы' })).toBeVisible();
    await expect(page.getByLabel('Адрес сервера')).toHaveValue(server.url);
    await expect(page.getByLabel('Название кассы')).toHaveValue('Тверская, касса 2');
    await page.screenshot({ path: testInfo.outputPath('setup-prefilled.png') });
    const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 1 });
    await page.getByLabel('Код регистрации').fill(code);
    await page.getByRole('button', { name: 'Зарегистрировать кассу' }).click();
    await expect(
      page
        .getByRole('status')
        .getByText(/Тверская, касса 2/)
        .first(),
    ).toBeVisible({ timeout: 30_000 });
    const { terminals } = await server.admin<{ terminals: { name: string }[] }>('GET', '/api/v1/admin/chains/1/terminals?q=' + encodeURIComponent('Тверская'));
    expect(terminals.map((t) => t.name)).toEqual(['Тверская, касса 2']);
  } finally {
    await host.stop();
  }
});
