import { expect, test, type Locator } from '@playwright/test';
import { demoCardNumber } from '../sync/server/demoSeed';
import { tillForFile } from './support/processes';
import { withQuery } from './support/tillUrl';

const CUSTOMERS = 30_000;
// Small pages make the initial load take long enough to reload the till in the middle of it.
const PAGE_SIZE = '150';

const till = tillForFile(CUSTOMERS);

/** Beyond its last 10,000 rows a pull's total is the server's planner estimate: close, not exact. */
const aboutAll = (total: number) => Math.abs(total - CUSTOMERS) <= CUSTOMERS / 100;

const progressOf = (bar: Locator) => bar.evaluate((el) => ({ value: (el as HTMLProgressElement).value, max: (el as HTMLProgressElement).max }));

test('the initial customer load survives a reload mid-way, resumes where it was and completes', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await page.goto(withQuery(till.host.openUrl, { pullPageSize: PAGE_SIZE }));
  const bar = page.locator('progress#cache-progress');
  await expect(bar).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/Загружено [\d\s ]+ из (29|30)\s\d{3}/)).toBeVisible();

  // The pull runs in a worker, off the screen's thread.
  expect(page.workers().length).toBeGreaterThan(0);

  // Wait until a real part is stored, but not all of it.
  await expect.poll(async () => (await progressOf(bar)).value, { timeout: 60_000, intervals: [50] }).toBeGreaterThanOrEqual(3_000);
  const before = await progressOf(bar);
  expect(before.value).toBeLessThan(before.max);
  expect(aboutAll(before.max)).toBe(true);

  await page.reload();
  await expect(bar).toBeVisible({ timeout: 30_000 });
  const after = await progressOf(bar);
  // Resumed from the stored cursor: never back to zero, never below what was shown before.
  expect(after.value).toBeGreaterThanOrEqual(before.value);
  expect(aboutAll(after.max)).toBe(true);
  await page.screenshot({ path: testInfo.outputPath('after-reload.png') });

  await expect(page.getByText(/База клиентов загружена: 30\s000/)).toBeVisible({ timeout: 120_000 });

  // A customer from the last page, found with the server stopped: it came from the cache.
  const card = demoCardNumber(CUSTOMERS);
  const onServer = await till.server.admin<{ firstName: string }>('GET', `/api/v1/admin/customers?card=${card}`);
  await till.server.stop();
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill(card);
  await input.press('Enter');
  const customer = page.getByRole('article', { name: 'Клиент' });
  await expect(customer.getByRole('heading', { name: onServer.firstName })).toBeVisible();
  await expect(customer.getByLabel('Телефон')).toHaveText('+7 *** ***-**-00');
});
