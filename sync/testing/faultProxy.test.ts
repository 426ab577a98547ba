import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from './faultProxy';

let upstream: Server;
let url: string;
let received = 0;
beforeAll(async () => {
  upstream = createServer((req, res) => {
    received++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n: received }));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

describe('fault proxy', () => {
  it('passes requests through when told to behave', async () => {
    const proxy = await startFaultProxy(url);
    const before = received;
    const res = await fetch(`${proxy.url}/x`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(received - before).toBe(1);
    await proxy.close();
  });

  it('lets the server do the work and then cuts the answer', async () => {
    const proxy = await startFaultProxy(url, { dropAfterCommit: 1 });
    const before = received;
    await expect(fetch(`${proxy.url}/x`, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect(received - before).toBe(1);
    await proxy.close();
  });

  it('sends a request twice, and fails without the server', async () => {
    const proxy = await startFaultProxy(url, { duplicate: 1 });
    const before = received;
    expect((await fetch(`${proxy.url}/x`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect(received - before).toBe(2);
    proxy.setRates({ duplicate: 0, error500: 1 });
    expect((await fetch(`${proxy.url}/x`)).status).toBe(500);
    expect(received - before).toBe(2);
    expect(proxy.stats).toMatchObject({ duplicate: 1, error500: 1 });
    await proxy.close();
  });
});
