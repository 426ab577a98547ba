/**
 * Injected into the real renderer's page (bundled with the real sync/client code): fills the
 * till's own cache through storeCustomers, times raw cache lookups as the baseline, and
 * measures from the Enter key event to the customer's card in the DOM.
 */
import { gtinCheckDigit } from '../../core/luhn';
import { cacheTables, compactCache, lookupCustomer, prepareCustomers, storeCustomers } from '../../sync/client/customerCache';
import type { CachedCustomer } from '../../sync/protocol/schemas';
import { TillDb } from '../../sync/client/tillDb';
import { benchCustomer } from '../till/data';

/** A valid loyalty card (chain prefix 27, GS1 check digit), like the demo's, so identify() accepts it. */
export function cardNumber(n: number): string {
  const body = `27${String(n).padStart(10, '0')}`;
  return `${body}${gtinCheckDigit(body)}`;
}

function customer(n: number): CachedCustomer {
  const b = benchCustomer(n);
  return { ...b, cards: [cardNumber(n)], birthday: n % 4 === 0 ? { month: ((n * 7) % 12) + 1, day: ((n * 11) % 28) + 1 } : null };
}

async function tillDbName(): Promise<string> {
  const dbs = await indexedDB.databases();
  const name = dbs.map((d) => d.name ?? '').find((n) => n.startsWith('loyalty-till-'));
  if (!name) throw new Error('the till has no database yet: is it enrolled?');
  return name;
}

/** Store customers from..to (inclusive) in pages, as the pull would, then compact once. */
async function seed(from: number, to: number, pageSize: number): Promise<{ seconds: number; compactSeconds: number }> {
  const db = new TillDb(await tillDbName()).cacheWriter();
  const t = performance.now();
  for (let start = from; start <= to; start += pageSize) {
    const end = Math.min(to, start + pageSize - 1);
    const items = Array.from({ length: end - start + 1 }, (_, i) => customer(start + i));
    const batch = prepareCustomers(items);
    await db.transaction('rw', cacheTables(db), () => storeCustomers(db, batch, to - end));
    if ((end - from + 1) % 100_000 < pageSize) console.info(`[ui bench] stored ${end - from + 1} customers`);
  }
  const seconds = (performance.now() - t) / 1000;
  const c = performance.now();
  await compactCache(db);
  const compactSeconds = (performance.now() - c) / 1000;
  db.close();
  return { seconds, compactSeconds };
}

/** The baseline: the till's own cache lookup alone, for these card numbers. */
async function cacheLookups(ns: number[]): Promise<{ ms: number[]; misses: number }> {
  const db = new TillDb(await tillDbName());
  await db.open();
  const ms: number[] = [];
  let misses = 0;
  for (const n of ns) {
    const t = performance.now();
    const c = await lookupCustomer(db, `card:${cardNumber(n)}`);
    ms.push(performance.now() - t);
    if (c?.id !== String(n)) misses++;
  }
  db.close();
  return { ms, misses };
}

// ---- key event to card in the DOM ----
let enterAt = 0;
// Capture phase on window: the earliest the page sees the key, before the till's own listeners.
window.addEventListener(
  'keydown',
  (e) => {
    if (e.key === 'Enter') enterAt = performance.now();
  },
  true,
);

let pending: Promise<{ dom: number; frame: number }> | null = null;

/** Watch for the card of customer `id`; the result says when it was in the DOM and when the next frame began, after the Enter. */
function arm(id: string, timeoutMs: number): void {
  pending = new Promise((resolve, reject) => {
    const selector = `article.customer[data-customer-id="${id}"]`;
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`customer ${id} did not show within ${timeoutMs} ms`));
    }, timeoutMs);
    const observer = new MutationObserver(() => {
      if (!document.querySelector(selector)) return;
      const dom = performance.now() - enterAt;
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => resolve({ dom, frame: performance.now() - enterAt }));
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-customer-id'] });
  });
}

/**
 * A scanner's burst as the till's wedge listener sees it: keydown events for every character
 * and Enter, dispatched in one task. Made in the page rather than through the DevTools
 * protocol, whose round trip per key (tens of ms on a loaded 2-core machine) breaks the
 * burst apart, which no real scanner does: the browser stamps real keys when they arrive.
 */
function wedge(code: string): void {
  for (const key of [...code, 'Enter']) window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
}

function result(): Promise<{ dom: number; frame: number }> {
  if (!pending) throw new Error('arm() first');
  return pending;
}

(window as unknown as { uiBench: unknown }).uiBench = { seed, cacheLookups, arm, result, wedge, cardNumber };
