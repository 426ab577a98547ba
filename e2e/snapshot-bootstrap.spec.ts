import { expect, test, type Page } from '@playwright/test';
import { demoCardNumber } from '../sync/server/demoSeed';
import { startTillHost, tillForFile, type RunningHost } from './support/processes';
import { hostRpc } from './support/till';

const CUSTOMERS = 20_000;
const till = tillForFile(CUSTOMERS);
let second: RunningHost | undefined;

test.afterAll(async () => {
  await second?.stop();
});

/** The till's own record of how its cache was loaded: the snapshot's row in its database, if any. */
function snapshotRecord(page: Page): Promise<{ complete: boolean; customers: number } | null> {
  return page.evaluate(async () => {
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      try {
        if (!db.objectStoreNames.contains('snapshot')) continue;
        const row = await new Promise<unknown>((ok, fail) => {
          const r = db.transaction('snapshot').objectStore('snapshot').get('base');
          r.onsuccess = () => ok(r.result);
          r.onerror = () => fail(r.error);
        });
        if (row) return row as { complete: boolean; customers: number };
      } finally {
        db.close();
      }
    }
    return null;
  });
}

test('a new till of the chain loads its customers from the chain snapshot through its host, and finds them with the server gone', async ({ page, browser }) => {
  test.setTimeout(240_000);
  // The first till's first ask makes the server build the chain's snapshot (the till pages meanwhile).
  await page.goto(till.host.openUrl);
  await expect(page.getByText(/База клиентов загружена: 20\s000/)).toBeVisible({ timeout: 120_000 });
  await expect
    .poll(
      async () =>
        (await hostRpc<{ value?: { body?: { snapshot?: unknown } } }>(page, { op: 'api', method: 'GET', path: '/api/v1/pull/snapshot' })).value?.body
          ?.snapshot ?? null,
      { timeout: 120_000, intervals: [1_000] },
    )
    .not.toBeNull();

  // The page may ask its host for snapshot files only, never another path on the server.
  const hostile = await hostRpc<{ ok: boolean; error?: { code: string } }>(page, { op: 'snapshotRange', path: '/api/v1/admin/customers', start: 0, end: 10 });
  expect(hostile).toMatchObject({ ok: false, error: { code: 'invalid_request' } });

  // A second till, enrolled now: an empty cache, so it takes the snapshot, then the changes since.
  second = await startTillHost(till.server, 1);
  const fresh = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await fresh.goto(second.openUrl);
  await expect(fresh.getByText(/База клиентов загружена: 20\s000/)).toBeVisible({ timeout: 120_000 });
  expect(await snapshotRecord(fresh)).toMatchObject({ complete: true, customers: CUSTOMERS });

  // Its customers are in its own cache: found with the server stopped.
  const card = demoCardNumber(CUSTOMERS);
  const onServer = await till.server.admin<{ firstName: string }>('GET', `/api/v1/admin/customers?card=${card}`);
  await till.server.stop();
  const input = fresh.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill(card);
  await input.press('Enter');
  await expect(fresh.getByRole('article', { name: 'Клиент' }).getByRole('heading', { name: onServer.firstName })).toBeVisible();
  await fresh.close();
});
