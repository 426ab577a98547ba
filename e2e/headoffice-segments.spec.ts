import { expect, test, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './support/processes';
import { line, sale } from '../sync/server/testing/events';

/**
 * Issue 16: head office sees its customers per lifecycle segment and store, sets the job's
 * thresholds in a form that explains a wrong value in Russian, recalculates, and sees the
 * counts move; from a segment it starts an offer already targeted at it.
 */
const DAY = 86_400_000;
let server: RunningServer;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(20);
  const { code } = await server.admin<{ code: string }>('POST', '/api/v1/admin/enrolment-codes', { storeId: 1 });
  const enrolled = await fetch(`${server.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deviceName: 'Касса e2e' }),
  });
  const { token } = (await enrolled.json()) as { token: string };
  // Customer 3 bought once, 100 days ago: sleeping with the default 90 days for "active".
  const pushed = await fetch(`${server.url}/api/v1/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: [sale({ customerId: '3', lines: [line(1)], at: new Date(Date.now() - 100 * DAY) }).event] }),
  });
  expect(((await pushed.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['applied']);
});
test.afterAll(async () => {
  await server?.stop();
});

/** Latin words a Russian head office page may show: none here (codes and numbers are data). */
async function latinWords(page: Page): Promise<string[]> {
  const text = (await page.locator('nav, main').allInnerTexts()).join('\n');
  return text.split(/[\s,;:()«»"]+/).filter((w) => /[A-Za-z]/.test(w) && !/\d|[/@._=#]/.test(w));
}

test('head office sees customers per segment and store, changes a threshold, recalculates and sees the counts change', async ({ page }) => {
  await page.goto(`${server.url}/admin/`);
  await page.getByLabel('Ключ администратора').fill(server.adminToken);
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Сегменты' }).click();
  await expect(page.getByRole('heading', { name: 'Сегменты покупателей' })).toBeVisible();
  await expect(page.getByText('Сегменты ещё не рассчитывались.')).toBeVisible();

  const bySegment = page.getByRole('table', { name: 'Покупатели по сегментам' });
  const count = (segment: string) =>
    bySegment
      .getByRole('row', { name: new RegExp(`^${segment}`) })
      .getByRole('cell')
      .first();
  await page.getByRole('button', { name: 'Пересчитать сейчас' }).click();
  await expect(page.getByRole('status')).toHaveText('Пересчитано: покупателей 20, сменили сегмент 20.');
  await expect(page.getByText(/^Рассчитано: /)).toBeVisible();
  await expect(count('Спящие')).toHaveText('1');
  await expect(count('Новые')).toHaveText('19');
  await expect(count('Активные')).toHaveText('0');

  // Per store: the sleeping customer in store 1, the rest without a purchase; the totals add up to the chain's.
  const stores = page.getByRole('table', { name: 'По магазинам' });
  await expect(stores.getByRole('row', { name: /^Без покупок/ }).getByRole('cell')).toHaveText(['19', '0', '0', '0', '19']);
  await expect(stores.getByRole('row', { name: /^Итого/ }).getByRole('cell')).toHaveText(['19', '0', '1', '0', '20']);
  await page.getByRole('button', { name: 'По регионам' }).click();
  await expect(
    page
      .getByRole('table', { name: 'По регионам' })
      .getByRole('row', { name: /^Итого/ })
      .getByRole('cell'),
  ).toHaveText(['19', '0', '1', '0', '20']);
  const rfm = page.getByRole('table', { name: 'Баллы давности, частоты и суммы покупок' });
  await expect(rfm.getByRole('row', { name: /^Давность покупки/ }).getByRole('cell')).toHaveText(['19', '1', '0', '0', '0']);
  expect(await latinWords(page)).toEqual([]);

  // A wrong threshold is explained in Russian and nothing is saved; then "active" becomes 120 days.
  const form = page.getByRole('form', { name: 'Пороги сегментов' });
  await form.getByLabel('Активный: последняя покупка меньше чем, дней назад').fill('400');
  await form.getByRole('button', { name: 'Сохранить пороги' }).click();
  await expect(form.getByText('Должно быть больше, чем дней для активных.')).toBeVisible();
  await expect(form.getByText('Исправьте отмеченные поля.')).toBeVisible();
  expect(await latinWords(page)).toEqual([]);
  expect((await server.admin<{ activeDays: number }>('GET', '/api/v1/admin/chains/1/segment-rules')).activeDays).toBe(90);
  await form.getByLabel('Активный: последняя покупка меньше чем, дней назад').fill('120');
  await form.getByRole('button', { name: 'Сохранить пороги' }).click();
  await expect(page.getByRole('status')).toHaveText('Пороги сохранены. Они применятся при следующем пересчёте.');
  expect((await server.admin<{ activeDays: number }>('GET', '/api/v1/admin/chains/1/segment-rules')).activeDays).toBe(120);

  await page.getByRole('button', { name: 'Пересчитать сейчас' }).click();
  await expect(page.getByRole('status')).toHaveText('Пересчитано: покупателей 20, сменили сегмент 1.');
  await expect(count('Активные')).toHaveText('1');
  await expect(count('Спящие')).toHaveText('0');

  // The same page in English, the counts as they are.
  await page.getByLabel('Язык').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Customer segments' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'By region' }).getByRole('columnheader')).toHaveText(['Region', 'New', 'Active', 'Sleeping', 'Lost', 'Total']);
  await page.getByLabel('Language').selectOption('ru');

  // From a segment to a new offer aimed at it.
  await bySegment
    .getByRole('row', { name: /^Активные/ })
    .getByRole('button', { name: 'Создать акцию для сегмента' })
    .click();
  await expect(page.getByRole('form', { name: 'Акция' }).getByLabel('Сегменты (через запятую; пусто — все)')).toHaveValue('active');
});
