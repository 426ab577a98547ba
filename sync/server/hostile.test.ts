import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushResponse } from '../protocol/events';
import type { EnrolResponse } from '../protocol/schemas';
import { buildApp } from './app';
import { demoCardNumber } from './demoSeed';
import { testDatabases } from './testing/databases';
import { line, registration, sale } from './testing/events';
import { admin, ADMIN, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('hostile input on $name', ({ open }) => {
  let s: TestServer;
  let t: EnrolResponse;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 30 });
    t = await s.enrol(1);
  });
  afterAll(async () => {
    await s?.close();
  });

  const json = { 'content-type': 'application/json' };
  const uuid = () => crypto.randomUUID();

  it('answers malformed requests with a 4xx, a code and a message, never a 5xx', async () => {
    const auth = { authorization: `Bearer ${t.token}` };
    const push = (payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
      method: 'POST',
      url: '/api/v1/push',
      headers: { ...auth, ...headers },
      payload: payload as InjectOptions['payload'],
    });
    let deep = '1';
    for (let i = 0; i < 5_000; i++) deep = `[${deep}]`;
    const cases: InjectOptions[] = [
      push('{"events":', json),
      push('null', json),
      push('[]', json),
      push('"events"', json),
      push({ events: 'all of them' }),
      push({ events: [] }),
      push({ events: [1, 2, 3] }),
      push({ events: [{ eventId: 'not-a-uuid', type: 'sale' }] }),
      push({ events: [{ type: 'sale' }] }),
      push({ events: Array.from({ length: 501 }, () => ({ eventId: uuid(), type: 'consent' })) }),
      push('{"events":[{"eventId":"6f1d3c2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f","__proto__":{"admin":true}}]}', json),
      push('{"events":[{"eventId":"6f1d3c2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f","constructor":{"prototype":{"x":1}}}]}', json),
      push('x'.repeat(2 * 1024 * 1024), { 'content-type': 'text/plain' }),
      push('<events/>', { 'content-type': 'application/xml' }),
      push(`{"events":${deep}}`, json),
      { method: 'GET', url: '/api/v1/pull/customers?cursor=-1', headers: auth },
      { method: 'GET', url: `/api/v1/pull/offers?cursor=${'9'.repeat(25)}`, headers: auth },
      { method: 'GET', url: '/api/v1/pull/products?limit=0', headers: auth },
      { method: 'GET', url: '/api/v1/pull/products?limit=abc', headers: auth },
      { method: 'GET', url: "/api/v1/pull/programme?cursor=1'--", headers: auth },
      { method: 'GET', url: '/api/v1/pull/everything', headers: auth },
      { method: 'GET', url: `/api/v1/lookup?card=${demoCardNumber(1)}&phoneKey=${'a'.repeat(20)}`, headers: auth },
      { method: 'GET', url: "/api/v1/lookup?phoneKey=' OR 1=1 --", headers: auth },
      { method: 'GET', url: '/api/v1/terminal', headers: { authorization: `Bearer ${'x'.repeat(6_000)}` } },
      { method: 'PATCH', url: '/api/v1/push', headers: auth },
      { method: 'POST', url: '/api/v1/admin/adjustments', headers: admin, payload: { requestId: uuid(), customerId: '1', amountKopecks: 0.5, reason: 'x' } },
      {
        method: 'POST',
        url: '/api/v1/admin/adjustments',
        headers: admin,
        payload: { requestId: uuid(), customerId: '999999999', amountKopecks: 100, reason: 'no such customer' },
      },
      { method: 'GET', url: '/api/v1/admin/exceptions?after=-5', headers: admin },
      { method: 'GET', url: '/api/v1/admin/exceptions?kind=DROP%20TABLE', headers: admin },
      { method: 'PUT', url: '/api/v1/admin/chains/abc/programme', headers: admin, payload: {} },
      { method: 'PUT', url: '/api/v1/admin/chains/99999999999/programme', headers: admin, payload: {} },
      { method: 'PUT', url: '/api/v1/admin/chains/1/programme', headers: admin, payload: { tiers: 'gold' } },
      { method: 'PUT', url: '/api/v1/admin/chains/1/offers', headers: admin, payload: { offers: [{ id: 1 }] } },
      { method: 'PUT', url: '/api/v1/admin/chains/1/offers', headers: admin, payload: 'offers' },
      { method: 'DELETE', url: '/api/v1/admin/chains/1/offers/no-such-offer', headers: admin },
      { method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 999 } },
      { method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 1, ttlMinutes: 1e9 } },
      { method: 'POST', url: '/api/v1/enrol', payload: { code: 'AAAAA-BBBBB', deviceName: '' } },
      { method: 'POST', url: '/api/v1/enrol', payload: { code: 'AAAAA-BBBBB', deviceName: 'till\u0000' } },
      {
        method: 'POST',
        url: '/api/v1/admin/adjustments',
        headers: admin,
        payload: { requestId: uuid(), customerId: '1', amountKopecks: 100, reason: 'nul\u0000' },
      },
      { method: 'GET', url: '/api/v1/lookup?card=%00', headers: auth },
      { method: 'POST', url: '/api/v1/manager/session', headers: auth, payload: { pin: "1' OR '1'='1" } },
      { method: 'POST', url: '/api/v1/manager/session', headers: auth, payload: { pin: '1234\u0000' } },
      { method: 'POST', url: '/api/v1/manager/session', headers: auth, payload: '{"pin":' },
      { method: 'GET', url: '/api/v1/manager/figures?date=2025-01-01', headers: { ...auth, 'x-manager-token': "' OR 1=1 --" } },
      { method: 'GET', url: '/api/v1/manager/offers', headers: { ...auth, 'x-manager-token': 'A'.repeat(10_000) } },
      { method: 'POST', url: '/api/v1/admin/stores/1/managers', headers: admin, payload: { name: 'x', pin: '１２３４' } },
      { method: 'POST', url: '/api/v1/admin/stores/abc/managers', headers: admin, payload: { name: 'x', pin: '1234' } },
      { method: 'POST', url: '/api/v1/admin/managers/1%20OR%201=1/revoke', headers: admin },
      { method: 'PUT', url: '/api/v1/admin/chains/1/offers/x', headers: admin, payload: 'null' },
      {
        method: 'PUT',
        url: '/api/v1/admin/chains/1/offers/x',
        headers: admin,
        payload: { name: { ru: 'x', en: 'x' }, effect: { type: 'welcome', amountKopecks: 1e300 } },
      },
      { method: 'PUT', url: '/api/v1/admin/chains/1/offers/x', headers: { ...admin, 'if-match': '1; DROP TABLE offers' }, payload: {} },
      { method: 'GET', url: '/api/v1/admin/chains/1/offers?q=%27%3B--&status=all', headers: admin },
    ];
    for (const c of cases) {
      const res = await s.inject(c);
      const what = `${c.method} ${String(c.url).slice(0, 80)} ${String(typeof c.payload === 'string' ? c.payload.slice(0, 60) : JSON.stringify(c.payload ?? '').slice(0, 60))}`;
      expect(res.statusCode, what).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, what).toBeLessThan(500);
      const body = res.json();
      expect(typeof body.code, what).toBe('string');
      expect(typeof body.message, what).toBe('string');
    }
    expect((await s.inject({ method: 'GET', url: '/api/v1/terminal', headers: auth })).statusCode).toBe(200);
  });

  it('rejects hostile events one by one inside a batch, and records them', async () => {
    const huge = sale({
      customerId: null,
      lines: Array.from({ length: 1_000 }, (_, i) => ({ ...line(1, 1, 1, `l${i}`), unitPriceKopecks: 1_000_000_000, quantityMilli: 1_000_000_000 })),
      totals: { payable: 0, discount: 0, redeemed: 0, accrued: 0 },
    });
    const events = [
      { ...registration({ phone: '+7999' }) },
      { ...registration({ phone: '+79990001199' }), firstName: 'x'.repeat(10_000) },
      { ...registration({ phone: '+79990001198' }), email: 'not an email' },
      { ...registration({ phone: '+79990001197' }), birthday: '2000-02-30' },
      { ...registration({ phone: '+79990001196' }), customerId: "1'; DROP TABLE customers; --" },
      { ...sale({ customerId: '1', lines: [line(1)] }).event, totals: { payable: -1, redeemed: 0, accrued: 0, discount: 0 } },
      { ...sale({ customerId: '1', lines: [line(1)] }).event, totals: { payable: 1e300, redeemed: 0, accrued: 0, discount: 0 } },
      { ...sale({ customerId: '1 OR 1=1', lines: [line(1)] }).event },
      huge.event,
      { eventId: uuid(), type: 'return', original: { eventId: uuid(), receiptId: 'r' }, lines: [{ lineId: 'l1', quantityMilli: 1.5 }] },
      { eventId: uuid(), type: 'cardLink', customerId: '1', kind: 'bank', key: '4276 1234 5678 9012' },
      { ...sale({ customerId: '1', lines: [line(1)], receiptId: 'r\u0000' }).event },
    ];
    const res = await s.inject({ method: 'POST', url: '/api/v1/push', headers: { authorization: `Bearer ${t.token}` }, payload: { events } });
    expect(res.statusCode).toBe(200);
    const { results } = PushResponse.parse(res.json());
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual([
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'sale_invalid',
      'invalid_event',
      'invalid_event',
      'invalid_event',
    ]);
    // A resend gets the recorded answer.
    const again = PushResponse.parse(
      (await s.inject({ method: 'POST', url: '/api/v1/push', headers: { authorization: `Bearer ${t.token}` }, payload: { events } })).json(),
    );
    expect(again.results.every((r) => r.status === 'duplicate')).toBe(true);
    const [{ n } = { n: 0 }] = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
    expect(n).toBe(30);
  });
});

