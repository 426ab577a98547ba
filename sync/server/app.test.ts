import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneLookupKey } from '../../core/lookupKey';
import { CustomerPage, EnrolResponse } from '../protocol/schemas';
import { buildApp } from './app';
import type { Database } from './db/database';
import { demoBalance, demoCardNumber, demoPhone, seedDemo } from './demoSeed';
import { testDatabases } from './testing/databases';

const ADMIN = 'admin-token-for-tests-0123456789';

describe.each(testDatabases())('server on $name', ({ open }) => {
  let db: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await open();
    await seedDemo(db, 250);
    app = await buildApp({ db, adminToken: ADMIN });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const admin = { authorization: `Bearer ${ADMIN}` };
  async function enrolTerminal(storeId = 1): Promise<EnrolResponse> {
    const codeRes = await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId } });
    expect(codeRes.statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code: codeRes.json().code, deviceName: 'Till 1' } });
    expect(res.statusCode).toBe(200);
    return EnrolResponse.parse(res.json());
  }

  it('enrols a terminal with a one-time code and refuses the code a second time', async () => {
    const codeRes = await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 1 } });
    const { code } = codeRes.json();
    const first = await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code: code.toLowerCase(), deviceName: 'Till A' } });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ storeId: 1, chainName: 'Ромашка', cardPrefix: '27' });
    const again = await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: 'Till B' } });
    expect(again.statusCode).toBe(403);
    expect(again.json().code).toBe('enrolment_code_invalid');
  });

  it('rejects requests without a credential, with a wrong one, and after revocation', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/v1/pull/customers' });
    expect(none.statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url: '/api/v1/pull/customers', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    const t = await enrolTerminal();
    const auth = { authorization: `Bearer ${t.token}` };
    expect((await app.inject({ method: 'GET', url: '/api/v1/terminal', headers: auth })).statusCode).toBe(200);
    const revoke = await app.inject({ method: 'POST', url: `/api/v1/admin/terminals/${t.terminalId}/revoke`, headers: admin });
    expect(revoke.statusCode).toBe(200);
    const after = await app.inject({ method: 'GET', url: '/api/v1/terminal', headers: auth });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('credential_rejected');
  });

  it('keeps admin endpoints from terminals', async () => {
    const t = await enrolTerminal();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/enrolment-codes',
      headers: { authorization: `Bearer ${t.token}` },
      payload: { storeId: 2 },
    });
    expect(res.statusCode).toBe(401);
  });

  it('pages the customer cache to the end with a cursor, with display fields only', async () => {
    const t = await enrolTerminal();
    const auth = { authorization: `Bearer ${t.token}` };
    let cursor = '0';
    const seen = new Map<string, CustomerPage['items'][number]>();
    let pages = 0;
    for (;;) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/pull/customers?cursor=${cursor}&limit=100`, headers: auth });
      expect(res.statusCode).toBe(200);
      const page = CustomerPage.parse(res.json());
      page.items.forEach((c) => seen.set(c.id, c));
      cursor = page.cursor;
      pages++;
      if (!page.hasMore) break;
      expect(page.remaining).toBeGreaterThan(0);
    }
    expect(pages).toBe(3);
    expect(seen.size).toBe(250);
    const seven = seen.get('7')!;
    expect(seven.cards).toEqual([demoCardNumber(7)]);
    expect(seven.balance).toBe(demoBalance(7));
    expect(seven.maskedPhone).toBe('+7 *** ***-**-07');
    expect(seven.phoneKey).toBe(await phoneLookupKey(t.phoneSecrets![0]!, demoPhone(7)));
    expect(JSON.stringify([...seen.values()])).not.toContain('+7916');
  });

  it('looks up a customer by card and by phone key, and says 404 for an unknown one', async () => {
    const t = await enrolTerminal();
    const auth = { authorization: `Bearer ${t.token}` };
    const byCard = await app.inject({ method: 'GET', url: `/api/v1/lookup?card=${demoCardNumber(42)}`, headers: auth });
    expect(byCard.json().customer.id).toBe('42');
    const key = await phoneLookupKey(t.phoneSecrets![0]!, demoPhone(43));
    const byPhone = await app.inject({ method: 'GET', url: `/api/v1/lookup?phoneKey=${key}`, headers: auth });
    expect(byPhone.json().customer.id).toBe('43');
    const unknown = await app.inject({ method: 'GET', url: `/api/v1/lookup?card=${demoCardNumber(9999)}`, headers: auth });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('customer_not_found');
  });

  it('answers hostile or malformed requests with a 4xx and a reason, never a 5xx', async () => {
    const t = await enrolTerminal();
    const auth = { authorization: `Bearer ${t.token}` };
    const cases = [
      { method: 'GET' as const, url: '/api/v1/pull/customers?cursor=1;DROP TABLE customers', headers: auth },
      { method: 'GET' as const, url: '/api/v1/pull/customers?limit=99999999', headers: auth },
      { method: 'GET' as const, url: '/api/v1/lookup?card=abc', headers: auth },
      { method: 'GET' as const, url: '/api/v1/lookup', headers: auth },
      { method: 'POST' as const, url: '/api/v1/enrol', payload: '{"code":', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/api/v1/enrol', payload: { code: 'x'.repeat(5000), deviceName: 'x' } },
      { method: 'POST' as const, url: '/api/v1/enrol', payload: 'x'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'text/plain' } },
      { method: 'POST' as const, url: '/api/v1/admin/terminals/not-a-uuid/revoke', headers: admin },
      { method: 'GET' as const, url: '/api/v1/nothing-here' },
    ];
    for (const c of cases) {
      const res = await app.inject(c);
      expect(res.statusCode, c.url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, c.url).toBeLessThan(500);
      expect(typeof res.json().code).toBe('string');
      expect(typeof res.json().message).toBe('string');
    }
    const stillThere = await app.inject({ method: 'GET', url: '/api/v1/pull/customers?limit=1', headers: auth });
    expect(stillThere.statusCode).toBe(200);
  });
});
