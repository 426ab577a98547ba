import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrolResponse } from '../protocol/schemas';
import { testDatabases } from './testing/databases';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

type TillListRow = { id: string; name: string; version: string | null; unsent: number | null; lastSeen: string | null; reportedAt: string | null };

describe.each(testDatabases())('till heartbeat on $name', ({ open }) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 10 });
  });
  afterAll(async () => {
    await s?.close();
  });

  async function enrol(name: string): Promise<EnrolResponse> {
    const code = (await s.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId: 1 } })).json().code;
    return EnrolResponse.parse((await s.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: name } })).json());
  }
  const beat = (token: string, payload: unknown) =>
    s.inject({ method: 'POST', url: '/api/v1/heartbeat', headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  const tills = async (): Promise<TillListRow[]> =>
    (await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/terminals', headers: admin })).json().terminals as TillListRow[];

  it("shows each till's reported version and unsent count with when it was last heard from; a silent till shows none", async () => {
    const reporting = await enrol('Касса с отчётом');
    const silent = await enrol('Касса без отчёта');
    const res = await beat(reporting.token, { appVersion: '1.4.0', unsent: 7, refused: 1 });
    expect(res.statusCode).toBe(200);
    const list = await tills();
    const row = list.find((t) => t.id === reporting.terminalId)!;
    expect(row).toMatchObject({ name: 'Касса с отчётом', version: '1.4.0', unsent: 7, lastSeen: res.json().reportedAt, reportedAt: res.json().reportedAt });
    expect(list.find((t) => t.id === silent.terminalId)).toMatchObject({ version: null, unsent: null, lastSeen: null, reportedAt: null });

    // The next report replaces the last: the outbox drained, a new version installed.
    expect((await beat(reporting.token, { appVersion: '1.5.0-rc.1', unsent: 0, refused: 0 })).statusCode).toBe(200);
    expect((await tills()).find((t) => t.id === reporting.terminalId)).toMatchObject({ version: '1.5.0-rc.1', unsent: 0 });
  });

  it('refuses a report that is malformed, from no till, or from a revoked till, and keeps the last good one', async () => {
    const t = await enrol('Касса проверки');
    await beat(t.token, { appVersion: '2.0.0', unsent: 3, refused: 0 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ appVersion: fc.string(), unsent: fc.integer(), refused: fc.integer() }),
          fc.record({ appVersion: fc.constant('2.0.0'), unsent: fc.oneof(fc.double(), fc.constant(-1), fc.constant('5')), refused: fc.constant(0) }),
          fc.record({ appVersion: fc.constant('<script>'), unsent: fc.constant(0), refused: fc.constant(0) }),
          fc.record({ appVersion: fc.constant('2.0.0'), unsent: fc.constant(0), refused: fc.constant(0), extra: fc.constant('x') }),
        ),
        async (body) => {
          const ok =
            /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,39}$/.test(String(body.appVersion).trim()) &&
            Number.isInteger(body.unsent) &&
            (body.unsent as number) >= 0 &&
            (body.unsent as number) <= 10_000_000 &&
            Number.isInteger(body.refused) &&
            (body.refused as number) >= 0 &&
            (body.refused as number) <= 10_000_000 &&
            !('extra' in body);
          if (ok) return;
          const res = await beat(t.token, body);
          expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).toBe(400);
        },
      ),
      { numRuns: 60 },
    );
    expect((await tills()).find((x) => x.id === t.terminalId)).toMatchObject({ version: '2.0.0', unsent: 3 });
    expect((await s.inject({ method: 'POST', url: '/api/v1/heartbeat', payload: { appVersion: '1', unsent: 0, refused: 0 } })).statusCode).toBe(401);
    await s.inject({ method: 'POST', url: `/api/v1/admin/terminals/${t.terminalId}/revoke`, headers: admin });
    expect((await beat(t.token, { appVersion: '9.9.9', unsent: 0, refused: 0 })).statusCode).toBe(401);
    expect((await tills()).find((x) => x.id === t.terminalId)).toMatchObject({ version: '2.0.0', unsent: 3 });
  });
});
