import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApprovalsQuery, chainOfStore, deskSettings, listApprovals, putDeskSettings } from '../deskSettings';
import type { RouteDeps } from './deps';

const ChainParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });
const StoreParams = z.object({ storeId: z.coerce.number().int().positive().max(2_147_483_647) });

/** Head office: the cashier's desk settings (quick keys, scale labels) per chain and store, and who approved what at the tills. */
export function adminDeskRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };
  app.get('/api/v1/admin/chains/:chainId/desk-settings', admin, async (req) => deskSettings(db, ChainParams.parse(req.params).chainId));
  app.put('/api/v1/admin/chains/:chainId/desk-settings', admin, async (req) => putDeskSettings(db, ChainParams.parse(req.params).chainId, null, req.body));
  app.get('/api/v1/admin/stores/:storeId/desk-settings', admin, async (req) => {
    const { storeId } = StoreParams.parse(req.params);
    return deskSettings(db, await chainOfStore(db, storeId), storeId);
  });
  app.put('/api/v1/admin/stores/:storeId/desk-settings', admin, async (req) => {
    const { storeId } = StoreParams.parse(req.params);
    return putDeskSettings(db, await chainOfStore(db, storeId), storeId, req.body);
  });
  app.get('/api/v1/admin/chains/:chainId/approvals', admin, async (req) =>
    listApprovals(db, ChainParams.parse(req.params).chainId, ApprovalsQuery.parse(req.query)),
  );
}
