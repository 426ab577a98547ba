import type { FastifyInstance } from 'fastify';
import { PullQuery } from '../../protocol/schemas';
import { pullContexts } from '../customerContexts';
import type { RouteDeps } from './deps';

/** The customers' pricing context (segments, purchases, spend, limited-offer uses), its own pull section. */
export function pullContextRoutes(app: FastifyInstance, { db, guards, rules }: RouteDeps): void {
  app.get('/api/v1/pull/contexts', { preHandler: [guards.requireTerminal, guards.rateLimit] }, async (req) => {
    const q = PullQuery.parse(req.query);
    return pullContexts(db, rules, guards.terminalOf(req).chainId, q.cursor, q.limit);
  });
}
