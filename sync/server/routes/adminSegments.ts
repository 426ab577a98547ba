import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { putSegmentRules, runSegmentsJob, segmentCounts, segmentRules } from '../segments';
import type { RouteDeps } from './deps';

export const SegmentParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });

/** Head office: segment thresholds, counts per segment and store, and a run of the job on demand. */
export function adminSegmentRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };
  app.get('/api/v1/admin/chains/:chainId/segment-rules', admin, async (req) => segmentRules(db, SegmentParams.parse(req.params).chainId));
  app.put('/api/v1/admin/chains/:chainId/segment-rules', admin, async (req) => putSegmentRules(db, SegmentParams.parse(req.params).chainId, req.body));
  app.get('/api/v1/admin/chains/:chainId/segments', admin, async (req) => segmentCounts(db, SegmentParams.parse(req.params).chainId));
  app.post('/api/v1/admin/chains/:chainId/segments/run', admin, async (req) => runSegmentsJob(db, new Date(), SegmentParams.parse(req.params).chainId));
}
