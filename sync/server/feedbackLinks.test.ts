import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoCardNumber } from './demoSeed';
import { newFeedbackToken } from '../client/feedbackLink';
import { PushResponse, type FeedbackEvent, type SaleEvent } from '../protocol/events';
import { StoreFeedback } from '../protocol/feedback';
import type { EnrolResponse } from '../protocol/schemas';
import { buildApp } from './app';
import type { Database } from './db/database';
import { seedDemo } from './demoSeed';
import { chainsWithDueFeedbackSms, sendDueFeedbackSms } from './feedbackLinks';
import { SmsGatewayError } from './sms/smsGateway';
import { FakeSmsGateway } from './sms/testing/fakeSmsProvider';
import { testDatabases } from './testing/databases';
import { line, sale } from './testing/events';
import { ADMIN, admin } from './testing/fixtures';

const BASE = 'https://fb.example.ru';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const FORM = { ...HTML, 'content-type': 'application/x-www-form-urlencoded' };

/** Issue 16: feedback by the receipt's link (QR code) or an SMS link: one answer per receipt, by store and cashier. */
describe.each(testDatabases())('feedback links ($name)', ({ open }) => {
  let db: Database;
  let app: FastifyInstance;
  let till: EnrolResponse;
  const sms = new FakeSmsGateway();
  const bearer = () => ({ authorization: `Bearer ${till.token}` });
  const push = async (events: unknown[]) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/push', headers: bearer(), payload: { events } });
    expect(res.statusCode, res.body).toBe(200);
    return PushResponse.parse(res.json()).results;
  };
  const sold = (customerId: string | null, token = newFeedbackToken()): SaleEvent => ({
    ...sale({ customerId, lines: [line(1)], ...(customerId ? { identity: { via: 'card', card: demoCardNumber(Number(customerId)) } } : {}) }).event,
    feedbackToken: token,
  });
  const open_ = (token: string, headers: Record<string, string> = HTML, query = '') => app.inject({ method: 'GET', url: `/f/${token}${query}`, headers });
  const answer = (token: string, form: Record<string, string>, headers: Record<string, string> = FORM) =>
    app.inject({ method: 'POST', url: `/f/${token}`, headers, payload: new URLSearchParams(form).toString() });
  const consentSms = async (customerId: number, granted: boolean) => {
    for (const [purpose, channel] of [
      ['personal_data', null],
      ['marketing', 'sms'],
    ] as const)
      await db.query(
        `INSERT INTO consents (customer_id, purpose, channel, granted, text_version, source, given_at) VALUES ($1, $2, $3, $4, $5, 'test', now())`,
        [customerId, purpose, channel, purpose === 'personal_data' ? true : granted, purpose === 'personal_data' ? 'pd-2025-01' : 'mk-2025-01'],
      );
  };
  const setDesk = async (feedbackLink: object | undefined) => {
    const res = await app.inject({ method: 'PUT', url: '/api/v1/admin/chains/1/desk-settings', headers: admin, payload: feedbackLink ? { feedbackLink } : {} });
    expect(res.statusCode, res.body).toBe(200);
  };

  beforeAll(async () => {
    db = await open();
    await seedDemo(db, 12);
    app = await buildApp({
      db,
      adminToken: ADMIN,
      rateLimit: { burst: 100_000, perSecond: 100_000 },
      sourceThrottle: { burst: 100_000, perSecond: 100_000 },
      phoneCodes: { fallback: sms },
    });
    const c = await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 1 } });
    till = (await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code: c.json().code, deviceName: 'Till 1' } })).json();
    await setDesk({ baseUrl: BASE, sms: true });
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await db.close();
  });
  beforeEach(() => {
    sms.sent.length = 0;
    sms.failWith = null;
  });

  it('before the sale reaches the server the link says so (404); then the form; one answer per receipt, counted once in the manager figures', async () => {
    const ev = sold(null);
    const token = ev.feedbackToken!;
    const early = await open_(token);
    expect(early.statusCode).toBe(404);
    expect(early.headers['content-type']).toMatch(/text\/html/);
    expect(early.body).toContain('Чек ещё не дошёл до сервера, попробуйте позже');
    expect((await answer(token, { visit: '5', cashier: '5' })).statusCode).toBe(404);

    expect((await push([ev]))[0]?.status).toBe('applied');
    const form = await open_(token);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Как вас обслужил кассир?');
    expect(form.body).toContain('Ромашка, Тверская 1');
    expect(form.body).not.toMatch(/<script|https?:\/\/(?!fb)/);
    expect(form.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await open_(token, { ...HTML, 'accept-language': 'en-GB,en;q=0.9' })).body).toContain('How did the cashier serve you?');
    expect((await open_(token, HTML, '?lang=en')).body).toContain('Rate your purchase');

    const missing = await answer(token, { visit: '5' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Поставьте оценки визиту и кассиру');
    const sent = await answer(token, { visit: '4', cashier: '5', comment: '  Быстро и вежливо  ' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.body).toContain('Спасибо');
    const again = await answer(token, { visit: '1', cashier: '1' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Вы уже оценили эту покупку');
    expect((await open_(token)).body).toContain('Вы уже оценили эту покупку');

    // The till's screen rating of the same receipt, pushed later, is acknowledged and not counted again.
    const screen: FeedbackEvent = { eventId: randomUUID(), occurredAt: new Date().toISOString(), type: 'feedback', receiptId: ev.sale.receiptId, rating: 1 };
    expect((await push([screen]))[0]?.status).toBe('applied');
    const rows = await db.query<{ rating: number; cashier_rating: number; comment: string; channel: string; store_id: number }>(
      'SELECT rating, cashier_rating, comment, channel, store_id FROM feedback WHERE receipt_id = $1',
      [ev.sale.receiptId],
    );
    expect(rows).toEqual([{ rating: 4, cashier_rating: 5, comment: 'Быстро и вежливо', channel: 'link', store_id: 1 }]);

    const pin = await app.inject({ method: 'POST', url: '/api/v1/admin/stores/1/managers', headers: admin, payload: { name: 'Ирина', pin: '97531' } });
    expect(pin.statusCode, pin.body).toBe(200);
    const session = await app.inject({ method: 'POST', url: '/api/v1/manager/session', headers: bearer(), payload: { pin: '97531' } });
    const figures = await app.inject({
      method: 'GET',
      url: '/api/v1/manager/feedback',
      headers: { ...bearer(), 'x-manager-token': session.json().token },
    });
    expect(figures.statusCode, figures.body).toBe(200);
    const f = StoreFeedback.parse(figures.json());
    expect(f.store.answers).toBe(1);
    expect(f.store.averageHundredths).toBe(400);
    // The cashier's score takes the cashier's rating.
    expect(f.cashiers).toEqual([expect.objectContaining({ cashierId: null, answers: 1, averageHundredths: 500 })]);
  });

  it('an unknown or malformed link is a clear Russian 404 page, JSON for an API client; hostile forms never a 5xx', async () => {
    const malformed = await open_('..%2F..%2Fetc');
    expect(malformed.statusCode).toBe(404);
    expect(malformed.body).toContain('Ссылка не найдена');
    const unknown = await open_(newFeedbackToken());
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Чек ещё не дошёл до сервера');
    const api = await open_(newFeedbackToken(), {});
    expect(api.statusCode).toBe(404);
    expect(api.json().code).toBe('feedback_link_unknown');

    const ev = sold(null);
    await push([ev]);
    const token = ev.feedbackToken!;
    const card = await answer(token, { visit: '5', cashier: '5', comment: 'карта 4111 1111 1111 1111' });
    expect(card.statusCode).toBe(400);
    expect(card.body).not.toContain('4111');
    expect((await answer(token, { visit: '5', cashier: '5', comment: 'x'.repeat(501) })).body).toContain('Комментарий длиннее 500 знаков');
    const script = await answer(token, { visit: '9', cashier: '5', comment: '<script>alert(1)</script>' });
    expect(script.statusCode).toBe(400);
    expect(script.body).not.toContain('<script>');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(token), fc.string({ maxLength: 40 }).map(encodeURIComponent)),
        fc.dictionary(
          fc.constantFrom('visit', 'cashier', 'comment', 'lang', '__proto__'),
          fc.oneof(fc.string({ maxLength: 600 }), fc.constantFrom('1', '5', '0', '6', '5.0')),
        ),
        fc.constantFrom(FORM, { 'content-type': 'application/json' }, { ...HTML, 'content-type': 'text/plain' }),
        async (t, form, headers) => {
          const body = headers['content-type'] === 'application/json' ? JSON.stringify(form) : new URLSearchParams(form).toString();
          const res = await app.inject({ method: 'POST', url: `/f/${t || 'x'}`, headers, payload: body });
          expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    // At most one answer was kept for the receipt, whatever came.
    const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback WHERE receipt_id = $1', [ev.sale.receiptId]);
    expect(Number(n!.n)).toBeLessThanOrEqual(1);
  });

  it('sends the link by SMS once per receipt, only to a customer who consented, retried after a failure', async () => {
    await consentSms(3, true);
    await consentSms(4, false);
    const consented = sold('3');
    const refused = sold('4');
    const results = await push([consented, refused, sold(null)]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const [phone3] = await db.query<{ phone_e164: string }>('SELECT phone_e164 FROM customers WHERE id = 3');
    expect(sms.sent).toEqual([{ to: phone3!.phone_e164, text: `Спасибо за покупку! Оцените визит и кассира: ${BASE}/f/${consented.feedbackToken}` }]);
    // The till did not hear the answer and pushes again: no second SMS.
    expect((await push([consented]))[0]?.status).toBe('duplicate');
    expect(await sendDueFeedbackSms({ db, gatewayOf: () => sms, fallback: sms }, 1)).toBe(0);
    expect(sms.sent).toHaveLength(1);

    // The provider is down: the SMS waits, and goes once when it answers again.
    sms.failWith = new SmsGatewayError('down', true);
    const later = sold('3');
    await push([later]);
    expect(sms.sent).toHaveLength(1);
    const [state] = await db.query<{ sms_state: string; sms_attempts: number }>('SELECT sms_state, sms_attempts FROM feedback_links WHERE token = $1', [
      later.feedbackToken,
    ]);
    expect(state).toEqual({ sms_state: 'due', sms_attempts: 1 });
    sms.failWith = null;
    // Not due before its pause is over; then the scheduled retry finds the chain.
    expect(await chainsWithDueFeedbackSms(db)).toEqual([]);
    await db.query(`UPDATE feedback_links SET sms_next_at = now() WHERE token = $1`, [later.feedbackToken]);
    expect(await chainsWithDueFeedbackSms(db)).toEqual([1]);
    expect(await sendDueFeedbackSms({ db, gatewayOf: () => sms, fallback: sms }, 1)).toBe(1);
    expect(await sendDueFeedbackSms({ db, gatewayOf: () => sms, fallback: sms }, 1)).toBe(0);
    expect(sms.sent.map((m) => m.text)).toEqual([expect.stringContaining(consented.feedbackToken!), expect.stringContaining(later.feedbackToken!)]);

    // SMS off for the chain (the default): the link is still printed, no SMS.
    await setDesk({ baseUrl: BASE });
    await push([sold('3')]);
    expect(sms.sent).toHaveLength(2);
    await setDesk({ baseUrl: BASE, sms: true });
  });
});
