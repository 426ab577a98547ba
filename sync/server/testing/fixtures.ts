import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { PushResponse, type TillEvent } from '../../protocol/events';
import { EnrolResponse } from '../../protocol/schemas';
import { buildApp } from '../app';
import type { Database } from '../db/database';
import { seedDemo } from '../demoSeed';
import type { RateLimitOptions } from '../rateLimit';
import type { SmsGateway } from '../sms/smsGateway';
import type { SourceThrottle, SourceThrottleOptions } from '../sourceThrottle';

export const ADMIN = 'admin-token-for-tests-0123456789';
export const admin = { authorization: `Bearer ${ADMIN}` };

/** A server over a seeded database, driven in-process with inject. */
export interface TestServer {
  db: Database;
  app: FastifyInstance;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  enrol(storeId?: number): Promise<EnrolResponse>;
  push(token: string, events: readonly (TillEvent | Record<string, unknown>)[]): Promise<PushResponse['results']>;
  close(): Promise<void>;
}

export async function startTestServer(
  open: () => Promise<Database>,
  opts: { customers?: number; rateLimit?: RateLimitOptions; sourceThrottle?: SourceThrottleOptions | SourceThrottle; sms?: SmsGateway } = {},
): Promise<TestServer> {
  const db = await open();
  await seedDemo(db, opts.customers ?? 200);
  // Tests make many wrong requests on purpose; throttling is tested with its own settings.
  const app = await buildApp({
    db,
    adminToken: ADMIN,
    rateLimit: opts.rateLimit ?? { burst: 100_000, perSecond: 100_000 },
    sourceThrottle: opts.sourceThrottle ?? { burst: 100_000, perSecond: 100_000 },
    ...(opts.sms ? { phoneCodes: { fallback: opts.sms } } : {}),
  });
  let n = 0;
  return {
    db,
    app,
    inject: (o) => app.inject(o),
    async enrol(storeId = 1) {
      const codeRes = await app.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: admin, payload: { storeId } });
      expect(codeRes.statusCode).toBe(200);
      const res = await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code: codeRes.json().code, deviceName: `Till ${++n}` } });
      expect(res.statusCode).toBe(200);
      return EnrolResponse.parse(res.json());
    },
    async push(token, events) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/push', headers: { authorization: `Bearer ${token}` }, payload: { events } });
      expect(res.statusCode, res.body).toBe(200);
      return PushResponse.parse(res.json()).results;
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
