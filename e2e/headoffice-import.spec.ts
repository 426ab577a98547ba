import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { tillForFile, type RunningServer } from './support/processes';
import { tillReady } from './support/runtime';
import { addToBasket } from './support/till';

const till = tillForFile(100);
/** The sample CommerceML 2.08 files written from the public format description (import.xml, offers.xml). */
const sample = (name: string) => fileURLToPath(new URL(`../sync/server/exchange/testing/${name}`, import.meta.url));
/** The version the till reports: package.json of the build it runs. */
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const MILK = { ean: '4607001770015', name: 'Молоко "Домик" 3,2% 930 мл' };

async function headOffice(page: Page, server: RunningServer, tab: string): Promise<void> {
  await page.goto(`${server.url}/admin/${tab}`);
  await page.getByLabel('Ключ администратора').fill(server.adminToken);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation')).toBeVisible();
}

test('head office checks and loads a 1C catalogue through the import page; the product is in the catalogue list and sells at the till', async ({
  page,
  context,
}, testInfo) => {
  await headOffice(page, till.server, '#import');
  await expect(page.getByRole('heading', { name: 'Загрузка каталога' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Загрузка файла' });
  await form.getByLabel('Файл', { exact: true }).setInputFiles(sample('import.xml'));
  await expect(form.getByLabel('Что в файле')).toHaveValue('commerceml');

  // Checked first: the report of what would change, in Russian, and nothing written.
  await form.getByRole('button', { name: 'Проверить' }).click();
  await expect(page.getByRole('status')).toContainText('Проверка: будет создано');
  const summary = page.getByRole('table', { name: 'Итог загрузки' });
  const counts = (kind: string) => summary.getByRole('row', { name: new RegExp(`^${kind}`) }).getByRole('cell');
  await expect(counts('Товары')).toHaveText(['4', '0', '1', '0']);
  await expect(counts('Группы')).toHaveText(['4', '0', '0', '0']);
  const refused = page.getByRole('table', { name: 'Отклонённые записи' });
  await expect(refused.getByRole('row', { name: /Товар не входит ни в одну группу/ })).toHaveCount(1);
  await expect(refused.getByRole('row', { name: /Неверный штрихкод/ })).toContainText('6f1a0c1e-1111-4111-8111-000000000006');
  expect((await till.server.admin<{ products: unknown[] }>('GET', '/api/v1/admin/chains/1/catalogue?q=Домик')).products).toEqual([]);

  await form.getByRole('button', { name: 'Загрузить' }).click();
  await expect(page.getByRole('status')).toContainText('Загружено: создано');
  await expect(counts('Товары')).toHaveText(['4', '0', '1', '0']);

  // Then the prices: one a pack price and one for an unknown product are refused, each with its reason.
  await form.getByLabel('Файл', { exact: true }).setInputFiles(sample('offers.xml'));
  await form.getByRole('button', { name: 'Загрузить' }).click();
  await expect(page.getByRole('status')).toContainText('Загружено: создано');
  await expect(refused.getByRole('row')).toHaveCount(3);
  await expect(refused.getByRole('row', { name: /Неверная цена/ })).toContainText('цена');
  await expect(refused.getByRole('row', { name: /Товара с таким кодом нет/ })).toContainText('6f1a0c1e-1111-4111-8111-000000000099');
  await page.screenshot({ path: testInfo.outputPath('import.png'), fullPage: true });

  // The catalogue list: the milk with its price, group and VAT; the shoes marked.
  await page.getByRole('link', { name: 'Справочники' }).click();
  await page.getByRole('tab', { name: 'Товары' }).click();
  await page.getByLabel('Поиск').fill('Домик');
  const products = page.getByRole('table', { name: 'Товары' });
  const milk = products.getByRole('row', { name: new RegExp(MILK.ean) });
  await expect(milk.getByRole('cell')).toHaveText([MILK.name, MILK.ean, 'Молочные продукты', /^89,90\s₽$/, 'нет', '10 %', 'нет']);
  await page.getByLabel('Поиск').fill('Кроссовки');
  await expect(
    products
      .getByRole('row', { name: /Кроссовки/ })
      .getByRole('cell')
      .last(),
  ).toHaveText('да');

  // At the till, after a pull (a reload pulls at once), the imported product scans into the basket.
  const tillPage = await context.newPage();
  await tillPage.goto(till.host.openUrl);
  await expect(async () => {
    await tillPage.reload();
    await tillReady(tillPage);
    await addToBasket(tillPage, MILK);
  }).toPass({ timeout: 120_000 });
  await expect(tillPage.getByRole('table', { name: 'Корзина' }).getByRole('row', { name: /Молоко/ })).toContainText('89,90');
  await tillPage.close();
});

test('head office tills list shows each till’s app version, unsent events and when it was last seen, as the till reports them', async ({ page, context }) => {
  const tillPage = await context.newPage();
  await tillPage.goto(till.host.openUrl);
  await tillReady(tillPage);

  await headOffice(page, till.server, '#lists');
  const tills = page.getByRole('table', { name: 'Кассы' });
  const header = ['Касса', 'Магазин', 'Состояние', 'Подключена', 'Последняя связь', 'Версия', 'Не отправлено', 'Отклонено'];
  // The till reports after each pull round; the list is read again on each visit to the tab.
  await expect(async () => {
    await page.getByRole('tab', { name: 'Магазины' }).click();
    await page.getByRole('tab', { name: 'Кассы' }).click();
    await expect(tills.getByRole('columnheader')).toHaveText(header);
    const cells = tills.locator('tbody tr').first().getByRole('cell');
    await expect(cells.nth(header.indexOf('Версия'))).toHaveText(version, { timeout: 1_000 });
    await expect(cells.nth(header.indexOf('Не отправлено'))).toHaveText('0');
    await expect(cells.nth(header.indexOf('Последняя связь'))).not.toHaveText('—');
  }).toPass({ timeout: 90_000 });
  await tillPage.close();
});
