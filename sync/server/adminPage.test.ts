import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfferPage } from '../protocol/pull';
import { testDatabases } from './testing/databases';
import { ADMIN, startTestServer, type TestServer } from './testing/fixtures';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(testDatabases()[0]!.open, { customers: 5 });
});
afterAll(async () => {
  await s?.close();
});

describe('head-office offers page', () => {
  it('serves the page as HTML under a same-origin-only CSP, with nothing inline', async () => {
    const res = await s.inject({ method: 'GET', url: '/admin/offers' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp.split(';').map((d) => d.trim())).toContain("default-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    const html = res.body;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<script src="/admin/offers.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/admin/offers.css">');
    // No inline script, handler or style: CSP would block them.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="/admin/offers.js" defer>']);
    expect(html).not.toMatch(/\son[a-z]+\s*=|\sstyle\s*=|<style|javascript:/i);
  });

  it('serves its script and stylesheet from the server, under the same headers', async () => {
    const js = await s.inject({ method: 'GET', url: '/admin/offers.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toContain("default-src 'self'");
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(() => new Function(js.body)).not.toThrow();
    // It builds the page with textContent, never HTML from the server.
    expect(js.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(js.body).toContain('/api/v1/admin/chains/');
    const css = await s.inject({ method: 'GET', url: '/admin/offers.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await s.inject({ method: 'GET', url: '/admin/nothing.js' })).statusCode).toBe(404);
  });
});

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The page in a real browser: CSP enforced, the admin's whole round (list, create, refuse, edit, end). */
describe.skipIf(!existsSync(CHROMIUM))('head-office offers page in Chromium', () => {
  let base: string;
  beforeAll(async () => {
    base = await s.app.listen({ host: '127.0.0.1', port: 0 });
  });

  it('lists, creates, shows field errors, edits and ends an offer; tills get the tombstone', async () => {
    const { chromium } = await import('playwright-core');
    const till = await s.enrol(1);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const problems: string[] = [];
    try {
      const page = await browser.newPage();
      // CSP violations show as console errors ("Refused to ..."); the browser's own note of a 4xx is expected here.
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('dialog', (d) => void d.accept());
      await page.goto(`${base}/admin/offers`);

      // A wrong token: the server's message and code.
      await page.fill('#token', 'x'.repeat(30));
      await page.click('#login button[type=submit]');
      await page.waitForSelector('#notice.error');
      expect(await page.textContent('#notice')).toContain('admin_only');

      await page.fill('#token', ADMIN);
      await page.click('#login button[type=submit]');
      await page.waitForSelector('tr[data-offer-id="milk-x2"]');
      expect(await page.textContent('#count')).toMatch(/^7 offer\(s\); today is \d{4}-\d{2}-\d{2} \(Europe\/Moscow\)$/); // the demo's offers

      // New offer with a mistake: the field is named.
      await page.click('#new');
      const template = JSON.parse(await page.inputValue('#json'));
      expect(template.id).toBe('new-offer');
      const offer = { ...template, id: 'browser-offer', name: { ru: 'Из браузера', en: 'From the browser' }, effect: { type: 'nForM', buy: 2, pay: 3 } };
      await page.fill('#json', JSON.stringify(offer));
      await page.click('#save');
      await page.waitForSelector('#problems li');
      expect(await page.textContent('#problems')).toContain('effect.pay: must be less than buy');
      expect(await page.textContent('#notice')).toContain('invalid_offer');
      await page.fill('#json', '{"id": ');
      await page.click('#save');
      await page.waitForFunction(() => document.getElementById('notice')!.textContent!.includes('not valid JSON'));

      await page.fill('#json', JSON.stringify({ ...offer, effect: { type: 'extraAccrual', basisPoints: 700 } }));
      await page.click('#save');
      await page.waitForSelector('tr[data-offer-id="browser-offer"]');
      expect(await page.isHidden('#editor')).toBe(true);
      expect(await page.textContent('tr[data-offer-id="browser-offer"]')).toContain('+7 % bonuses');

      // Edit: opens the stored offer, saves against its revision.
      await page.click('tr[data-offer-id="browser-offer"] button[data-action=edit]');
      await page.waitForSelector('#editor:not([hidden])');
      const opened = JSON.parse(await page.inputValue('#json'));
      expect(opened).toMatchObject({ id: 'browser-offer', effect: { type: 'extraAccrual', basisPoints: 700 } });
      await page.fill('#json', JSON.stringify({ ...opened, name: { ru: 'Из браузера, правка', en: 'Edited in the browser' } }));
      await page.click('#save');
      await page.waitForFunction(() => document.querySelector('tr[data-offer-id="browser-offer"]')?.textContent?.includes('Edited in the browser'));

      // The till's next pull has the edited offer.
      const live = OfferPage.parse((await s.inject({ method: 'GET', url: '/api/v1/pull/offers', headers: { authorization: `Bearer ${till.token}` } })).json());
      const item = live.items.find((i) => i.id === 'browser-offer');
      expect(item?.offer?.name.en).toBe('Edited in the browser');

      // End it: withdrawn on the page, a tombstone for the till.
      await page.click('tr[data-offer-id="browser-offer"] button[data-action=end]');
      await page.waitForFunction(() => document.querySelector('tr[data-offer-id="browser-offer"]')?.textContent?.includes('ended (withdrawn)'));
      const after = OfferPage.parse(
        (await s.inject({ method: 'GET', url: `/api/v1/pull/offers?cursor=${live.cursor}`, headers: { authorization: `Bearer ${till.token}` } })).json(),
      );
      expect(after.items).toEqual([{ id: 'browser-offer', deleted: true, offer: null }]);

      // The search box filters on the server.
      await page.fill('#search', 'молочн');
      await page.click('#filter button[type=submit]');
      await page.waitForFunction(() => document.querySelectorAll('#offers tr').length === 1);
      expect(await page.getAttribute('#offers tr', 'data-offer-id')).toBe('milk-x2');
      // Nothing was blocked by the CSP, nothing failed in the page.
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
