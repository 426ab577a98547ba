import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse } from '../protocol/schemas';
import { buildApp } from './app';
import { demoPhone, seedDemo } from './demoSeed';
import { FakeSmsGateway, startFakeSmsProvider } from './sms/testing/fakeSmsProvider';
import { SmsGatewayError } from './sms/smsGateway';
import { testDatabases } from './testing/databases';
import { admin, ADMIN } from './testing/fixtures';
import type { Database } from './db/database';

describe.each(testDatabases())('SMS one-time codes on $name', ({ open }) => {
  let db: Database;
  let app: FastifyInstance;
  let till: EnrolResponse;
  let other: EnrolResponse;
  const sms = new FakeSmsGateway();
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const settings = { ttlSeconds: 300, maxAttempts: 3, resendAfterSeconds: 60, perPhonePerHour: 4, perTerminalPerHour: 12, confirmationTtlSeconds: 600 };
  const bearer = (t: EnrolResponse) => ({ authorization: `Bearer ${t.token}` });
  const send = (t: EnrolResponse, payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/v1/phone-codes', headers: bearer(t), payload: payload as object });
  const verify = (t: EnrolResponse, id: string, code: unknown) =>
    app.inject({ method: 'POST', url: `/api/v1/phone-codes/${id}/verify`, headers: bearer(t), payload: { code } as object });
  const enrol = async (storeId: number, name: string): Promise<EnrolResponse> => {
    const c = await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId } });
    return (await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code: c.json().code, deviceName: name } })).json();
  };
  const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  beforeAll(async () => {
    db = await open();
    await seedDemo(db, 60);
    app = await buildApp({
      db,
      adminToken: ADMIN,
      rateLimit: { burst: 100_000, perSecond: 100_000 },
      sourceThrottle: { burst: 100_000, perSecond: 100_000 },
      phoneCodes: { fallback: sms, settings, now: () => clock },
    });
    till = await enrol(1, 'Till 1');
    other = await enrol(1, 'Till 2');
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('sends six digits to the customer’s own phone, keeps only a hash, and a right code gives a confirmation once', async () => {
    const res = await send(till, { purpose: 'spend', customerId: '7' });
    expect(res.statusCode, res.body).toBe(200);
    const sent = res.json();
    expect(sent).toMatchObject({ customerId: '7', maskedPhone: expect.stringMatching(/07$/), attempts: 3, resendAfterSeconds: 60 });
    expect(sms.sent.at(-1)!.to).toBe(demoPhone(7));
    const code = sms.lastCode(demoPhone(7))!;
    expect(code).toMatch(/^\d{6}$/);
    const stored = await db.query<{ code_hash: string }>('SELECT code_hash FROM phone_codes WHERE id = $1', [sent.challengeId]);
    expect(JSON.stringify(stored)).not.toContain(code);
    // Another till cannot use the code sent for this one.
    expect((await verify(other, sent.challengeId, code)).json().code).toBe('phone_code_unknown');
    const ok = await verify(till, sent.challengeId, code);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ customerId: '7', purpose: 'spend', confirmation: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect((await verify(till, sent.challengeId, code)).json().code).toBe('phone_code_used');
  });

  it('refuses a code after its attempts, with the tries left on each wrong one', async () => {
    clock += 3_600_000;
    const sent = (await send(till, { purpose: 'spend', customerId: '8' })).json();
    const code = sms.lastCode(demoPhone(8))!;
    const first = await verify(till, sent.challengeId, wrongOf(code));
    expect(first.statusCode).toBe(422);
    expect(first.json()).toMatchObject({ code: 'phone_code_wrong', details: { attemptsLeft: 2 } });
    expect((await verify(till, sent.challengeId, wrongOf(code))).json()).toMatchObject({ code: 'phone_code_wrong', details: { attemptsLeft: 1 } });
    const last = await verify(till, sent.challengeId, wrongOf(code));
    expect(last.statusCode).toBe(429);
    expect(last.json().code).toBe('phone_code_attempts_exhausted');
    // The right code is refused too, now: the attempts are spent.
    expect((await verify(till, sent.challengeId, code)).json().code).toBe('phone_code_attempts_exhausted');
  });

  it('refuses an expired code', async () => {
    clock += 3_600_000;
    const sent = (await send(till, { purpose: 'spend', customerId: '9' })).json();
    const code = sms.lastCode(demoPhone(9))!;
    clock += 301_000;
    const res = await verify(till, sent.challengeId, code);
    expect(res.statusCode).toBe(410);
    expect(res.json().code).toBe('phone_code_expired');
  });

  it('throttles resends to a phone, codes per phone per hour and per till per hour', async () => {
    clock += 3_600_000;
    expect((await send(till, { purpose: 'spend', customerId: '10' })).statusCode).toBe(200);
    const again = await send(other, { purpose: 'spend', customerId: '10' });
    expect(again.statusCode).toBe(429);
    expect(again.json().code).toBe('phone_code_resend_too_soon');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      clock += 61_000;
      expect((await send(till, { purpose: 'spend', customerId: '10' })).statusCode).toBe(200);
    }
    clock += 61_000;
    expect((await send(till, { purpose: 'spend', customerId: '10' })).json().code).toBe('phone_code_phone_limit');
    // The till: 12 an hour, whatever the phones.
    clock += 3_600_000;
    for (let n = 20; n < 32; n++) expect((await send(till, { purpose: 'spend', customerId: String(n) })).statusCode).toBe(200);
    const limited = await send(till, { purpose: 'spend', customerId: '40' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('phone_code_till_limit');
    expect((await send(other, { purpose: 'spend', customerId: '40' })).statusCode).toBe(200);
  });

  it('sends a registration’s code to the customer who has the phone, and says when nobody has it', async () => {
    clock += 3_600_000;
    const res = await send(till, { purpose: 'register', phone: demoPhone(11) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ customerId: '11' });
    const none = await send(till, { purpose: 'register', phone: '+79990001122' });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('phone_not_registered');
  });

  it('withdraws a code the gateway could not send, so it neither counts nor can be guessed', async () => {
    clock += 3_600_000;
    sms.failWith = new SmsGatewayError('down', true);
    const res = await send(till, { purpose: 'spend', customerId: '12' });
    sms.failWith = null;
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('sms_unavailable');
    expect((await send(till, { purpose: 'spend', customerId: '12' })).statusCode).toBe(200);
  });

  it('answers hostile and malformed requests with a 4xx and a code', async () => {
    clock += 3_600_000;
    const bodies: unknown[] = [
      {},
      { purpose: 'spend' },
      { purpose: 'spend', customerId: '0' },
      { purpose: 'spend', customerId: '99999999999999999999' },
      { purpose: 'spend', customerId: 7 },
      { purpose: 'register', phone: '89161234567' },
      { purpose: 'register', phone: '+7916\u0000' },
      { purpose: 'spend', customerId: '7', extra: 1 },
      { purpose: 'steal', customerId: '7' },
      [],
      'x',
    ];
    for (const b of bodies) {
      const r = await send(till, b);
      expect(r.statusCode, JSON.stringify(b)).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, JSON.stringify(b)).toBeLessThan(500);
      expect(typeof r.json().code).toBe('string');
    }
    expect((await send(till, { purpose: 'spend', customerId: '999999' })).json().code).toBe('customer_not_found');
    const sent = (await send(till, { purpose: 'spend', customerId: '13' })).json();
    for (const code of ['12345', '1234567', 'abcdef', 123456, null, '１２３４５６', "1' OR 1=1"]) {
      const r = await verify(till, sent.challengeId, code);
      expect(r.statusCode, String(code)).toBe(400);
    }
    expect((await verify(till, 'not-a-uuid', '123456')).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/v1/phone-codes', payload: { purpose: 'spend', customerId: '7' } })).statusCode).toBe(401);
  });

  it('sends through the chain’s configured HTTP provider; the token is never answered', async () => {
    clock += 3_600_000;
    const provider = await startFakeSmsProvider({ token: 'provider-token-123' });
    try {
      const bad = await app.inject({
        method: 'PUT',
        url: '/api/v1/admin/chains/1/sms-gateway',
        headers: admin,
        payload: { kind: 'http', url: 'http://example.com/send', token: 'x' },
      });
      expect(bad.statusCode).toBe(400);
      const put = await app.inject({
        method: 'PUT',
        url: '/api/v1/admin/chains/1/sms-gateway',
        headers: admin,
        payload: { kind: 'http', url: provider.url, token: provider.token, sender: 'Romashka' },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.body).not.toContain(provider.token);
      const sent = (await send(till, { purpose: 'spend', customerId: '14' })).json();
      expect(provider.messages.at(-1)!.to).toBe(demoPhone(14));
      expect((await verify(till, sent.challengeId, provider.lastCode(demoPhone(14)))).statusCode).toBe(200);
      // A wrong token at the provider: the code is not sent, and the till hears so.
      await db.query(`UPDATE sms_gateways SET config = jsonb_set(config, '{token}', '"wrong-token-1"') WHERE chain_id = 1`);
      clock += 61_000;
      const refused = await send(till, { purpose: 'spend', customerId: '15' });
      expect(refused.statusCode).toBe(503);
      expect(refused.json().code).toBe('sms_unavailable');
    } finally {
      await db.query('DELETE FROM sms_gateways');
      await provider.close();
    }
  });
});
