import { expect, test } from '@playwright/test';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { startFaultProxy, type FaultProxy } from '../sync/testing/faultProxy';
import { kopecksOf } from './support/till';
import { startServer, startTillHost, type RunningHost, type RunningServer } from './support/processes';

let server: RunningServer;
let proxy: FaultProxy;
let host: RunningHost;
test.beforeAll(async () => {
  server = await startServer(500);
  // The till reaches the server through a proxy that can cut answers after the server committed.
  proxy = await startFaultProxy(server.url);
  host = await startTillHost(server, 1, { env: { LT_SERVER_URL: proxy.url } });
});
test.afterAll(async () => {
  await host?.stop();
  await proxy?.close();
  await server?.stop();
});

test('the page is killed while its sale is being pushed: reopened, nothing is lost and nothing counted twice', async ({ browser }) => {
  // One browser profile: the till's IndexedDB outlives the page, as it outlives a crash.
  const context = await browser.newContext();
  const first = await context.newPage();
  await first.goto(host.openUrl);
  await expect(first.getByText('База клиентов загружена: 500')).toBeVisible({ timeout: 60_000 });
  const code = first.getByRole('textbox', { name: 'Штрихкод или код товара' });
  await expect(async () => {
    await code.fill(demoProduct(2).ean);
    await first.getByRole('button', { name: 'Добавить' }).click();
    await expect(first.getByRole('table', { name: 'Корзина' }).getByText(demoProduct(2).name)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const input = first.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill(demoCardNumber(21));
  await input.press('Enter');
  await expect(first.getByRole('article', { name: 'Клиент' })).toBeVisible();
  const before = await server.admin<{ balance: number; pending: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(21)}`);
  await first.getByRole('button', { name: 'Списать максимум' }).click();
  await expect(first.getByLabel('Оплачено бонусами')).toBeVisible();

  // Every answer from now on is cut after the server has done the work.
  proxy.setRates({ dropAfterCommit: 1 });
  await first.keyboard.press('F9');
  await first.keyboard.press('Enter');
  const receipt = first.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible();
  const spent = kopecksOf(await receipt.getByLabel('Списано бонусов').textContent());
  // The server has the sale, but the till never heard back: then the page dies.
  await expect
    .poll(async () => (await server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(21)}`)).balance, { timeout: 20_000 })
    .toBe(before.balance - spent);
  await first.close();

  proxy.setRates({ dropAfterCommit: 0 });
  const second = await context.newPage();
  await second.goto(host.openUrl);
  await expect(second.getByText('База клиентов загружена: 500')).toBeVisible({ timeout: 60_000 });
  // The reopened till resends the sale; the server answers "duplicate" and the receipt is settled.
  await expect(async () => {
    await second.keyboard.press('F1');
    await second.keyboard.press('F4');
    await expect(second.getByRole('table', { name: 'Чеки смены' }).getByText('на сервере')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(second.getByLabel('К отправке: 0')).toBeVisible();
  await expect(second.getByRole('status').getByText(/Отклонено/)).toHaveCount(0);
  const after = await server.admin<{ balance: number }>('GET', `/api/v1/admin/customers?card=${demoCardNumber(21)}`);
  expect(after.balance).toBe(before.balance - spent);
  expect(proxy.stats.dropAfterCommit).toBeGreaterThan(0);
  await context.close();
});
