import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForLine } from '../scripts/processLines';
import { startServer, type RunningServer } from './support/processes';

/** IT's side of a till: the machine config file prefills the setup screen. */
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
let server: RunningServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(50);
});
test.afterAll(async () => {
  await server?.stop();
});

/** The till host as IT installs it: settings from the config file and the environment given, nothing else. */
async function startHost(env: Record<string, string>): Promise<{ openUrl: string; stop: () => Promise<void> }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LT_'))) as Record<string, string>;
  const child = spawn(process.execPath, [join(root, 'dist/node/host.mjs')], {
    cwd: root,
    env: { ...base, LT_DEMO_FISCAL: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const m = await waitForLine(child, /Open: (http:\/\/\S+)/, 30_000);
  return {
    openUrl: m[1]!,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

test('the setup screen offers the server and till name from the machine config file', async ({ page }, testInfo) => {
  const dir = mkdtempSync(join(tmpdir(), 'lt-e2e-config-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ serverUrl: server.url, terminalName: 'Тверская, касса 2', dataDir: join(dir, 'till'), hostPort: 0 }));
  const host = await startHost({ LT_CONFIG: config });
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
