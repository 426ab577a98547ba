import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { certificateOf, issueCertificates, moveCertificate } from '../certificates';
import { issueElectronicCertificate } from '../electronicCertificates';
import type { RouteDeps } from './deps';

const ChainParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });
const CodeParams = z.object({ code: z.string().min(1).max(64) });

/** Gift certificates: head office issues them; a till activates, checks and redeems them, online. */
export function certificateRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const till = { preHandler: [guards.requireTerminal, guards.rateLimit] };
  app.post('/api/v1/admin/chains/:chainId/certificates', { preHandler: guards.requireAdmin }, async (req) =>
    issueCertificates(db, ChainParams.parse(req.params).chainId, req.body),
  );
  // Registered before ':code' routes read as a code: 'electronic' is a path, not a certificate.
  app.post('/api/v1/certificates/electronic', till, async (req) => issueElectronicCertificate(db, guards.terminalOf(req), req.body));
  app.get('/api/v1/certificates/:code', till, async (req) => certificateOf(db, guards.terminalOf(req).chainId, CodeParams.parse(req.params).code));
  app.post('/api/v1/certificates/:code/moves', till, async (req) => moveCertificate(db, guards.terminalOf(req), CodeParams.parse(req.params).code, req.body));
}