describe('logs', () => {
  it('never carry phones, names, e-mails, card numbers, tokens or lookup secrets', async () => {
    const { open } = testDatabases()[0]!;
    const s = await startTestServer(open, { customers: 5 });
    const lines: string[] = [];
    const app = await buildApp({ db: s.db, adminToken: ADMIN, logger: { write: (l) => lines.push(l) } });
    try {
      const code = (await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 1 } })).json().code;
      const enrolled = (await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: 'till' } })).json();
      const auth = { authorization: `Bearer ${enrolled.token}` };
      const reg = registration({ phone: '+79161112233', firstName: 'Апполинария', email: 'appolinaria@example.org', card: demoCardNumber(77_777) });
      await app.inject({
        method: 'POST',
        url: '/api/v1/push',
        headers: auth,
        payload: { events: [reg, { ...reg, eventId: crypto.randomUUID(), email: 'bad' }] },
      });
      await app.inject({ method: 'GET', url: `/api/v1/lookup?card=${demoCardNumber(77_777)}`, headers: auth });
      await app.inject({ method: 'GET', url: `/api/v1/admin/customers?card=${demoCardNumber(77_777)}`, headers: admin });
      await app.inject({ method: 'POST', url: '/api/v1/push', headers: auth, payload: '{"events":[' });
      const log = lines.join('\n');
      expect(lines.length).toBeGreaterThan(5);
      expect(log).toContain('"msg":"push"');
      for (const secret of ['9161112233', 'Апполинария', 'appolinaria', demoCardNumber(77_777), enrolled.token, enrolled.lookupSecret, ADMIN, code]) {
        expect(log, secret).not.toContain(secret);
      }
    } finally {
      await app.close();
      await s.close();
    }
  });
});
