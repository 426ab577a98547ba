/**
 * Runs a bundled test page in real Chromium: esbuild bundles `entry` (which may import the
 * real sync/client code), a tiny http server serves it, Playwright drives the browser.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/** Serve `files` (path -> bytes) as static files with Range, as the sync server serves a snapshot. */
function serveFile(req: IncomingMessage, res: ServerResponse, file: Buffer, headers: Record<string, string>): void {
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m) {
    res.writeHead(200, { ...headers, 'content-length': String(file.length) }).end(file);
    return;
  }
  const start = Number(m[1]);
  const end = m[2] ? Math.min(Number(m[2]), file.length - 1) : file.length - 1;
  res
    .writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${file.length}`, 'content-length': String(end - start + 1) })
    .end(file.subarray(start, end + 1));
}

/**
 * `workers`: URL path -> entry of a module worker the page starts (e.g. the till's pull worker),
 * bundled the same way.
 */
export async function openBenchPage(entry: string, files: Map<string, Buffer> = new Map(), workers: Map<string, string> = new Map()): Promise<BenchPage> {
  const bundleOf = async (file: string): Promise<Uint8Array> =>
    (await build({ entryPoints: [file], bundle: true, format: 'esm', target: 'chrome120', write: false, logLevel: 'warning' })).outputFiles[0]!.contents;
  const js = await bundleOf(entry);
  const scripts = new Map<string, Uint8Array>([['/bench.js', js]]);
  for (const [path, file] of workers) scripts.set(path, await bundleOf(file));
  const html = '<!doctype html><meta charset="utf-8"><title>till bench</title><script type="module" src="/bench.js"></script>';
  const server: Server = createServer((req, res) => {
    // Cross-origin isolation gives performance.now() microsecond resolution instead of 100 µs.
    const isolated = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    const file = files.get(req.url ?? '');
    if (file) serveFile(req, res, file, { ...isolated, 'content-type': 'application/octet-stream' });
    else if (scripts.has(req.url ?? '')) res.writeHead(200, { ...isolated, 'content-type': 'text/javascript' }).end(scripts.get(req.url ?? ''));
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
