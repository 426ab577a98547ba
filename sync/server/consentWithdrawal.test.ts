import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentHistory } from '../protocol/consents';
import type { EnrolResponse } from '../protocol/schemas';
import { consentChange, registration } from './testing/events';
import { testDatabases } from './testing/databases';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('152-FZ consent withdrawal on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 5 });
    till = await s.enrol(1);
  });
  afterAll(async () => {
    await s?.close();
  });

  const register = async (phone: string, email?: string) => {
    const [r] = await s.push(till.token, [registration({ phone, email, card: undefined, at: new Date(Date.now() - 60_000) })]);
    if (r?.status !== 'applied') throw new Error(`registration: ${JSON.stringify(r)}`);
    return r.result.customerId!;
  };
  const withdraw = (id: string, body: unknown) =>
    s.inject({ method: 'POST', url: `/api/v1/admin/customers/${id}/consents/withdraw`, headers: admin, payload: body as object });
  const exported = async (channel: string) =>
    (await s.inject({ method: 'GET', url: `/api/v1/admin/chains/1/export/customers?channel=${channel}`, headers: admin })).body;
  const pulled = async (id: string) => {
    let cursor = '0';
    let found: { deleted: boolean; firstName: string; maskedPhone: string | null; phoneKey: string | null } | undefined;
    for (;;) {
      const page = (
        await s.inject({ method: 'GET', url: `/api/v1/pull/customers?cursor=${cursor}&limit=1000`, headers: { authorization: `Bearer ${till.token}` } })
      ).json();
      found = page.items.find((c: { id: string }) => c.id === id) ?? found;
      if (!page.hasMore) return found;
      cursor = page.cursor;
    }
  };

  it('head office withdraws one marketing channel: recorded as a decision of its own, and the customer leaves that mailing list', async () => {
    const id = await register('+79995553101');
    expect(await exported('sms')).toContain('+79995553101');
    const res = await withdraw(id, { purpose: 'marketing', channel: 'sms' });
    expect(res.statusCode, res.body).toBe(200);
    const h = ConsentHistory.parse(res.json());
    expect(h.items.at(-1)).toMatchObject({ purpose: 'marketing', channel: 'sms', granted: false, source: 'head_office', textVersion: 'mk-2025-01' });
    expect(h.current.find((c) => c.channel === 'sms')?.granted).toBe(false);
    expect(await exported('sms')).not.toContain('+79995553101');
    // Withdrawing it again records nothing more.
    const again = ConsentHistory.parse((await withdraw(id, { purpose: 'marketing', channel: 'sms' })).json());
    expect(again.items).toHaveLength(h.items.length);
    // Personal data stays: only marketing by SMS ended.
    expect((await pulled(id))?.deleted).toBe(false);
  });

  it('withdrawing personal-data consent ends all marketing, erases contacts at the server, drops the customer from every till, keeps the ledger', async () => {
    const id = await register('+79995553102', 'vera@example.ru');
    const [granted] = await s.push(till.token, [consentChange(id, 'email', true)]);
    expect(granted?.status).toBe('applied');
    expect(await exported('email')).toContain('vera@example.ru');
    const [{ n: ledgerBefore } = { n: 0 }] = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger WHERE customer_id = $1', [id]);
    expect(ledgerBefore).toBeGreaterThan(0);

    const res = await withdraw(id, { purpose: 'personal_data' });
    expect(res.statusCode, res.body).toBe(200);
    const h = ConsentHistory.parse(res.json());
    expect(h.current.filter((c) => c.granted)).toEqual([]);
    expect(
      h.items
        .filter((i) => i.source === 'head_office')
        .map((i) => `${i.purpose}/${i.channel ?? ''}`)
        .sort(),
    ).toEqual(['marketing/email', 'marketing/sms', 'personal_data/']);
    expect(await exported('email')).not.toContain('vera@example.ru');
    expect(await exported('sms')).not.toContain('+79995553102');

    const [row] = await s.db.query<{ first_name: string; phone_e164: string | null; email: string | null; withdrawn_at: Date | null }>(
      'SELECT first_name, phone_e164, email, withdrawn_at FROM customers WHERE id = $1',
      [id],
    );
    expect(row).toMatchObject({ first_name: '', phone_e164: null, email: null });
    expect(row?.withdrawn_at).not.toBeNull();
    expect((await s.db.query('SELECT 1 FROM identifiers WHERE customer_id = $1', [id])).length).toBe(0);
    const [{ n: ledgerAfter } = { n: 0 }] = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger WHERE customer_id = $1', [id]);
    expect(ledgerAfter).toBe(ledgerBefore);
    // Tills pull the customer as deleted, with nothing to find or show.
    expect(await pulled(id)).toMatchObject({ deleted: true, firstName: '', maskedPhone: null, phoneKey: null });
  });

  it('a till records a withdrawal too (a consent event, granted false), with the same effect', async () => {
    const id = await register('+79995553103');
    const ev = consentChange(id, 'sms', false);
    const [r] = await s.push(till.token, [
      { ...ev, consent: { purpose: 'personal_data', channel: null, granted: false, textVersion: 'pd-2025-01', givenAt: ev.occurredAt } },
    ]);
    expect(r?.status, JSON.stringify(r)).toBe('applied');
    expect(await pulled(id)).toMatchObject({ deleted: true, maskedPhone: null });
    const h = ConsentHistory.parse((await s.inject({ method: 'GET', url: `/api/v1/admin/customers/${id}/consents`, headers: admin })).json());
    expect(h.current.find((c) => c.purpose === 'personal_data')).toMatchObject({ granted: false, source: 'till', terminalId: till.terminalId });
  });

  it('refuses malformed withdrawals with a 4xx and a code', async () => {
    const id = await register('+79995553104');
    for (const body of [{ purpose: 'marketing' }, { purpose: 'personal_data', channel: 'sms' }, { purpose: 'everything' }, {}]) {
      const res = await withdraw(id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await withdraw('999999999', { purpose: 'personal_data' })).json().code).toBe('customer_not_found');
    const asTill = await s.inject({
      method: 'POST',
      url: `/api/v1/admin/customers/${id}/consents/withdraw`,
      headers: { authorization: `Bearer ${till.token}` },
      payload: { purpose: 'personal_data' },
    });
    expect(asTill.statusCode).toBe(401);
  });
});
