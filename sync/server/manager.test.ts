import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagerInfo, ManagerSession } from '../protocol/manager';
import type { EnrolResponse } from '../protocol/schemas';
import { buildApp } from './app';
import { testDatabases } from './testing/databases';
import { admin, ADMIN, startTestServer, type TestServer } from './testing/fixtures';
import { hashToken, newToken } from './tokens';

const bearer = (t: EnrolResponse) => ({ authorization: `Bearer ${t.token}` });
const asManager = (t: EnrolResponse, token: string) => ({ ...bearer(t), 'x-manager-token': token });

describe.each(testDatabases())('store managers on $name', ({ open }) => {
  let s: TestServer;
  let till1: EnrolResponse;
  let till2: EnrolResponse;
  let kazan: EnrolResponse;
  let irina: ManagerInfo;

  const createManager = async (storeId: number, payload: Record<string, unknown>) =>
    s.inject({ method: 'POST', url: `/api/v1/admin/stores/${storeId}/managers`, headers: admin, payload });
  const unlock = (t: EnrolResponse, payload: unknown) =>
    s.inject({ method: 'POST', url: '/api/v1/manager/session', headers: bearer(t), payload: payload as object });
  const signIn = async (t: EnrolResponse, pin: string): Promise<ManagerSession> => {
    const res = await unlock(t, { pin });
    expect(res.statusCode, res.body).toBe(200);
    return ManagerSession.parse(res.json());
  };
  const managerEndpoints = ['/api/v1/manager/session', '/api/v1/manager/figures', '/api/v1/manager/offers?status=active'];

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 20 });
    till1 = await s.enrol(1);
    till2 = await s.enrol(1);
    kazan = await s.enrol(2);
    const made = await createManager(1, { name: 'Ирина Петрова', pin: '2468', card: '990000000017' });
    expect(made.statusCode, made.body).toBe(200);
    irina = ManagerInfo.parse(made.json());
    expect((await createManager(2, { name: 'Олег Сафин', pin: '1357' })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("opens a short-lived session with the right PIN or card, for the terminal's own store only", async () => {
    const before = Date.now();
    const session = await signIn(till1, '2468');
    expect(session).toMatchObject({ managerId: irina.managerId, managerName: 'Ирина Петрова', storeId: 1 });
    const ttl = Date.parse(session.expiresAt) - before;
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThan(16 * 60_000);
    const who = await s.inject({ method: 'GET', url: '/api/v1/manager/session', headers: asManager(till1, session.token) });
    expect(who.json()).toEqual({ managerId: irina.managerId, managerName: 'Ирина Петрова', storeId: 1 });
    expect((await unlock(till2, { card: '990000000017' })).json()).toMatchObject({ managerId: irina.managerId });

    // Kazan's till does not know Moscow's manager, and a Moscow token does not work there, nor on another Moscow till.
    const foreign = await unlock(kazan, { pin: '2468' });
    expect(foreign.statusCode).toBe(401);
    expect(foreign.json().code).toBe('manager_credential_rejected');
    expect((await signIn(kazan, '1357')).managerName).toBe('Олег Сафин');
    for (const t of [kazan, till2]) {
      const res = await s.inject({ method: 'GET', url: '/api/v1/manager/figures', headers: asManager(t, session.token) });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('manager_session_invalid');
    }

    // At rest: a salted slow hash of the PIN, a hash of the token; neither in clear.
    const [m] = await s.db.query<{ pin_hash: string; card_hash: string }>('SELECT pin_hash, card_hash FROM managers WHERE id = $1', [irina.managerId]);
    expect(m!.pin_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(m!.card_hash).not.toContain('990000000017');
    // The card like the PIN: salted and slow (a card number is short and printed on the card).
    expect(m!.card_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(m!.card_hash).not.toBe(hashToken('manager-card:990000000017'));
    const sessions = await s.db.query<{ token_hash: string }>('SELECT token_hash FROM manager_sessions');
    expect(sessions.map((r) => r.token_hash)).toContain(hashToken(session.token));
    expect(JSON.stringify(sessions)).not.toContain(session.token);
  });

  // Attempts age out of the window: what five minutes would do, for the store's later tests.
  const forgetAttempts = (storeId: number) =>
    s.db.query(`UPDATE manager_unlock_attempts SET attempted_at = attempted_at - interval '301 seconds' WHERE store_id = $1`, [storeId]);

  it("refuses wrong PINs, locks the store's tills after five in five minutes (even for the right PIN), and opens again after", async () => {
    const t = await s.enrol(1);
    // Guesses spread over the store's tills count together: one till each would multiply them.
    for (const [till, left] of [
      [t, 4],
      [till2, 3],
      [t, 2],
      [till1, 1],
      [t, 0],
    ] as const) {
      const res = await unlock(till, { pin: '0000' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'manager_credential_rejected', details: { attemptsLeft: left } });
    }
    for (const till of [t, till1, till2]) {
      const locked = await unlock(till, { pin: '2468' });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('manager_unlock_locked');
      expect(locked.json().message).toMatch(/try again in \d+ s/);
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(300);
    }
    expect((await unlock(t, { card: '990000000017' })).statusCode).toBe(429);
    // Another store's tills are not locked out; head office sees that someone hit the limit.
    await signIn(kazan, '1357');
    const exceptions = await s.inject({ method: 'GET', url: '/api/v1/admin/exceptions?kind=manager_unlock_locked', headers: admin });
    expect(exceptions.json().items.filter((e: { terminalId: string }) => e.terminalId === t.terminalId)).toHaveLength(1);

    // Five minutes later the store may try again; a success forgets that till's failures only.
    await forgetAttempts(1);
    expect((await unlock(till2, { pin: '0000' })).json().details).toEqual({ attemptsLeft: 4 });
    expect((await unlock(t, { pin: '0000' })).json().details).toEqual({ attemptsLeft: 3 });
    await signIn(t, '2468');
    expect((await unlock(t, { pin: '1111' })).json().details).toEqual({ attemptsLeft: 3 });
    await forgetAttempts(1);
  });

  it('still opens with a card hashed the old way (unsalted SHA-256), and keeps cards distinct in a store', async () => {
    const [legacy] = await s.db.query<{ id: number }>(
      `INSERT INTO managers (store_id, name, pin_hash, card_hash) SELECT 2, 'Старая карта', pin_hash, $1 FROM managers WHERE id = $2 RETURNING id`,
      [hashToken('manager-card:550000000019'), irina.managerId],
    );
    const res = await unlock(kazan, { card: '550000000019' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().managerId).toBe(String(legacy!.id));
    const twin = await createManager(2, { name: 'Двойник', pin: '86420', card: '550000000019' });
    expect(twin.statusCode).toBe(409);
    expect(twin.json().code).toBe('card_taken');
    await s.inject({ method: 'POST', url: `/api/v1/admin/managers/${legacy!.id}/revoke`, headers: admin });
  });

  it('counts concurrent guesses from several tills: no more than five get checked', async () => {
    const t = await s.enrol(1);
    const tills = [t, till1, till2];
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => unlock(tills[i % 3]!, { pin: String(5000 + i) })));
    const codes = answers.map((a) => a.json().code);
    expect(codes.filter((c) => c === 'manager_credential_rejected')).toHaveLength(5);
    expect(codes.filter((c) => c === 'manager_unlock_locked')).toHaveLength(7);
    await forgetAttempts(1);
  });

  it('refuses manager endpoints without a manager token, with a forged or expired one, and after sign-out or revocation', async () => {
    const session = await signIn(till1, '2468');
    for (const url of managerEndpoints) {
      const none = await s.inject({ method: 'GET', url, headers: bearer(till1) });
      expect(none.statusCode, url).toBe(401);
      expect(none.json().code).toBe('manager_required');
      for (const forged of [newToken(), 'x', 'a'.repeat(300), `${session.token.slice(0, -2)}AA`]) {
        const res = await s.inject({ method: 'GET', url, headers: asManager(till1, forged) });
        expect(res.statusCode, url).toBe(401);
        expect(res.json().code).toBe('manager_session_invalid');
      }
      // The manager token alone is not a terminal credential.
      for (const headers of [{ 'x-manager-token': session.token }, { authorization: `Bearer ${session.token}` }]) {
        const res = await s.inject({ method: 'GET', url, headers });
        expect(res.statusCode, url).toBe(401);
        expect(res.json().code).toMatch(/^(unauthenticated|credential_rejected)$/);
      }
      expect((await s.inject({ method: 'GET', url, headers: asManager(till1, session.token) })).statusCode, url).toBe(200);
    }

    await s.db.query(`UPDATE manager_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [hashToken(session.token)]);
    const expired = await s.inject({ method: 'GET', url: '/api/v1/manager/figures', headers: asManager(till1, session.token) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('manager_session_expired');

    const again = await signIn(till1, '2468');
    expect((await s.inject({ method: 'DELETE', url: '/api/v1/manager/session', headers: asManager(till1, again.token) })).json()).toEqual({ ended: true });
    expect((await s.inject({ method: 'GET', url: '/api/v1/manager/offers', headers: asManager(till1, again.token) })).json().code).toBe(
      'manager_session_invalid',
    );

    // Revoking a manager ends their sessions and their PIN at once.
    const temp = ManagerInfo.parse((await createManager(1, { name: 'Временный', pin: '97531' })).json());
    const tempSession = await signIn(till1, '97531');
    const revoked = await s.inject({ method: 'POST', url: `/api/v1/admin/managers/${temp.managerId}/revoke`, headers: admin });
    expect(revoked.json()).toEqual({ revoked: temp.managerId });
    expect((await s.inject({ method: 'GET', url: '/api/v1/manager/figures', headers: asManager(till1, tempSession.token) })).json().code).toBe(
      'manager_session_invalid',
    );
    expect((await unlock(till1, { pin: '97531' })).json().code).toBe('manager_credential_rejected');
    expect((await s.inject({ method: 'POST', url: `/api/v1/admin/managers/${temp.managerId}/revoke`, headers: admin })).statusCode).toBe(404);
    // Its PIN is free again in this store.
    expect((await createManager(1, { name: 'Новый', pin: '97531' })).statusCode).toBe(200);
    await signIn(till1, '2468'); // the lone failure above must not pile up for later tests

    // A revoked terminal's manager token goes with it.
    const t = await s.enrol(1);
    const ts = await signIn(t, '2468');
    await s.inject({ method: 'POST', url: `/api/v1/admin/terminals/${t.terminalId}/revoke`, headers: admin });
    expect((await s.inject({ method: 'GET', url: '/api/v1/manager/figures', headers: asManager(t, ts.token) })).json().code).toBe('credential_rejected');
  });

  it('keeps admin endpoints from managers', async () => {
    const session = await signIn(till1, '2468');
    const adminEndpoints = [
      { method: 'POST' as const, url: '/api/v1/admin/enrolment-codes', payload: { storeId: 1 } },
      { method: 'POST' as const, url: '/api/v1/admin/stores/1/managers', payload: { name: 'Захватчик', pin: '8642' } },
      { method: 'GET' as const, url: '/api/v1/admin/stores/1/managers' },
      { method: 'POST' as const, url: `/api/v1/admin/managers/${irina.managerId}/revoke` },
      { method: 'GET' as const, url: '/api/v1/admin/chains/1/offers' },
      { method: 'GET' as const, url: '/api/v1/admin/chains/1/offers/welcome' },
      { method: 'PUT' as const, url: '/api/v1/admin/chains/1/offers/x', payload: {} },
      { method: 'DELETE' as const, url: '/api/v1/admin/chains/1/offers/welcome' },
      { method: 'GET' as const, url: '/api/v1/admin/exceptions' },
    ];
    for (const e of adminEndpoints) {
      for (const headers of [{ authorization: `Bearer ${session.token}` }, asManager(till1, session.token), { 'x-manager-token': session.token }]) {
        const res = await s.inject({ ...e, headers });
        expect(res.statusCode, e.url).toBe(401);
        expect(res.json().code).toBe('admin_only');
      }
    }
    expect(
      (await s.inject({ method: 'GET', url: '/api/v1/admin/stores/1/managers', headers: admin })).json().managers.map((m: ManagerInfo) => m.name),
    ).not.toContain('Захватчик');
  });

  it("takes 4-8 digit PINs, distinct among a store's managers, and never shows them", async () => {
    const bad: [number, Record<string, unknown>, number, string][] = [
      [1, { name: 'A', pin: '123' }, 400, 'pin'],
      [1, { name: 'A', pin: '123456789' }, 400, 'pin'],
      [1, { name: 'A', pin: '12a4' }, 400, 'pin'],
      [1, { name: 'A', pin: 1234 }, 400, 'pin'],
      [1, { name: ' ', pin: '1234' }, 400, 'name'],
      [1, { name: 'A', pin: '1234', card: '12' }, 400, 'card'],
      [1, { name: 'A', pin: '1234', role: 'admin' }, 400, ''],
      [1, { name: 'Двойник', pin: '2468' }, 409, 'pin'],
      [1, { name: 'Двойник', pin: '8080', card: '990000000017' }, 409, 'card'],
      [999, { name: 'A', pin: '1234' }, 404, ''],
    ];
    for (const [store, payload, status, field] of bad) {
      const res = await createManager(store, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(typeof res.json().code).toBe('string');
      if (field)
        expect(
          res.json().details.map((d: { path: string }) => d.path),
          JSON.stringify(payload),
        ).toContain(field);
    }
    expect((await createManager(2, { name: 'Тёзка по PIN', pin: '2468' })).statusCode).toBe(200); // another store may
    const list = await s.inject({ method: 'GET', url: '/api/v1/admin/stores/1/managers', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toMatch(/2468|scrypt|hash/);

    for (const payload of [{}, { pin: 2468 }, { pin: '2468', card: '990000000017' }, { pin: '24' }, { pin: '2468', extra: 1 }, ['2468']]) {
      const res = await unlock(till2, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('invalid_request');
    }
    const text = await s.inject({
      method: 'POST',
      url: '/api/v1/manager/session',
      headers: { ...bearer(till2), 'content-type': 'text/plain' },
      payload: 'pin=2468',
    });
    expect(text.statusCode).toBe(400);
    expect(typeof text.json().code).toBe('string');
  });
});

describe('manager sign-in in the logs', () => {
  it('never carries the PIN, the card or the manager token', async () => {
    const { open } = testDatabases()[0]!;
    const s = await startTestServer(open, { customers: 3 });
    const lines: string[] = [];
    const app = await buildApp({ db: s.db, adminToken: ADMIN, logger: { write: (l) => lines.push(l) } });
    try {
      await app.inject({ method: 'POST', url: '/api/v1/admin/stores/1/managers', headers: admin, payload: { name: 'Лог', pin: '73915', card: '4400112233' } });
      const code = (await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 1 } })).json().code;
      const t = (await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: 'till' } })).json();
      const session = (
        await app.inject({ method: 'POST', url: '/api/v1/manager/session', headers: { authorization: `Bearer ${t.token}` }, payload: { pin: '73915' } })
      ).json();
      await app.inject({ method: 'POST', url: '/api/v1/manager/session', headers: { authorization: `Bearer ${t.token}` }, payload: { card: '4400112233' } });
      await app.inject({ method: 'GET', url: '/api/v1/manager/figures', headers: { authorization: `Bearer ${t.token}`, 'x-manager-token': session.token } });
      expect(session.token).toBeTruthy();
      const log = lines.join('\n');
      expect(log).toContain('/api/v1/manager/figures');
      for (const secret of ['73915', '4400112233', session.token, t.token]) expect(log, secret).not.toContain(secret);
    } finally {
      await app.close();
      await s.close();
    }
  });
});
