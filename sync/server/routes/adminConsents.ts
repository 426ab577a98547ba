import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConsentTextVersion, PutConsentTextRequest, WithdrawConsentRequest } from '../../protocol/consents';
import { consentHistory, listConsentTexts, putConsentText, withdrawConsent } from '../consents';
import type { RouteDeps } from './deps';

const ChainParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });

/** Head office: a customer's consent history (152-FZ) and the chain's published consent texts. */
export function adminConsentRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };

  const CustomerParams = z.object({ customerId: z.string().regex(/^[1-9]\d{0,17}$/, "expected the server's customer id") });

  app.get('/api/v1/admin/customers/:customerId/consents', admin, async (req) => {
    const { customerId } = CustomerParams.parse(req.params);
    return consentHistory(db, customerId);
  });

  // The customer withdraws a consent (152-FZ): recorded, and marketing stops at once.
  app.post('/api/v1/admin/customers/:customerId/consents/withdraw', admin, async (req) => {
    const { customerId } = CustomerParams.parse(req.params);
    return withdrawConsent(db, customerId, WithdrawConsentRequest.parse(req.body));
  });

  app.get('/api/v1/admin/chains/:chainId/consent-texts', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    return { texts: await listConsentTexts(db, chainId) };
  });

  app.put('/api/v1/admin/chains/:chainId/consent-texts/:version', admin, async (req, reply) => {
    const { chainId, version } = ChainParams.extend({ version: ConsentTextVersion }).parse(req.params);
    const saved = await putConsentText(db, chainId, version, PutConsentTextRequest.parse(req.body));
    if (saved.created) reply.status(201);
    return saved.text;
  });
}
