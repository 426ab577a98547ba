import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../../sync/server/app';
import type { Database } from '../../../sync/server/db/database';
import { seedDemo } from '../../../sync/server/demoSeed';
import { testDatabases } from '../../../sync/server/testing/databases';

export const TEST_ADMIN = 'admin-token-for-tests-0123456789';

export interface RealServer {
  url: string;
  app: FastifyInstance;
  db: Database;
  enrolmentCode(storeId?: number): Promise<string>;
  /** Head office revokes a terminal: its token is refused from now on. */
  revoke(terminalId: string): Promise<void>;
  close(): Promise<void>;
}

/** A real central server on PGlite, listening on a loopback port, for host tests. */
export async function startRealServer(customers = 50, options: Omit<Partial<AppOptions>, 'db' | 'adminToken'> = {}): Promise<RealServer> {
  const db = await testDatabases()[0]!.open();
  await seedDemo(db, customers);
  const app = await buildApp({ db, adminToken: TEST_ADMIN, ...options });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    app,
    db,
    async enrolmentCode(storeId = 1) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/enrolment-codes',
        headers: { authorization: `Bearer ${TEST_ADMIN}` },
        payload: { storeId },
      });
      return res.json().code as string;
    },
    async revoke(terminalId) {
      const res = await app.inject({ method: 'POST', url: `/api/v1/admin/terminals/${terminalId}/revoke`, headers: { authorization: `Bearer ${TEST_ADMIN}` } });
      if (res.statusCode !== 200) throw new Error(`revoke answered ${res.statusCode}: ${res.body}`);
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
