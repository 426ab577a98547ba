/**
 * Scan-to-customer in the real renderer with a big till cache: the central server and the
 * till host run as real processes (from dist/, so `npm run build` first); the page's cache is
 * filled to `--customers` with the till's own storeCustomers code (straight into its IndexedDB,
 * not pulled, which would take far longer and measure the server), the page is reloaded, and
 * then for each wedge scan (keydown events of a scanner's burst, made in the page) and each card
 * number typed into the field (real key input), it times, in the page, from the Enter key event
 * to the customer's card in the DOM and to the start of the next frame.
 * Baseline in the same run: the till's cache lookup alone for other customers of the same cache.
 * Run: npm run bench:ui -- [--customers 1000000] [--scans 300] [--typed 100]
 * Prints `name: value unit` lines.
 */
import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from './till/harness';
import { startServer, startTillHost } from '../e2e/support/processes';
import { seededRandom } from '../sync/testing/prng';
import { out, pct } from './report';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a number`);
  return v;
}
const N = arg('customers', 1_000_000);
const SCANS = arg('scans', 300);
const TYPED = arg('typed', 100);
/** Customers the server really has (and the till pulls); the rest are filled in locally, above them. */
const SERVER_CUSTOMERS = 1_000;
const AIM_P95_MS = 100;

const ms = (x: number): string => x.toFixed(1);
function report(name: string, xs: number[]): void {
  for (const [label, p] of [
    ['p50', 0.5],
    ['p95', 0.95],
    ['p99', 0.99],
  ] as const)
    out(`${name}.${label}`, ms(pct(xs, p)), 'ms');
}

// Deterministic customer numbers above the server's own, distinct.
function sample(count: number, seed: number, taken: Set<number>): number[] {
  const rand = seededRandom(seed);
  const ns: number[] = [];
  while (ns.length < count) {
    const n = SERVER_CUSTOMERS + 1 + Math.floor(rand() * (N - SERVER_CUSTOMERS));
    if (!taken.has(n)) {
      taken.add(n);
      ns.push(n);
    }
  }
  return ns;
}

if (!existsSync(new URL('../dist/node/host.mjs', import.meta.url))) throw new Error('dist/ is missing: run `npm run build` first');
if (N <= SERVER_CUSTOMERS) throw new Error(`--customers must be above ${SERVER_CUSTOMERS}`);

const bundle = await build({
  entryPoints: [new URL('./ui/page.ts', import.meta.url).pathname],
  bundle: true,
  format: 'iife',
  target: 'chrome120',
  write: false,
  logLevel: 'warning',
});
const injected = bundle.outputFiles[0]!.text;

type Api = {
  seed(from: number, to: number, page: number): Promise<{ seconds: number; compactSeconds: number }>;
  cacheLookups(ns: number[]): Promise<{ ms: number[]; misses: number }>;
  arm(id: string, timeoutMs: number): void;
  result(): Promise<{ dom: number; frame: number }>;
  wedge(code: string): void;
  cardNumber(n: number): string;
};

const server = await startServer(SERVER_CUSTOMERS);
const host = await startTillHost(server);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
try {
  // The till's page forbids inline scripts (CSP); the bench's own code goes in beside it.
  const context = await browser.newContext({ bypassCSP: true, locale: 'ru-RU', viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: injected });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.text().startsWith('[ui bench]')) console.error(`[page] ${m.text()}`);
  });
  await page.goto(host.openUrl);
  await page.getByText(`База клиентов загружена: ${new Intl.NumberFormat('ru-RU').format(SERVER_CUSTOMERS)}`).waitFor({ timeout: 120_000 });

  out('customers', N);
  const seeded = await page.evaluate(([to, size]) => (window as unknown as { uiBench: Api }).uiBench.seed(1_001, to, size), [N, 5_000] as const);
  out('seed.seconds', seeded.seconds.toFixed(1), 's');
  out('seed.compact.seconds', seeded.compactSeconds.toFixed(1), 's');

  // A fresh start of the till on the full cache, as after a restart.
  await page.reload();
  await page.getByText(`База клиентов загружена: ${new Intl.NumberFormat('ru-RU').format(N)}`).waitFor({ timeout: 120_000 });
  await page.waitForTimeout(2_000); // let the start-up pull settle

  const taken = new Set<number>();
  const scanNs = sample(SCANS, 1, taken);
  const typedNs = sample(TYPED, 2, taken);
  const baseNs = sample(SCANS, 3, taken);
  const call = <K extends keyof Api>(fn: K, ...args: Parameters<Api[K]>) =>
    page.evaluate(
      ([fn, args]) => (window as unknown as { uiBench: Record<string, (...a: unknown[]) => unknown> }).uiBench[fn as string]!(...(args as unknown[])),
      [fn, args] as const,
    ) as Promise<Awaited<ReturnType<Api[K]>>>;

  const heading = page.getByRole('heading', { name: 'Касса лояльности' });
  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  const cardOf = (n: number) => call('cardNumber', n);

  // Wedge scans: a burst of digits and Enter, with the focus on no field.
  const scanDom: number[] = [];
  const scanFrame: number[] = [];
  await heading.click();
  for (const n of scanNs) {
    const card = await cardOf(n);
    await call('arm', String(n), 10_000);
    await call('wedge', card);
    const r = await call('result');
    scanDom.push(r.dom);
    scanFrame.push(r.frame);
  }

  // Card numbers typed into the field and confirmed with Enter.
  const typedDom: number[] = [];
  const typedFrame: number[] = [];
  for (const n of typedNs) {
    await input.fill(await cardOf(n));
    await call('arm', String(n), 10_000);
    await input.press('Enter');
    const r = await call('result');
    typedDom.push(r.dom);
    typedFrame.push(r.frame);
  }

  // Baseline: the cache lookup alone, other customers of the same cache, same page and moment.
  const base = await call('cacheLookups', baseNs);
  if (base.misses) throw new Error(`${base.misses} baseline lookups missed`);

  out('scans', scanDom.length);
  report('scan.toDom', scanDom);
  report('scan.toFrame', scanFrame);
  out('typed', typedDom.length);
  report('typed.toDom', typedDom);
  report('typed.toFrame', typedFrame);
  report('baseline.cacheLookup', base.ms);
  out('scan.toFrame.p95.overhead', ms(pct(scanFrame, 0.95) - pct(base.ms, 0.95)), 'ms over the cache lookup');
  out('scan.toFrame.p95.aim', `${pct(scanFrame, 0.95) <= AIM_P95_MS ? 'met' : 'missed'} (<= ${AIM_P95_MS} ms)`);
} catch (err) {
  const pages = browser.contexts().flatMap((c) => c.pages());
  if (pages[0] && process.env.LT_BENCH_SHOT) await pages[0].screenshot({ path: process.env.LT_BENCH_SHOT });
  throw err;
} finally {
  await browser.close();
  await host.stop();
  await server.stop();
}
