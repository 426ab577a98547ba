import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CreateManagerRequest } from '../../protocol/manager';
import { HttpError } from '../httpError';
import { createManager, listManagers, revokeManager } from '../managers';
import type { RouteDeps } from './deps';

const StoreParams = z.object({ storeId: z.coerce.number().int().positive().max(2_147_483_647) });

/** Head office: the managers of a store. A PIN goes in once and is kept only as a slow salted hash. */
export function adminManagerRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };

  app.post('/api/v1/admin/stores/:storeId/managers', admin, async (req) => {
    const { storeId } = StoreParams.parse(req.params);
    return createManager(db, storeId, CreateManagerRequest.parse(req.body));
  });

  app.get('/api/v1/admin/stores/:storeId/managers', admin, async (req) => {
    const { storeId } = StoreParams.parse(req.params);
    return { managers: await listManagers(db, storeId) };
  });

  app.post('/api/v1/admin/managers/:managerId/revoke', admin, async (req) => {
    const { managerId } = z.object({ managerId: z.string().regex(/^[1-9]\d{0,17}$/, 'expected a manager id') }).parse(req.params);
    if (!(await revokeManager(db, managerId))) throw new HttpError(404, 'manager_not_found', 'No active manager with this id.');
    return { revoked: managerId };
  });
}
