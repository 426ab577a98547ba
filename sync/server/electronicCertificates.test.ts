import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTIFICATE_CATEGORY } from '../../core/engine';
import { certificateProductId } from '../../core/loyalty/certificates';
import { PushResponse } from '../protocol/events';
import type { EnrolResponse } from '../protocol/schemas';
import { buildApp } from './app';
import type { Database } from './db/database';
import { seedDemo } from './demoSeed';
import { runLedgerJobs } from './jobs';
import { SmsGatewayError } from './sms/smsGateway';
import { FakeSmsGateway } from './sms/testing/fakeSmsProvider';
import { testDatabases } from './testing/databases';
import { sale } from './testing/events';
import { ADMIN, admin } from './testing/fixtures';

/** Issue 16: an electronic certificate is issued to a phone on demand and its code goes by SMS once, when its sale is pushed. */
describe.each(testDatabases())('electronic gift certificates ($name)', ({ open }) => {
  let db: Database;
  let app: FastifyInstance;
  let till: EnrolResponse;
  const sms = new FakeSmsGateway();
  const bearer = () => ({ authorization: `Bearer ${till.token}` });
  const issue = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/certificates/electronic', headers: bearer(), payload });
  const push = async (events: unknown[]) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/push', headers: bearer(), payload: { events } });
    expect(res.statusCode, res.body).toBe(200);
    return PushResponse.parse(res.json()).results;
  };
  const sold = (code: string, nominal: number) =>
    sale({
      customerId: null,
      lines: [
        {
          lineId: 'ec',
          productId: certificateProductId(code),
          categories: [CERTIFICATE_CATEGORY],
          unitPriceKopecks: nominal,
          quantityMilli: 1000,
          weighed: false,
        },
      ],
    }).event;
  const phoneOf = async (code: string) =>
    (await db.query<{ phone_e164: string | null }>('SELECT phone_e164 FROM gift_certificates WHERE code = $1', [code]))[0]?.phone_e164;

  beforeAll(async () => {
    db = await open();
    await seedDemo(db, 3);
    app = await buildApp({
      db,
      adminToken: ADMIN,
      rateLimit: { burst: 100_000, perSecond: 100_000 },
      sourceThrottle: { burst: 100_000, perSecond: 100_000 },
      phoneCodes: { fallback: sms },
    });
    const c = await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 1 } });
    till = (await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code: c.json().code, deviceName: 'Till 1' } })).json();
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('issued unsold with the phone; the push that sells it sends the code by SMS once, even pushed again, and forgets the phone', async () => {
    const res = await issue({ nominalKopecks: 150_000, phone: '+79161234567' });
    expect(res.statusCode, res.body).toBe(200);
    const cert = res.json<{ code: string; state: string; nominalKopecks: number }>();
    expect(cert).toMatchObject({ state: 'issued', nominalKopecks: 150_000 });
    expect(await phoneOf(cert.code)).toBe('+79161234567');
    expect(sms.sent).toHaveLength(0);

    const ev = sold(cert.code, 150_000);
    expect((await push([ev]))[0]?.status).toBe('applied');
    expect(sms.sent).toEqual([{ to: '+79161234567', text: expect.stringContaining(cert.code) }]);
    expect(sms.sent[0]!.text).toContain('1500 ₽');
    expect(await phoneOf(cert.code)).toBeNull();

    // The till did not hear the answer and pushes the sale again: no second SMS.
    expect((await push([ev]))[0]?.status).toBe('duplicate');
    expect(sms.sent).toHaveLength(1);
    const seen = await app.inject({ method: 'GET', url: `/api/v1/certificates/${cert.code}`, headers: bearer() });
    expect(seen.json()).toMatchObject({ state: 'active', balanceKopecks: 150_000 });
  });

  it('an SMS the provider refuses keeps the phone and goes with the next push that sells a certificate', async () => {
    sms.sent.length = 0;
    const first = (await issue({ nominalKopecks: 50_000, phone: '+79161234568' })).json<{ code: string }>();
    sms.failWith = new SmsGatewayError('down', true);
    expect((await push([sold(first.code, 50_000)]))[0]?.status).toBe('applied');
    expect(sms.sent).toHaveLength(0);
    expect(await phoneOf(first.code)).toBe('+79161234568');
    sms.failWith = null;
    const second = (await issue({ nominalKopecks: 70_000, phone: '+79161234569' })).json<{ code: string }>();
    await push([sold(second.code, 70_000)]);
    expect(sms.sent.map((m) => m.to).sort()).toEqual(['+79161234568', '+79161234569']);
  });

  it('forgets the phone of a certificate never sold after 30 days, with the ledger jobs; a late sale still activates it', async () => {
    const kept = (await issue({ nominalKopecks: 70_000, phone: '+79161234570' })).json<{ code: string }>();
    const abandoned = (await issue({ nominalKopecks: 80_000, phone: '+79161234571' })).json<{ code: string }>();
    await db.query(`UPDATE gift_certificates SET created_at = now() - interval '31 days' WHERE code = $1`, [abandoned.code]);
    await db.query(`UPDATE gift_certificates SET created_at = now() - interval '29 days' WHERE code = $1`, [kept.code]);
    const jobs = await runLedgerJobs(db);
    expect(jobs.certificatePhonesForgotten).toBe(1);
    expect(await phoneOf(abandoned.code)).toBeNull();
    expect(await phoneOf(kept.code)).toBe('+79161234570');
    // Its sale arrives at last: the certificate works, only no SMS can go.
    const before = sms.sent.length;
    expect((await push([sold(abandoned.code, 80_000)]))[0]?.status).toBe('applied');
    expect(sms.sent).toHaveLength(before);
    const seen = await app.inject({ method: 'GET', url: `/api/v1/certificates/${abandoned.code}`, headers: bearer() });
    expect(seen.json()).toMatchObject({ state: 'active', balanceKopecks: 80_000 });
  });

  it('refuses a phone that is not a real number, or no nominal', async () => {
    expect((await issue({ nominalKopecks: 50_000, phone: '+70001234567' })).json()).toMatchObject({ code: 'invalid_certificate' });
    expect((await issue({ phone: '+79161234567' })).statusCode).toBe(400);
  });
});
