import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CreateEnrolmentCodeRequest } from '../../protocol/schemas';
import { AdjustmentRequest, applyAdjustment } from '../adjustments';
import { ExceptionsQuery, listExceptions } from '../exceptions';
import { HttpError } from '../httpError';
import { runLedgerJobs } from '../jobs';
import { verifyLedger } from '../ledger';
import { deleteOffer, putOffers, putProgramme } from '../rules';
import { createEnrolmentCode, revokeTerminal } from '../terminals';
import type { RouteDeps } from './deps';

const ChainParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });

/** Head office: terminals, rules, the exceptions report, adjustments, ledger checks. */
export function adminRoutes(app: FastifyInstance, { db, guards, rules }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };

  app.post('/api/v1/admin/enrolment-codes', admin, async (req) => {
    const body = CreateEnrolmentCodeRequest.parse(req.body ?? {});
    return createEnrolmentCode(db, body.storeId, body.ttlMinutes);
  });

  app.post('/api/v1/admin/terminals/:id/revoke', admin, async (req) => {
    const { id } = z.object({ id: z.uuid() }).parse(req.params);
    if (!(await revokeTerminal(db, id))) throw new HttpError(404, 'terminal_not_found', 'No active terminal with this id.');
    return { revoked: id };
  });

  // One customer's cached balance beside the ledger's own sums (support and tests).
  app.get('/api/v1/admin/customers', admin, async (req) => {
    const { card } = z.object({ card: z.string().regex(/^\d{6,19}$/) }).parse(req.query);
    const rows = await db.query<{ id: string; first_name: string; balance: number; pending: number; lb: number; lp: number }>(
      `SELECT c.id::text, c.first_name, COALESCE(b.balance, 0) AS balance, COALESCE(b.pending, 0) AS pending,
              (SELECT COALESCE(sum(amount) FILTER (WHERE bucket = 'available'), 0) FROM ledger l WHERE l.customer_id = c.id) AS lb,
              (SELECT COALESCE(sum(amount) FILTER (WHERE bucket = 'pending'), 0) FROM ledger l WHERE l.customer_id = c.id) AS lp
       FROM identifiers i JOIN customers c ON c.id = i.customer_id LEFT JOIN balances b ON b.customer_id = c.id
       WHERE i.kind = 'card' AND i.key = $1`,
      [card],
    );
    const r = rows[0];
    if (!r) throw new HttpError(404, 'customer_not_found', 'No customer has this card.');
    return {
      id: r.id,
      firstName: r.first_name,
      balance: Number(r.balance),
      ledgerBalance: Number(r.lb),
      pending: Number(r.pending),
      ledgerPending: Number(r.lp),
    };
  });

  app.get('/api/v1/admin/exceptions', admin, async (req) => {
    const q = ExceptionsQuery.extend({ chainId: z.coerce.number().int().positive().max(2_147_483_647).optional() }).parse(req.query);
    return listExceptions(db, q.chainId ?? null, q);
  });

  app.put('/api/v1/admin/chains/:chainId/programme', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    return { programme: await putProgramme(db, chainId, req.body) };
  });

  app.put('/api/v1/admin/chains/:chainId/offers', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const { offers } = z.object({ offers: z.array(z.unknown()).max(10_000) }).parse(req.body);
    return { offers: await putOffers(db, chainId, offers) };
  });

  app.delete('/api/v1/admin/chains/:chainId/offers/:offerId', admin, async (req) => {
    const { chainId, offerId } = ChainParams.extend({ offerId: z.string().min(1).max(200) }).parse(req.params);
    if (!(await deleteOffer(db, chainId, offerId))) throw new HttpError(404, 'offer_not_found', `No current offer "${offerId}".`);
    return { deleted: offerId };
  });

  app.post('/api/v1/admin/adjustments', admin, async (req) => {
    const result = await applyAdjustment(db, rules, AdjustmentRequest.parse(req.body));
    if (result.status === 'rejected') throw new HttpError(result.retryable ? 409 : 422, result.code, result.message);
    return result;
  });

  app.post('/api/v1/admin/jobs/run', admin, async () => runLedgerJobs(db));

  app.get('/api/v1/admin/ledger/verify', admin, async () => {
    const mismatches = await verifyLedger(db);
    return { ok: mismatches.length === 0, mismatches: mismatches.slice(0, 100) };
  });
}
