import { phoneLookupKeys, type PhoneSecret } from '../../core/lookupKey';
import 'fake-indexeddb/auto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app';
import type { Database } from '../server/db/database';
import { demoBalance, demoCardNumber, demoPhone, seedDemo } from '../server/demoSeed';
import { testDatabases } from '../server/testing/databases';
import { toApiAnswer, type ApiCaller } from './api';
import { findCustomer } from './findCustomer';
import { pullCustomers } from './pull';
import { TillDb } from './tillDb';

const ADMIN = 'admin-token-for-tests-0123456789';
let db: Database;
let app: FastifyInstance;
let api: ApiCaller;
let secrets: PhoneSecret[];

beforeAll(async () => {
  db = await testDatabases()[0]!.open();
  await seedDemo(db, 300);
  app = await buildApp({ db, adminToken: ADMIN });
  const code = (
    await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: { authorization: `Bearer ${ADMIN}` }, payload: { storeId: 1 } })
  ).json().code;
  const enrolled = (await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: 'test till' } })).json();
  secrets = enrolled.phoneSecrets ?? [];
  // The host's job, done in-process: attach the credential and forward.
  api = async (method, path, query) => {
    const qs = query ? `?${new URLSearchParams(query)}` : '';
    const res = await app.inject({ method, url: `${path}${qs}`, headers: { authorization: `Bearer ${enrolled.token}` } });
    return toApiAnswer(res.statusCode, res.json());
  };
});
afterAll(async () => {
  await app.close();
  await db.close();
});

let n = 0;
const freshDb = () => new TillDb(`pull-test-${++n}`);

describe('customer pull', () => {
  it('loads every customer with progress that only goes up, then finds them offline by card and phone', async () => {
    const till = freshDb();
    const seen: number[] = [];
    const outcome = await pullCustomers(till, api, (p) => seen.push(p.loaded), 70);
    expect(outcome).toMatchObject({ ok: true, progress: { loaded: 300, remaining: 0, complete: true } });
    expect(seen).toEqual([70, 140, 210, 280, 300]);
    expect(await till.customers.count()).toBe(300);

    const ctx = { db: till, phoneKeys: (e164: string) => phoneLookupKeys(secrets, e164), cardPrefix: '27' }; // no api: offline
    const byCard = await findCustomer(ctx, demoCardNumber(12));
    expect(byCard).toMatchObject({ kind: 'found', source: 'cache', customer: { id: '12', balance: demoBalance(12) } });
    const byPhone = await findCustomer(ctx, demoPhone(13).replace('+7', '8 '));
    expect(byPhone).toMatchObject({ kind: 'found', via: 'phone', customer: { id: '13' } });
    expect(await findCustomer(ctx, demoCardNumber(999))).toMatchObject({ kind: 'notFound', offline: true });
    expect(await findCustomer(ctx, 'hello')).toMatchObject({ kind: 'invalid' });
  });

  it('resumes after a failure from the last stored page, without losing or doubling rows', async () => {
    const till = freshDb();
    let calls = 0;
    const flaky: ApiCaller = async (...args) => {
      if (++calls === 3) return { ok: false, offline: true, status: 503, code: 'server_unreachable', message: 'down' };
      return api(...args);
    };
    const first = await pullCustomers(till, flaky, undefined, 100);
    expect(first).toMatchObject({ ok: false, offline: true, progress: { loaded: 200 } });
    expect((await till.syncState.get('customers'))?.cursor).not.toBe('0');
    const second = await pullCustomers(till, flaky, undefined, 100);
    expect(second).toMatchObject({ ok: true, progress: { loaded: 300, complete: true } });
    expect(await till.customers.count()).toBe(300);
    expect(await till.identifiers.count()).toBe(600);
  });

  it('picks up later changes incrementally and drops stale identifiers', async () => {
    const till = freshDb();
    await pullCustomers(till, api);
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE identifiers SET key = $1 WHERE kind = 'card' AND customer_id = 5`, [demoCardNumber(5005)]);
      await tx.query(`UPDATE balances SET balance = 77700 WHERE customer_id = 5`);
      await tx.query(`UPDATE customers SET change_seq = nextval('change_seq') WHERE id = 5`);
    });
    const outcome = await pullCustomers(till, api);
    expect(outcome).toMatchObject({ ok: true, progress: { loaded: 1 } });
    const ctx = { db: till, phoneKeys: (e164: string) => phoneLookupKeys(secrets, e164), cardPrefix: '27' };
    expect(await findCustomer(ctx, demoCardNumber(5))).toMatchObject({ kind: 'notFound' });
    expect(await findCustomer(ctx, demoCardNumber(5005))).toMatchObject({ kind: 'found', customer: { id: '5', balance: 77700 } });
  });

  it('asks the server when the cache misses, and keeps the answer for offline use', async () => {
    const till = freshDb();
    const ctx = { db: till, phoneKeys: (e164: string) => phoneLookupKeys(secrets, e164), cardPrefix: '27', api };
    expect(await findCustomer(ctx, demoCardNumber(44))).toMatchObject({ kind: 'found', source: 'server', customer: { id: '44' } });
    expect(await findCustomer({ ...ctx, api: undefined }, demoCardNumber(44))).toMatchObject({ kind: 'found', source: 'cache' });
    expect(await findCustomer(ctx, demoCardNumber(4444))).toMatchObject({ kind: 'notFound', offline: false });
  });
});
