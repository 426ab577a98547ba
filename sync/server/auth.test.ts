import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductPage } from '../protocol/pull';
import { demoPrice, demoProduct } from './demoSeed';
import { testDatabases } from './testing/databases';
import { line, sale } from './testing/events';
import { admin, ADMIN, startTestServer, type TestServer } from './testing/fixtures';
import { buildApp } from './app';

describe.each(testDatabases())('access control on $name', ({ open }) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 30 });
  });
  afterAll(async () => {
    await s?.close();
  });

  const terminalEndpoints = [
    { method: 'GET' as const, url: '/api/v1/terminal' },
    { method: 'GET' as const, url: '/api/v1/lookup?card=2700000000017' },
    { method: 'GET' as const, url: '/api/v1/pull/customers' },
    { method: 'GET' as const, url: '/api/v1/pull/offers' },
    { method: 'GET' as const, url: '/api/v1/pull/programme' },
    { method: 'GET' as const, url: '/api/v1/pull/products' },
    { method: 'POST' as const, url: '/api/v1/push', payload: { events: [sale({ customerId: null, lines: [line(1)] }).event] } },
    { method: 'POST' as const, url: '/api/v1/manager/session', payload: { pin: '1234' } },
    { method: 'GET' as const, url: '/api/v1/manager/session' },
    { method: 'DELETE' as const, url: '/api/v1/manager/session' },
    { method: 'GET' as const, url: '/api/v1/manager/figures' },
    { method: 'GET' as const, url: '/api/v1/manager/offers' },
  ];
  const adminEndpoints = [
    { method: 'POST' as const, url: '/api/v1/admin/enrolment-codes', payload: { storeId: 1 } },
    { method: 'POST' as const, url: `/api/v1/admin/terminals/${crypto.randomUUID()}/revoke` },
    { method: 'GET' as const, url: '/api/v1/admin/customers?card=2700000000017' },
    { method: 'GET' as const, url: '/api/v1/admin/exceptions' },
    { method: 'PUT' as const, url: '/api/v1/admin/chains/1/programme', payload: {} },
    { method: 'PUT' as const, url: '/api/v1/admin/chains/1/offers', payload: { offers: [] } },
    { method: 'DELETE' as const, url: '/api/v1/admin/chains/1/offers/welcome' },
    { method: 'POST' as const, url: '/api/v1/admin/adjustments', payload: {} },
    { method: 'POST' as const, url: '/api/v1/admin/jobs/run' },
    { method: 'GET' as const, url: '/api/v1/admin/ledger/verify' },
    { method: 'POST' as const, url: '/api/v1/admin/stores/1/managers', payload: { name: 'X', pin: '1234' } },
    { method: 'GET' as const, url: '/api/v1/admin/stores/1/managers' },
    { method: 'POST' as const, url: '/api/v1/admin/managers/1/revoke' },
    { method: 'GET' as const, url: '/api/v1/admin/chains/1/offers' },
    { method: 'GET' as const, url: '/api/v1/admin/chains/1/offers/welcome' },
    { method: 'PUT' as const, url: '/api/v1/admin/chains/1/offers/welcome', payload: {} },
  ];

  it('refuses every terminal endpoint without a credential or with a wrong one', async () => {
    for (const e of terminalEndpoints) {
      for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: `Bearer ${ADMIN}` }, { authorization: 'Basic eA==' }]) {
        const res = await s.inject({ ...e, headers });
        expect(res.statusCode, `${e.url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.json().code).toMatch(/^(unauthenticated|credential_rejected)$/);
      }
    }
  });

  it('refuses a revoked terminal everywhere, including a push of events made before revocation', async () => {
    const t = await s.enrol(1);
    const auth = { authorization: `Bearer ${t.token}` };
    expect((await s.inject({ method: 'GET', url: '/api/v1/terminal', headers: auth })).statusCode).toBe(200);
    expect((await s.inject({ method: 'POST', url: `/api/v1/admin/terminals/${t.terminalId}/revoke`, headers: admin })).statusCode).toBe(200);
    for (const e of terminalEndpoints) {
      const res = await s.inject({ ...e, headers: auth });
      expect(res.statusCode, e.url).toBe(401);
      expect(res.json().code).toBe('credential_rejected');
    }
    expect((await s.inject({ method: 'POST', url: `/api/v1/admin/terminals/${t.terminalId}/revoke`, headers: admin })).statusCode).toBe(404);
  });

  it("keeps a terminal to its own store: another store's sale is rejected, prices are its store's", async () => {
    const kazan = await s.enrol(2);
    const moscowSale = sale({ storeId: 1, customerId: '1', lines: [line(3)] });
    const [r] = await s.push(kazan.token, [moscowSale.event]);
    expect(r).toMatchObject({ status: 'rejected', code: 'wrong_store', retryable: false });
    const res = await s.inject({ method: 'GET', url: '/api/v1/pull/products?limit=10000', headers: { authorization: `Bearer ${kazan.token}` } });
    const page = ProductPage.parse(res.json());
    const p3 = page.items.find((i) => i.id === demoProduct(3).id);
    expect(p3?.priceKopecks).toBe(demoPrice(3, 2));
    // The same event id from a till of another store is not that store's to see.
    const moscow = await s.enrol(1);
    const [conflict] = await s.push(moscow.token, [moscowSale.event]);
    expect(conflict).toMatchObject({ status: 'rejected', code: 'event_id_conflict' });
  });

  it('keeps admin endpoints from terminals and from a wrong admin token', async () => {
    const t = await s.enrol(1);
    for (const e of adminEndpoints) {
      for (const headers of [
        {},
        { authorization: `Bearer ${t.token}` },
        { authorization: `Bearer ${ADMIN}x` },
        { authorization: `Bearer ${ADMIN.slice(0, -1)}` },
      ]) {
        const res = await s.inject({ ...e, headers });
        expect(res.statusCode, `${e.method} ${e.url}`).toBe(401);
        expect(res.json().code).toBe('admin_only');
      }
    }
  });

  it('limits each terminal to its token bucket with a 429 and Retry-After', async () => {
    const app = await buildApp({ db: s.db, adminToken: ADMIN, rateLimit: { burst: 5, perSecond: 0.5 } });
    try {
      const code = (await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 1 } })).json().code;
      const token = (await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: 'busy till' } })).json().token;
      const other = await s.enrol(1);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await app.inject({ method: 'GET', url: '/api/v1/terminal', headers: { authorization: `Bearer ${token}` } })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await app.inject({ method: 'GET', url: '/api/v1/terminal', headers: { authorization: `Bearer ${token}` } });
      expect(limited.json().code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another terminal has its own bucket.
      expect((await app.inject({ method: 'GET', url: '/api/v1/terminal', headers: { authorization: `Bearer ${other.token}` } })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
