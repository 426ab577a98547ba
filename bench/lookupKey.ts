/**
 * What one phone lookup key costs: the till (native Argon2id in the host, and the WebAssembly
 * build in Node and in Chromium for comparison), the server (the same native code), and the
 * old one-HMAC key as the baseline of this run. Then what that means for someone who stole a
 * till: 10^10 candidate numbers (the RU mobile space) at the best per-hash time.
 *
 *   npx tsx bench/lookupKey.ts [--memory-kib 49152] [--runs 20]
 */
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { nativeArgon2id } from '../core/argon2Native';
import { LOOKUP_KEY_COST, wasmArgon2, type Argon2idFunction } from '../core/lookupKey';
import { out, pct } from './report';

const { values } = parseArgs({ options: { 'memory-kib': { type: 'string' }, runs: { type: 'string' } } });
const memoryKiB = Number(values['memory-kib'] ?? LOOKUP_KEY_COST.memoryKiB);
const runs = Number(values.runs ?? 20);
const iterations = LOOKUP_KEY_COST.iterations;
const enc = new TextEncoder();
const phone = (i: number) => enc.encode(`+7916${String(1_000_000 + i).slice(1)}`);
const input = (i: number) => ({
  password: phone(i),
  salt: enc.encode('loyalty-till:phone'),
  secret: enc.encode('bench-secret-0123456789abcdef'),
  memoryKiB,
  iterations,
  hashLength: 16,
});

/**
 * Wall time, and CPU time of this process (every thread: the native hash runs on libuv's pool).
 * On a shared, loaded machine the wall time says how busy it is; the CPU time is what a hash
 * costs a core, the figure an attacker's bill is made of.
 */
const cpu: Record<string, number[]> = {};
async function timeEach(name: string, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  await fn(-1); // warm-up
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpuMs.push((d.user + d.system) / 1000);
  }
  cpu[name] = cpuMs;
  return ms;
}

const argon = (f: Argon2idFunction) => (i: number) => f(input(i));
const hmac = (i: number) => createHmac('sha256', 'bench-secret').update(phone(i)).digest();

const rows: [string, number[]][] = [];
rows.push(['HMAC-SHA256 (old key), Node', await timeEach('HMAC-SHA256 (old key), Node', hmac)]);
rows.push(['Argon2id native, Node (host, server)', await timeEach('Argon2id native, Node (host, server)', argon(nativeArgon2id))]);
rows.push(['Argon2id WebAssembly, Node', await timeEach('Argon2id WebAssembly, Node', argon(wasmArgon2))]);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
try {
  const page = await browser.newPage();
  await page.goto('about:blank');
  await page.addScriptTag({ path: 'node_modules/hash-wasm/dist/argon2.umd.min.js' });
  const samples = await page.evaluate(
    async ({ memoryKiB, iterations, runs }) => {
      const h = (globalThis as unknown as { hashwasm: { argon2id(o: object): Promise<Uint8Array> } }).hashwasm;
      const e = new TextEncoder();
      const ms: number[] = [];
      for (let i = -1; i < runs; i++) {
        const t = performance.now();
        await h.argon2id({
          password: `+7916${1_000_000 + i}`,
          salt: e.encode('loyalty-till:phone'),
          secret: e.encode('bench-secret-0123456789abcdef'),
          parallelism: 1,
          iterations,
          memorySize: memoryKiB,
          hashLength: 16,
          outputType: 'binary',
        });
        if (i >= 0) ms.push(performance.now() - t);
      }
      return ms;
    },
    { memoryKiB, iterations, runs },
  );
  rows.push([`Argon2id WebAssembly, Chromium (renderer)`, samples]);
} finally {
  await browser.close();
}

const base = Math.min(...rows[0]![1]);
out('cost', `Argon2id m=${memoryKiB} KiB, t=${iterations}, p=1; ${runs} runs after one warm-up`);
console.log('| what | wall best ms | wall median | wall p95 | CPU best ms | CPU median | wall best vs HMAC |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, ms] of rows) {
  const c = cpu[name];
  const cells = c ? [Math.min(...c).toFixed(2), pct(c, 0.5).toFixed(2)] : ['–', '–'];
  console.log(
    `| ${name} | ${Math.min(...ms).toFixed(2)} | ${pct(ms, 0.5).toFixed(2)} | ${pct(ms, 0.95).toFixed(2)} | ${cells.join(' | ')} | ${(Math.min(...ms) / base).toFixed(0)}x |`,
  );
}
// The attacker's price: the native code's CPU time per hash (the fastest of the run: an idle core).
const perHash = Math.min(...cpu['Argon2id native, Node (host, server)']!) / 1000;
const hmacPerHash = pct(cpu['HMAC-SHA256 (old key), Node']!, 0.5) / 1000;
const year = 365.25 * 24 * 3600;
out('brute force of 10^10 numbers, native Argon2id, one core', ((1e10 * perHash) / year).toFixed(1), 'core-years');
out('same with the old HMAC key (CPU median), one core', ((1e10 * hmacPerHash) / 3600).toFixed(2), 'core-hours');
out('one customer with the last 2 digits known (10^8 candidates), one core', ((1e8 * perHash) / 86400).toFixed(1), 'core-days');
