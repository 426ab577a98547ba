import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PullQuery } from '../../protocol/schemas';
import { couponBatch, issueCoupons, pullCoupons } from '../coupons';
import type { RouteDeps } from './deps';

const ChainParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });
const BatchParams = ChainParams.extend({ batchId: z.string().uuid() });

/** Coupons: head office issues batches and looks at them; tills pull the chain's list. */
export function couponRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };
  app.post('/api/v1/admin/chains/:chainId/coupons', admin, async (req) => issueCoupons(db, ChainParams.parse(req.params).chainId, req.body));
  app.get('/api/v1/admin/chains/:chainId/coupons/:batchId', admin, async (req) => {
    const p = BatchParams.parse(req.params);
    return couponBatch(db, p.chainId, p.batchId);
  });
  app.get('/api/v1/pull/coupons', { preHandler: [guards.requireTerminal, guards.rateLimit] }, async (req) => {
    const q = PullQuery.parse(req.query);
    return pullCoupons(db, guards.terminalOf(req).chainId, q.cursor, q.limit);
  });
}
