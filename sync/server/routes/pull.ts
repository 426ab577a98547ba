import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PullQuery } from '../../protocol/schemas';
import { pullCustomers } from '../customers';
import { pullOffers, pullProducts, pullProgramme } from '../pulls';
import type { RouteDeps } from './deps';

/** Cursor pulls, each scoped to the calling terminal's chain or store. */
export function pullRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const terminal = { preHandler: [guards.requireTerminal, guards.rateLimit] };

  app.get('/api/v1/pull/customers', terminal, async (req) => {
    const q = PullQuery.parse(req.query);
    return pullCustomers(db, guards.terminalOf(req).chainId, q.cursor, q.limit);
  });

  app.get('/api/v1/pull/offers', terminal, async (req) => {
    const q = PullQuery.parse(req.query);
    return pullOffers(db, guards.terminalOf(req), q.cursor, q.limit);
  });

  app.get('/api/v1/pull/programme', terminal, async (req) => {
    const q = PullQuery.extend({ limit: z.unknown().optional() }).parse(req.query);
    return pullProgramme(db, guards.terminalOf(req), q.cursor);
  });

  app.get('/api/v1/pull/products', terminal, async (req) => {
    const q = PullQuery.parse(req.query);
    return pullProducts(db, guards.terminalOf(req), q.cursor, q.limit);
  });
}
