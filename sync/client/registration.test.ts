import { phoneLookupKeys } from '../../core/lookupKey';
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCardNumber } from '../server/demoSeed';
import { testDatabases } from '../server/testing/databases';
import { startTestServer, type TestServer } from '../server/testing/fixtures';
import { toApiAnswer, type ApiCaller } from './api';
import { pullCatalogue } from './catalogue';
import { findCustomer } from './findCustomer';
import { outboxStats, pushOutbox, shownBalance } from './outbox';
import { registerCustomer, type RegistrationContext } from './registration';
import { TillDb } from './tillDb';

let server: TestServer;
let api: ApiCaller;
let ctx: RegistrationContext;
let till: TillDb;
beforeAll(async () => {
  server = await startTestServer(testDatabases()[0]!.open, { customers: 20 });
  const t = await server.enrol(1);
  api = async (method, path, query, body) => {
    const qs = query ? `?${new URLSearchParams(query)}` : '';
    const res = await server.inject({
      method,
      url: `${path}${qs}`,
      headers: { authorization: `Bearer ${t.token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return toApiAnswer(res.statusCode, res.json());
  };
  till = new TillDb('registration-test');
  await pullCatalogue(till, api);
  const programme = (await till.programme.get('current'))!.programme;
  ctx = {
    storeId: 1,
    regionId: t.regionId ?? 'none',
    timeZone: t.storeTimeZone,
    phoneKeyOf: async (e164: string) => (await phoneLookupKeys(t.phoneSecrets ?? [], e164))[0] ?? null,
    programme,
    offers: (await till.offers.toArray()).map((o) => o.offer),
  };
});
afterAll(() => server.close());

async function everything(db: TillDb): Promise<string> {
  const dump = await Promise.all(db.tables.map(async (t) => JSON.stringify(await t.toArray())));
  return dump.join('\n');
}

describe('registration at the till', () => {
  it('works offline, finds the new customer at once, and the contact leaves the till once the server has it', async () => {
    const { event } = await registerCustomer(till, ctx, {
      firstName: 'Ксения',
      phone: '+79169990011',
      email: 'ksenia@example.org',
      cardNumber: demoCardNumber(777),
      birthday: '1990-03-15',
      personalDataConsent: true,
      marketing: { sms: true, email: false },
    });
    expect(event.welcomeBonusKopecks).toBeGreaterThan(0);
    const offline = { db: till, phoneKeys: async (e164: string) => [(await ctx.phoneKeyOf(e164))!], cardPrefix: '27' };
    expect(await findCustomer(offline, '8 916 999-00-11')).toMatchObject({
      kind: 'found',
      source: 'cache',
      customer: { firstName: 'Ксения', maskedPhone: '+7 *** ***-**-11' },
    });
    // The cache keeps the birthday's day and month (for birthday offers), never the year.
    expect(await findCustomer(offline, demoCardNumber(777))).toMatchObject({
      kind: 'found',
      customer: { id: event.customerId, birthday: { month: 3, day: 15 } },
    });
    const shown = await shownBalance(till, event.customerId, { available: 0, pending: 0 });
    expect(shown.available + shown.pending).toBe(event.welcomeBonusKopecks);
    // Until the server has it, the full contact waits in the outbox.
    expect(await everything(till)).toContain('ksenia@example.org');

    expect(await pushOutbox(till, api)).toMatchObject({ ok: true, applied: 1 });
    expect(await outboxStats(till)).toEqual({ waiting: 0, rejected: 0 });
    const dump = await everything(till);
    expect(dump).not.toContain('ksenia@example.org');
    expect(dump).not.toContain('79169990011');
    expect(dump).not.toContain('1990-03-15');
    const online = await api('GET', '/api/v1/lookup', { card: demoCardNumber(777) });
    expect(online).toMatchObject({ ok: true, body: { customer: { firstName: 'Ксения' } } });
  });

  it('refuses to register without the personal-data consent', async () => {
    await expect(registerCustomer(till, ctx, { firstName: 'Без согласия', phone: '+79169990012', personalDataConsent: false, marketing: {} })).rejects.toThrow(
      /consent/,
    );
    expect(await outboxStats(till)).toEqual({ waiting: 0, rejected: 0 });
  });
});
