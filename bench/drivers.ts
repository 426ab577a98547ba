/**
 * Serial scanner latency through a socat pty pair: from the moment the last byte of a
 * barcode is written on the "scanner" end to the ScanEvent emitted by the device manager.
 * Baseline in the same run: a bare SerialPort's 'data' event for the same bytes, no framing.
 * Then the whole path to the renderer: device manager -> host WebSocket bridge -> a page in
 * Chromium, timed from the last byte written to the event's arrival in the page.
 *
 *   npx tsx bench/drivers.ts [scans=1000]
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import { gtinCheckDigit } from '../core/luhn';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createDeviceManager } from '../drivers';
import { startBrowserHost } from '../electron/host/browserHost';
import { fileCredentialStore } from '../electron/host/credentialStore';
import { createHostServices } from '../electron/host/hostServices';
import { CHROMIUM_ARGS } from '../playwright.config';
import { createSocatPair } from '../drivers/testing/socatPair';

const N = Number(process.argv[2] ?? 1000);
const WARMUP = 50;

function ean13(i: number): string {
  const body = `460${String(i).padStart(9, '0')}`;
  return body + gtinCheckDigit(body);
}

function percentile(sorted: number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? NaN;
}

function summary(samples: number[]): { p50: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function rawBaseline(device: number, path: string): Promise<number[]> {
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    p.open((err) => (err ? reject(err) : resolve(p)));
  });
  const samples: number[] = [];
  let waiting: ((t: number) => void) | null = null;
  port.on('data', (chunk: Buffer) => {
    // The frame is complete when its terminator arrives (it may come in pieces).
    if (chunk[chunk.length - 1] === 0x0d && waiting) waiting(performance.now());
  });
  for (let i = 0; i < N + WARMUP; i++) {
    const frame = Buffer.from(`${ean13(i)}\r`);
    const got = new Promise<number>((resolve) => (waiting = resolve));
    writeSync(device, frame);
    const t0 = performance.now();
    const t1 = await got;
    if (i >= WARMUP) samples.push(t1 - t0);
  }
  await new Promise<void>((resolve) => port.close(() => resolve()));
  return samples;
}

async function managerLatency(device: number, path: string): Promise<number[]> {
  const manager = createDeviceManager({
    config: { devices: [{ id: 'bench', type: 'scanner', path, baudRate: 115200 }], autoDetect: { serial: false, hid: false } },
    lookupSecret: 'bench',
  });
  const samples: number[] = [];
  let waiting: ((t: number) => void) | null = null;
  let errors = 0;
  manager.on((e) => {
    if (e.kind === 'scan' && waiting) waiting(performance.now());
    if (e.kind === 'error') errors++;
  });
  await manager.start();
  if (manager.list()[0]?.status !== 'connected') throw new Error('bench scanner did not connect');
  for (let i = 0; i < N + WARMUP; i++) {
    const frame = Buffer.from(`${ean13(i)}\r`);
    const got = new Promise<number>((resolve) => (waiting = resolve));
    writeSync(device, frame);
    const t0 = performance.now();
    const t1 = await got;
    if (i >= WARMUP) samples.push(t1 - t0);
  }
  await manager.stop();
  if (errors > 0) throw new Error(`${errors} diagnostics during the bench`);
  return samples;
}

/** From the last byte written to the ScanEvent's arrival in a Chromium page over the host's bridge. */
async function rendererLatency(device: number, path: string): Promise<number[]> {
  const manager = createDeviceManager({
    config: { devices: [{ id: 'bench', type: 'scanner', path, baudRate: 115200 }], autoDetect: { serial: false, hid: false } },
    lookupSecret: 'bench',
  });
  await manager.start();
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-host-'));
  const services = createHostServices({
    mode: 'browser',
    credentials: fileCredentialStore(join(dir, 'c.json')),
    devices: { list: () => [], on: (l) => manager.on(l) },
  });
  const token = 'bench-session-token-0123456789';
  const host = await startBrowserHost({ services, rendererDir: dir, port: 0, sessionToken: token });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(host.url);
    await page.evaluate(async (session) => {
      const w = window as unknown as { arrivals: number[] };
      w.arrivals = [];
      const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/host/events?session=${session}`);
      ws.onmessage = (m) => {
        const arrived = performance.timeOrigin + performance.now();
        if ((JSON.parse(String(m.data)) as { kind: string }).kind === 'scan') w.arrivals.push(arrived);
      };
      await new Promise((r) => (ws.onopen = r));
    }, token);
    const samples: number[] = [];
    for (let i = 0; i < N + WARMUP; i++) {
      writeSync(device, Buffer.from(`${ean13(i)}\r`));
      const t0 = performance.timeOrigin + performance.now();
      await page.waitForFunction((n) => (window as unknown as { arrivals: number[] }).arrivals.length > n, i, { polling: 1 });
      const t1 = await page.evaluate((n) => (window as unknown as { arrivals: number[] }).arrivals[n]!, i);
      if (i >= WARMUP) samples.push(t1 - t0);
    }
    return samples;
  } finally {
    await browser.close();
    await host.close();
    await manager.stop();
  }
}

async function main(): Promise<void> {
  const pair = await createSocatPair('loyalty-till-bench-');
  const device = openSync(pair.a, 'w');
  try {
    const raw = summary(await rawBaseline(device, pair.b));
    const mgr = summary(await managerLatency(device, pair.b));
    const ren = summary(await rendererLatency(device, pair.b));
    const f = (x: number) => x.toFixed(3);
    console.log(`drivers.serial.p50: ${f(mgr.p50)} ms`);
    console.log(`drivers.serial.p99: ${f(mgr.p99)} ms`);
    console.log(`drivers.serial.raw.p50: ${f(raw.p50)} ms`);
    console.log(`drivers.serial.raw.p99: ${f(raw.p99)} ms`);
    console.log(`drivers.serial.overhead.p50: ${(mgr.p50 / raw.p50).toFixed(2)}x`);
    console.log(`drivers.serial.overhead.p99: ${(mgr.p99 / raw.p99).toFixed(2)}x`);
    console.log(`drivers.renderer.p50: ${f(ren.p50)} ms`);
    console.log(`drivers.renderer.p99: ${f(ren.p99)} ms`);
    console.log(`drivers.renderer.overhead.p50: ${(ren.p50 / raw.p50).toFixed(2)}x`);
    console.log(`drivers.serial.scans: ${N}`);
  } finally {
    closeSync(device);
    await pair.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
