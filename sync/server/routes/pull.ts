import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PullQuery } from '../../protocol/schemas';
import { pullCustomers } from '../customers';
import { pullDesk } from '../deskSettings';
import { pullOffers, pullProducts, pullProgramme } from '../pulls';
import { serveSnapshot } from '../snapshot/serve';
import { snapshotToOffer } from '../snapshot/store';
import type { SnapshotOffer } from '../../protocol/snapshot';
import type { RouteDeps } from './deps';

/** Cursor pulls, each scoped to the calling terminal's chain or store. */
export function pullRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const terminal = { preHandler: [guards.requireTerminal, guards.rateLimit] };

  app.get('/api/v1/pull/customers', terminal, async (req) => {
    const q = PullQuery.parse(req.query);
    return pullCustomers(db, guards.terminalOf(req).chainId, q.cursor, q.limit);
  });

  // A till starting from nothing: the chain's snapshot to load first, if there is one yet.
  app.get('/api/v1/pull/snapshot', terminal, async (req): Promise<SnapshotOffer> => {
    const chainId = guards.terminalOf(req).chainId;
    const s = await snapshotToOffer(db, chainId, undefined, (e) => req.log.error(e, 'customer snapshot build failed'));
    if (!s) return { snapshot: null };
    const { name, bytes, cursor, customers, builtAt } = s;
    return { snapshot: { name, path: `/api/v1/snapshot/${name}`, bytes, cursor, customers, builtAt } };
  });

  app.get('/api/v1/snapshot/:name', terminal, async (req, reply) => {
    const { name } = z.object({ name: z.string().max(200) }).parse(req.params);
    return serveSnapshot(db, guards.terminalOf(req).chainId, name, req, reply);
  });

  app.get('/api/v1/pull/offers', terminal, async (req) => {
    const q = PullQuery.parse(req.query);
    return pullOffers(db, guards.terminalOf(req), q.cursor, q.limit);
  });

  app.get('/api/v1/pull/programme', terminal, async (req) => {
    const q = PullQuery.extend({ limit: z.unknown().optional() }).parse(req.query);
    return pullProgramme(db, guards.terminalOf(req), q.cursor);
  });

  app.get('/api/v1/pull/desk', terminal, async (req) => {
    const q = PullQuery.extend({ limit: z.unknown().optional() }).parse(req.query);
    return pullDesk(db, guards.terminalOf(req), q.cursor);
  });

  app.get('/api/v1/pull/products', terminal, async (req) => {
    const q = PullQuery.parse(req.query);
    return pullProducts(db, guards.terminalOf(req), q.cursor, q.limit);
  });
}
