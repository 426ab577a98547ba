import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { StoreOffersQuery } from '../../protocol/manager';
import { chainOffer, chainOffers, putChainOffer } from '../storeOffers';
import type { RouteDeps } from './deps';

const OfferParams = z.object({
  chainId: z.coerce.number().int().positive().max(2_147_483_647),
  offerId: z.string().min(1).max(200),
});
const Conditions = z.object({
  'if-match': z
    .string()
    .regex(/^"?\d{1,19}"?$/, 'expected a revision from the offer')
    .transform((s) => s.replaceAll('"', ''))
    .optional(),
  'if-none-match': z.literal('*', 'only "*" (create, do not overwrite) is understood').optional(),
});

/**
 * Head office, one offer at a time (the offers page): list with status, open one in full, create
 * or replace one (validated by the engine's schema; errors name the field), with optional
 * If-Match (revision) and If-None-Match: * (create only). Ending is the DELETE in admin.ts.
 */
export function adminOfferRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };

  app.get('/api/v1/admin/chains/:chainId/offers', admin, async (req) => {
    const { chainId } = OfferParams.pick({ chainId: true }).parse(req.params);
    return chainOffers(db, chainId, StoreOffersQuery.parse(req.query));
  });

  app.get('/api/v1/admin/chains/:chainId/offers/:offerId', admin, async (req, reply) => {
    const { chainId, offerId } = OfferParams.parse(req.params);
    const found = await chainOffer(db, chainId, offerId);
    reply.header('etag', `"${found.revision}"`);
    return found;
  });

  app.put('/api/v1/admin/chains/:chainId/offers/:offerId', admin, async (req, reply) => {
    const { chainId, offerId } = OfferParams.parse(req.params);
    const cond = Conditions.parse({ 'if-match': req.headers['if-match'], 'if-none-match': req.headers['if-none-match'] });
    const saved = await putChainOffer(db, chainId, offerId, req.body, { ifMatch: cond['if-match'], createOnly: cond['if-none-match'] === '*' });
    reply.header('etag', `"${saved.revision}"`);
    if (saved.created) reply.status(201);
    return saved;
  });
}
