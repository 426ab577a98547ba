import { expect, test, type Page } from '@playwright/test';
import { demoCardNumber, demoProduct } from '../sync/server/demoSeed';
import { addToBasket, scan } from './support/till';
import { tillForFile } from './support/processes';

/**
 * The sale screen at every POS size (issue 15): total and Pay inside the window without
 * scrolling (the basket scrolls instead), no sideways scrolling, big amounts not clipped.
 * Screenshots are attached as artifacts.
 */
const till = tillForFile(100);

const SIZES = [
  { width: 1024, height: 768, fits: true },
  { width: 1280, height: 1024, fits: true },
  { width: 1366, height: 768, fits: true },
  { width: 1920, height: 1080, fits: true },
  // Usable: the page may scroll down, never sideways.
  { width: 800, height: 600, fits: false },
];

async function inViewport(page: Page, name: string, locator: ReturnType<Page['locator']>) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize()!;
  expect(box, `${name} has a box`).not.toBeNull();
  expect(box!.y, `${name} top`).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${name} bottom`).toBeLessThanOrEqual(vp.height + 0.5);
  expect(box!.x + box!.width, `${name} right`).toBeLessThanOrEqual(vp.width + 0.5);
  // Inside the window is not enough: a clipping parent or the status bar may still cover it.
  const seen = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2;
    return [r.top + 2, r.bottom - 2].every((y) => {
      const hit = document.elementFromPoint(x, y);
      return hit !== null && (hit === el || el.contains(hit));
    });
  });
  expect(seen, `${name} fully visible, not covered or clipped`).toBe(true);
}

test('the sale screen at 1024x768, 1280x1024, 1366x768, 1920x1080 and 800x600', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(till.host.openUrl);
  await expect(page.getByText(/База клиентов загружена/)).toBeVisible({ timeout: 60_000 });
  // A long basket: twenty lines, one of them 999 pieces (a big amount), and a customer.
  await addToBasket(page, demoProduct(1));
  for (let n = 2; n <= 20; n++) if (!demoProduct(n).weighed) await scan(page, demoProduct(n).ean);
  await page.getByRole('textbox', { name: 'Штрихкод или код товара' }).fill(`999*${demoProduct(5).ean}`);
  await page.keyboard.press('Enter');
  await scan(page, demoCardNumber(42));
  await expect(page.getByRole('article', { name: 'Клиент' })).toBeVisible();
  const payable = page.getByLabel('К оплате', { exact: true });
  const pay = page.getByRole('button', { name: 'Оплата наличными (F9)' });

  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    const name = `${size.width}x${size.height}`;
    // Written into the test's output folder (kept after the run) and attached to the report.
    const shot = testInfo.outputPath(`sale-${name}.png`);
    await page.screenshot({ path: shot });
    await testInfo.attach(`sale-${name}.png`, { path: shot, contentType: 'image/png' });
    const scroll = await page.evaluate(() => ({
      sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
      down: document.documentElement.scrollHeight > document.documentElement.clientHeight,
    }));
    expect(scroll.sideways, `${name}: no sideways scrolling`).toBe(false);
    if (size.fits) {
      expect(scroll.down, `${name}: no page scrolling`).toBe(false);
      await inViewport(page, `${name} total`, payable);
      await inViewport(page, `${name} Pay`, pay);
    } else {
      await pay.scrollIntoViewIfNeeded();
      await inViewport(page, `${name} Pay`, pay);
      await inViewport(page, `${name} total`, payable);
    }
    if (size.width === 1366 && size.height === 768) {
      // The basket keeps the height (totals and Pay sit in a column beside it): 8 lines or more in view at once.
      const lines = await page.locator('.basket-scroll').evaluate((box) => {
        box.scrollTop = 0;
        const frame = box.getBoundingClientRect();
        const head = box.querySelector('thead')?.getBoundingClientRect().bottom ?? frame.top;
        return [...box.querySelectorAll('tbody tr')].filter((row) => {
          const r = row.getBoundingClientRect();
          return r.top >= head - 0.5 && r.bottom <= frame.bottom + 0.5;
        }).length;
      });
      expect(lines, `${name}: basket lines in view`).toBeGreaterThanOrEqual(8);
      // Every column of the basket (amounts, the remove key) is in view: it does not scroll sideways.
      const sideways = await page.locator('.basket-scroll').evaluate((box) => box.scrollWidth > box.clientWidth + 1);
      expect(sideways, `${name}: basket columns all in view`).toBe(false);
    }
    // The big amount is shown whole: its text fits its cell.
    const clipped = await payable.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
    expect(clipped, `${name}: total not clipped`).toBe(false);
  }
});
