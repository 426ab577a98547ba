import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse } from '../protocol/schemas';
import { buildApp } from './app';
import { SourceThrottle } from './sourceThrottle';
import { testDatabases } from './testing/databases';
import { admin, ADMIN, startTestServer, type TestServer } from './testing/fixtures';

describe('failures per source', () => {
  it('allows a burst of failures, then one per refill, per source; successes cost nothing', () => {
    let now = 0;
    const t = new SourceThrottle({ burst: 3, perSecond: 0.1 }, () => now);
    expect([t.wait('a'), t.failed('a'), t.failed('a')]).toEqual([null, null, null]);
    expect(t.failed('a')).toBe(10);
    expect(t.wait('a')).toBe(10);
    expect(t.wait('b')).toBeNull();
    now += 4_000;
    expect(t.wait('a')).toBe(6);
    now += 6_000;
    expect(t.wait('a')).toBeNull();
    expect(t.failed('a')).toBe(10);
  });
});

describe.each(testDatabases())('throttling failed credentials per source address on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  let now = 1_000_000;
  const ATTACKER = '203.0.113.7';
  const OTHER = '198.51.100.20';

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 5, sourceThrottle: new SourceThrottle({ burst: 3, perSecond: 0.01 }, () => now) });
    till = await s.enrol(1);
    const made = await s.inject({ method: 'POST', url: '/api/v1/admin/stores/1/managers', headers: admin, payload: { name: 'Ирина', pin: '86420' } });
    expect(made.statusCode).toBe(200);
  });
  afterAll(async () => {
    await s?.close();
  });

  const from = (remoteAddress: string, o: InjectOptions) => s.inject({ ...o, remoteAddress });
  const enrolmentCode = async () =>
    (await s.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 1 } })).json().code as string;

  it('answers 429 with Retry-After once a source has failed too often, and never slows a till with a valid token', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await from(ATTACKER, { method: 'GET', url: '/api/v1/terminal', headers: { authorization: `Bearer wrong-token-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const throttled = await from(ATTACKER, { method: 'GET', url: '/api/v1/terminal', headers: { authorization: 'Bearer wrong-token-x' } });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().code).toBe('too_many_failures');
    expect(Number(throttled.headers['retry-after'])).toBe(100);

    // The store's till behind the same address keeps working.
    for (let i = 0; i < 20; i++) {
      expect((await from(ATTACKER, { method: 'GET', url: '/api/v1/terminal', headers: { authorization: `Bearer ${till.token}` } })).statusCode).toBe(200);
    }
    // Another address is not affected.
    expect((await from(OTHER, { method: 'GET', url: '/api/v1/terminal', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
  });

  it('refuses guessable secrets unchecked while throttled: enrolment codes, manager PINs, the admin token', async () => {
    const code = await enrolmentCode();
    const enrol = (address: string) => from(address, { method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: 'Касса 9' } });
    const refused = await enrol(ATTACKER);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('too_many_failures');
    // Not even looked at: the code is still good from elsewhere.
    expect((await enrol(OTHER)).statusCode).toBe(200);

    const pin = await from(ATTACKER, {
      method: 'POST',
      url: '/api/v1/manager/session',
      headers: { authorization: `Bearer ${till.token}` },
      payload: { pin: '86420' },
    });
    expect(pin.statusCode).toBe(429);
    expect(pin.json().code).toBe('too_many_failures');
    const [{ n } = { n: -1 }] = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM manager_unlock_attempts');
    expect(n).toBe(0);

    const adm = await from(ATTACKER, { method: 'GET', url: '/api/v1/admin/exceptions', headers: admin });
    expect(adm.statusCode).toBe(429);
    expect((await from(OTHER, { method: 'GET', url: '/api/v1/admin/exceptions', headers: admin })).statusCode).toBe(200);
  });

  it('counts wrong enrolment codes, manager PINs and manager tokens too, and lets the source try again after the wait', async () => {
    const source = '192.0.2.44';
    const wrongCode = await from(source, { method: 'POST', url: '/api/v1/enrol', payload: { code: 'AAAAA-BBBBB', deviceName: 'x' } });
    expect(wrongCode.json().code).toBe('enrolment_code_invalid');
    const wrongPin = await from(source, {
      method: 'POST',
      url: '/api/v1/manager/session',
      headers: { authorization: `Bearer ${till.token}` },
      payload: { pin: '1111' },
    });
    expect(wrongPin.json().code).toBe('manager_credential_rejected');
    const wrongManager = await from(source, {
      method: 'GET',
      url: '/api/v1/manager/figures',
      headers: { authorization: `Bearer ${till.token}`, 'x-manager-token': 'Z'.repeat(43) },
    });
    expect(wrongManager.json().code).toBe('manager_session_invalid');
    const fourth = await from(source, {
      method: 'POST',
      url: '/api/v1/manager/session',
      headers: { authorization: `Bearer ${till.token}` },
      payload: { pin: '86420' },
    });
    expect(fourth.statusCode).toBe(429);

    now += 100_000; // one failure's worth of refill
    const signed = await from(source, {
      method: 'POST',
      url: '/api/v1/manager/session',
      headers: { authorization: `Bearer ${till.token}` },
      payload: { pin: '86420' },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    await s.db.query('DELETE FROM manager_unlock_attempts');
  });

  it('takes the source from X-Forwarded-For only from a trusted proxy', async () => {
    const clock = 0;
    const app = await buildApp({
      db: s.db,
      adminToken: ADMIN,
      trustProxy: ['127.0.0.1'],
      sourceThrottle: new SourceThrottle({ burst: 1, perSecond: 0.01 }, () => clock),
    });
    try {
      const wrong = (forwarded: string, remoteAddress = '127.0.0.1') =>
        app.inject({ method: 'GET', url: '/api/v1/terminal', remoteAddress, headers: { authorization: 'Bearer nope', 'x-forwarded-for': forwarded } });
      expect((await wrong('198.51.100.1')).statusCode).toBe(401);
      expect((await wrong('198.51.100.1')).statusCode).toBe(429);
      expect((await wrong('198.51.100.2')).statusCode).toBe(401);
      // From an untrusted peer the header is ignored: the peer is the source.
      expect((await wrong('198.51.100.3', '203.0.113.50')).statusCode).toBe(401);
      expect((await wrong('198.51.100.4', '203.0.113.50')).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });
});
