import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentHistory, ConsentText } from '../protocol/consents';
import type { EnrolResponse } from '../protocol/schemas';
import { consentChange, DAY, registration } from './testing/events';
import { testDatabases } from './testing/databases';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('152-FZ consents on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  let customerId: string;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 10 });
    till = await s.enrol(1);
    const [r] = await s.push(till.token, [registration({ phone: '+79995552001', at: new Date(Date.now() - 60_000) })]);
    customerId = r?.status === 'applied' ? r.result.customerId! : '';
    expect(customerId).not.toBe('');
  });
  afterAll(async () => {
    await s?.close();
  });

  const history = async (id: string) => s.inject({ method: 'GET', url: `/api/v1/admin/customers/${id}/consents`, headers: admin });

  it('keeps consent records append-only in the database: no UPDATE, DELETE or TRUNCATE', async () => {
    const [{ n } = { n: 0 }] = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consents WHERE customer_id = $1', [customerId]);
    expect(n).toBeGreaterThan(0);
    for (const sql of [
      'UPDATE consents SET granted = NOT granted WHERE customer_id = $1',
      "UPDATE consents SET text_version = 'forged' WHERE customer_id = $1",
      'DELETE FROM consents WHERE customer_id = $1',
    ]) {
      await expect(s.db.query(sql, [customerId]), sql).rejects.toThrow(/append-only/);
    }
    await expect(s.db.exec('TRUNCATE consents CASCADE')).rejects.toThrow(/append-only/);
    const [{ after } = { after: 0 }] = await s.db.query<{ after: number }>('SELECT count(*)::int AS after FROM consents WHERE customer_id = $1', [customerId]);
    expect(after).toBe(n);
  });

  it("gives head office a customer's whole consent history and the decisions in force", async () => {
    // registration(): personal data granted, sms granted, email refused; then sms withdrawn.
    const [w] = await s.push(till.token, [consentChange(customerId, 'sms', false)]);
    expect(w?.status).toBe('applied');
    const res = await history(customerId);
    expect(res.statusCode, res.body).toBe(200);
    const h = ConsentHistory.parse(res.json());
    expect(h.customerId).toBe(customerId);
    expect(h.items.map((i) => [i.purpose, i.channel, i.granted])).toEqual([
      ['personal_data', null, true],
      ['marketing', 'sms', true],
      ['marketing', 'email', false],
      ['marketing', 'sms', false],
    ]);
    expect(h.items.every((i) => i.source === 'till' && i.terminalId === till.terminalId && i.givenAt !== null)).toBe(true);
    const current = Object.fromEntries(h.current.map((i) => [`${i.purpose}/${i.channel ?? ''}`, i.granted]));
    expect(current).toEqual({ 'personal_data/': true, 'marketing/sms': false, 'marketing/email': false });

    expect((await history('999999')).json().code).toBe('customer_not_found');
    expect((await history('abc')).statusCode).toBe(400);
    const asTill = await s.inject({ method: 'GET', url: `/api/v1/admin/customers/${customerId}/consents`, headers: { authorization: `Bearer ${till.token}` } });
    expect(asTill.statusCode).toBe(401);
  });

  it('takes consents only to published text versions, given after publication', async () => {
    const texts = async () =>
      ConsentText.array().parse((await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/consent-texts', headers: admin })).json().texts);
    expect((await texts()).map((t) => `${t.purpose}/${t.version}`).sort()).toEqual(['marketing/mk-2025-01', 'personal_data/pd-2025-01']);

    const newVersion = (at: Date, when = new Date()) => {
      const ev = consentChange(customerId, 'push', true);
      return { ...ev, occurredAt: when.toISOString(), consent: { ...ev.consent, textVersion: 'mk-2026-02', givenAt: at.toISOString() } };
    };
    const publishedAt = new Date(Date.now() - 2 * DAY).toISOString();
    const [early] = await s.push(till.token, [newVersion(new Date())]);
    expect(early?.status === 'rejected' && early.code).toBe('consent_version_unknown');

    const put = (body: unknown) => s.inject({ method: 'PUT', url: '/api/v1/admin/chains/1/consent-texts/mk-2026-02', headers: admin, payload: body as object });
    const made = await put({ purpose: 'marketing', publishedAt });
    expect(made.statusCode, made.body).toBe(201);
    expect(ConsentText.parse(made.json())).toEqual({ purpose: 'marketing', version: 'mk-2026-02', publishedAt });
    expect((await put({ purpose: 'marketing', publishedAt })).statusCode).toBe(200);
    const moved = await put({ purpose: 'marketing', publishedAt: new Date().toISOString() });
    expect(moved.statusCode).toBe(409);
    expect(moved.json().code).toBe('consent_text_exists');
    expect((await put({ purpose: 'profiling' })).statusCode).toBe(400);
    expect(
      (await s.inject({ method: 'PUT', url: '/api/v1/admin/chains/1/consent-texts/bad%20version', headers: admin, payload: { purpose: 'marketing' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (await s.inject({ method: 'PUT', url: '/api/v1/admin/chains/77/consent-texts/v1', headers: admin, payload: { purpose: 'marketing' } })).json().code,
    ).toBe('chain_not_found');

    // Given before the text existed: refused. After: recorded.
    const beforePublished = new Date(Date.parse(publishedAt) - 2 * DAY);
    const [backdated, fine] = await s.push(till.token, [newVersion(beforePublished, beforePublished), newVersion(new Date())]);
    expect(backdated?.status === 'rejected' && backdated.code).toBe('consent_time_out_of_range');
    expect(fine?.status).toBe('applied');
    // A personal-data consent cannot use a marketing text.
    const wrongPurpose = { ...registration({ phone: '+79995552002' }), eventId: randomUUID() };
    wrongPurpose.consents = wrongPurpose.consents.map((c) => ({ ...c, textVersion: 'mk-2026-02' }));
    const [wp] = await s.push(till.token, [wrongPurpose]);
    expect(wp?.status === 'rejected' && wp.code).toBe('consent_version_unknown');
  });
});
