import { expect, test, type Page } from '@playwright/test';
import type { OfferInput } from '../core/engine';
import { DEMO_OFFERS, demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, scan } from './support/till';
import { startServer, startTillHost, tillForFile, type RunningHost } from './support/processes';

const COUPON_OFFER: OfferInput = {
  id: 'coupon-10',
  name: { ru: 'Купон −10 %', en: 'Coupon −10%' },
  audience: { coupon: true },
  effect: { type: 'percentDiscount', basisPoints: 1_000 },
};
let code = '';
let batchId = '';
const till = tillForFile(1_000, {
  prepare: async (server) => {
    const put = await fetch(`${server.url}/api/v1/admin/chains/1/offers`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ offers: [...DEMO_OFFERS, COUPON_OFFER] }),
    });
    if (!put.ok) throw new Error(`offers: ${put.status} ${await put.text()}`);
    ({
      batchId,
      codes: [code = ''],
    } = await server.admin<{ batchId: string; codes: string[] }>('POST', '/api/v1/admin/chains/1/coupons', { offerId: COUPON_OFFER.id, count: 1 }));
  },
});
const YOGHURT = demoProduct(1);

async function ready(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  await addToBasket(page, YOGHURT);
}

/** Type the code under the customer; the till's list arrives just after the catalogue, so it may take a moment. */
async function applyCoupon(page: Page, text: string) {
  await expect(async () => {
    await page.getByLabel('Купон или промокод').fill(text);
    await page.getByLabel('Купон или промокод').press('Enter');
    await expect(page.getByRole('list', { name: 'Применённые купоны' })).toContainText(code, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}

async function payCash(page: Page) {
  await page.keyboard.press('F9');
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Получено от покупателя').fill('5000');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status', { name: 'Чек' }).getByRole('heading', { name: /проведён/ })).toBeVisible();
}

test('a single-use coupon taken at two offline tills: both sales stand, the server gives the coupon to one and reports the other', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(300_000);
  let second: RunningHost | null = null;
  try {
    second = await startTillHost(till.server);
    const other = await browser.newPage();
    await ready(page, till.host.openUrl);
    await ready(other, second.openUrl);

    // Till 1: the customer, the code typed with a dash and in lower case, the discount on the receipt.
    await scan(page, demoCardNumber(42));
    await expect(page.getByRole('article', { name: 'Клиент' }).getByLabel('Телефон')).toHaveText('+7 *** ***-**-42');
    const before = Number(await page.getByLabel('К оплате').getAttribute('data-kopecks'));
    await applyCoupon(page, `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`);
    await expect(page.getByText(`Купон ${code} применён`)).toBeVisible();
    await expect(page.getByLabel('К оплате')).not.toHaveAttribute('data-kopecks', String(before));
    await page.screenshot({ path: testInfo.outputPath('coupon-applied.png') });

    // The network goes down; both tills take the same code.
    await till.server.stop();
    await payCash(page);
    await scan(other, demoCardNumber(43));
    await expect(other.getByRole('article', { name: 'Клиент' }).getByLabel('Телефон')).toHaveText('+7 *** ***-**-43');
    await applyCoupon(other, code);
    await payCash(other);

    // Till 1 knows it used the code: the next sale is refused it at once, offline.
    await addToBasket(page, YOGHURT);
    await scan(page, demoCardNumber(44));
    await expect(page.getByRole('article', { name: 'Клиент' }).getByLabel('Телефон')).toHaveText('+7 *** ***-**-44');
    await page.getByLabel('Купон или промокод').fill(code);
    await page.getByLabel('Купон или промокод').press('Enter');
    await expect(page.getByText('Купон уже использован')).toBeVisible();
    await expect(page.getByRole('list', { name: 'Применённые купоны' })).toHaveCount(0);

    // Back online: both sales reach the server; the coupon goes to one, the other is on the exceptions report.
    till.server = await startServer(1_000, till.server);
    await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
    await expect(other.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
    const refused = await till.server.admin<{ items: { details: { code?: string; reason?: string } }[] }>(
      'GET',
      '/api/v1/admin/exceptions?kind=coupon_refused',
    );
    expect(refused.items.map((i) => [i.details.code, i.details.reason])).toEqual([[code, 'used']]);
    const batch = await till.server.admin<{ coupons: { code: string; redeemed: boolean }[] }>('GET', `/api/v1/admin/chains/1/coupons/${batchId}`);
    expect(batch.coupons).toEqual([expect.objectContaining({ code, redeemed: true })]);
    await other.close();
  } finally {
    await second?.stop();
  }
});
