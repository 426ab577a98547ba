import { expect, test, type Page } from '@playwright/test';
import type { OfferInput } from '../core/engine';
import { DEMO_OFFERS, demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, scan } from './support/till';
import { tillForFile } from './support/processes';

/**
 * Issue 16: a next-order coupon. A receipt of 150 ₽ or more earns a code for a 10 % coupon offer,
 * shown after checkout; the same visit the code is refused; the next day the code gives the
 * discount and the server takes it. The till's clock starts a day back (Playwright's clock), so
 * "the next day" is the real today and the server agrees with the dates.
 */
const COUPON_OFFER: OfferInput = {
  id: 'coupon-10',
  name: { ru: 'Купон −10 %', en: 'Coupon −10%' },
  audience: { coupon: true },
  effect: { type: 'percentDiscount', basisPoints: 1_000 },
};
const NEXT_OFFER: OfferInput = {
  id: 'next-150',
  name: { ru: 'Купон на следующую покупку от 150 ₽', en: 'Next-purchase coupon from 150 ₽' },
  conditions: { minReceiptKopecks: 15_000 },
  effect: { type: 'nextOrderCoupon', couponOfferId: COUPON_OFFER.id, validDays: 14 },
};
const till = tillForFile(1_000, {
  prepare: async (server) => {
    const put = await fetch(`${server.url}/api/v1/admin/chains/1/offers`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ offers: [...DEMO_OFFERS, COUPON_OFFER, NEXT_OFFER] }),
    });
    if (!put.ok) throw new Error(`offers: ${put.status} ${await put.text()}`);
  },
});
const YOGHURT = demoProduct(1); // 86,90 ₽

async function payCash(page: Page) {
  await page.keyboard.press('F9');
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByLabel('Получено от покупателя').fill('5000');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status', { name: 'Чек' }).getByRole('heading', { name: /проведён/ })).toBeVisible();
}

async function customer(page: Page, n: number) {
  await scan(page, demoCardNumber(n));
  await expect(page.getByRole('article', { name: 'Клиент' }).getByLabel('Телефон')).toHaveText(`+7 *** ***-**-${n}`);
}

async function typeCoupon(page: Page, code: string) {
  await page.getByLabel('Купон или промокод').fill(code);
  await page.getByLabel('Купон или промокод').press('Enter');
}

test('a receipt of 150 ₽ shows a next-order coupon; refused the same visit; the next day it gives the discount', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await page.clock.install({ time: Date.now() - 24 * 3_600_000 });
  await page.goto(till.host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });

  // Yesterday: two yoghurts (173,80 ₽) for customer 45.
  await addToBasket(page, YOGHURT);
  await scan(page, YOGHURT.ean);
  await expect(page.getByRole('table', { name: 'Корзина' })).toContainText('2');
  await customer(page, 45);
  await payCash(page);
  const shown = page.getByRole('status', { name: 'Чек' }).getByText(/Купон на следующую покупку: N[2-9A-Z]{11}/);
  await expect(shown).toBeVisible();
  await expect(page.getByRole('status', { name: 'Чек' })).toContainText('действует с');
  const code = /N[2-9A-Z]{11}/.exec((await shown.textContent()) ?? '')![0];
  await page.screenshot({ path: testInfo.outputPath('next-order-coupon.png') });

  // The same visit: the code is refused.
  await addToBasket(page, YOGHURT);
  await customer(page, 45);
  await typeCoupon(page, code);
  await expect(page.getByText('Купон действует со следующей покупки')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Применённые купоны' })).toHaveCount(0);

  // The next day (the real today): the same code gives 10 % off.
  await page.clock.setSystemTime(Date.now());
  const before = Number(await page.getByLabel('К оплате').getAttribute('data-kopecks'));
  await typeCoupon(page, code.toLowerCase());
  await expect(page.getByRole('list', { name: 'Применённые купоны' })).toContainText(code);
  await expect(page.getByLabel('К оплате')).not.toHaveAttribute('data-kopecks', String(before));
  await payCash(page);

  // Both sales reach the server: the coupon was issued by the first and taken by the second, with no conflict.
  await expect(page.getByLabel('К отправке: 0')).toBeVisible({ timeout: 60_000 });
  const refused = await till.server.admin<{ items: unknown[] }>('GET', '/api/v1/admin/exceptions?kind=coupon_refused');
  expect(refused.items).toEqual([]);
});
