/**
 * Runs a bundled test page in real Chromium: esbuild bundles `entry` (which may import the
 * real sync/client code), a tiny http server serves it, Playwright drives the browser.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from '@playwright/test';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BenchPage {
  page: Page;
  /** A second tab of the same origin, e.g. to look customers up while the first one loads. */
  newTab(): Promise<Page>;
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

export async function openBenchPage(entry: string): Promise<BenchPage> {
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', target: 'chrome120', write: false, logLevel: 'warning' });
  const js = bundle.outputFiles[0]!.contents;
  const html = '<!doctype html><meta charset="utf-8"><title>till bench</title><script type="module" src="/bench.js"></script>';
  const server: Server = createServer((req, res) => {
    // Cross-origin isolation gives performance.now() microsecond resolution instead of 100 µs.
    const isolated = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    if (req.url === '/bench.js') res.writeHead(200, { ...isolated, 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { ...isolated, 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`[page] ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => 'bench' in window);
  return {
    page,
    newTab: async () => {
      const tab = await context.newPage();
      await tab.goto(url);
      await tab.waitForFunction(() => 'bench' in window);
      return tab;
    },
    browser,
    url,
    close: async () => {
      await browser.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Reload the page (fresh JS heap, Chromium's caches partly cold) and wait for the bench API again. */
export async function reload(p: BenchPage): Promise<void> {
  await p.page.reload();
  await p.page.waitForFunction(() => 'bench' in window);
}
