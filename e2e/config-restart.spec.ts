import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInstalledHost, startServer, type RunningServer } from './support/processes';

/** In browser mode the till keeps one address across host restarts, so an open page (a kiosk) carries on. */
let server: RunningServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(50);
});
test.afterAll(async () => {
  await server?.stop();
});

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

test('browser mode keeps its address across host restarts; an open page reconnects, and says what to do when the address changed', async ({
  page,
}, testInfo) => {
  const dir = mkdtempSync(join(tmpdir(), 'lt-e2e-restart-'));
  const port = await freePort();
  const env = { LT_CONFIG: join(dir, 'none.json'), LT_SERVER_URL: server.url, LT_TILL_DATA_DIR: join(dir, 'till'), LT_HOST_PORT: String(port) };
  const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 1 });
  let host = await startInstalledHost({ ...env, LT_ENROL_CODE: code, LT_TERMINAL_NAME: 'Касса перезапуска' });
  const first = host.openUrl;
  await page.goto(first);
  await expect(
    page
      .getByRole('status')
      .getByText(/Касса перезапуска/)
      .first(),
  ).toBeVisible({ timeout: 30_000 });

  await host.stop();
  const hostDown = page.getByText(/Нет связи с кассовой службой на этом компьютере/).first();
  await expect(hostDown).toBeVisible({ timeout: 30_000 });
  host = await startInstalledHost(env);
  expect(host.openUrl).toBe(first);
  // The page, never reloaded, finds the host again by itself.
  await expect(hostDown).toBeHidden({ timeout: 30_000 });
  await page.reload();
  await expect(
    page
      .getByRole('status')
      .getByText(/Касса перезапуска/)
      .first(),
  ).toBeVisible({ timeout: 30_000 });

  // The address changed (its token file was deleted): the page says so in Russian and what to do.
  await host.stop();
  rmSync(join(dir, 'till', 'browser-session.token'));
  host = await startInstalledHost(env);
  expect(host.openUrl).not.toBe(first);
  await page.reload();
  await expect(page.getByRole('alert')).toContainText('перезапущена с новым адресом', { timeout: 30_000 });
  await page.screenshot({ path: testInfo.outputPath('host-new-address.png') });
  await page.goto(host.openUrl);
  await expect(
    page
      .getByRole('status')
      .getByText(/Касса перезапуска/)
      .first(),
  ).toBeVisible({ timeout: 30_000 });
  await host.stop();
});
