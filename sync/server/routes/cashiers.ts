import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CreateCashierRequest, PinUpgradeRequest } from '../../protocol/cashiers';
import { createCashier, listCashiers, revokeCashier, storeCashiers, upgradeCashierPin } from '../cashiers';
import { HttpError } from '../httpError';
import type { RouteDeps } from './deps';

const StoreParams = z.object({ storeId: z.coerce.number().int().positive().max(2_147_483_647) });

/** Head office manages a store's cashiers; the store's tills pull the list for sign-in. */
export function cashierRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };
  const terminal = { preHandler: [guards.requireTerminal, guards.rateLimit] };

  app.post('/api/v1/admin/stores/:storeId/cashiers', admin, async (req) => {
    const { storeId } = StoreParams.parse(req.params);
    return createCashier(db, storeId, CreateCashierRequest.parse(req.body));
  });

  app.get('/api/v1/admin/stores/:storeId/cashiers', admin, async (req) => {
    const { storeId } = StoreParams.parse(req.params);
    return { cashiers: await listCashiers(db, storeId) };
  });

  app.post('/api/v1/admin/cashiers/:cashierId/revoke', admin, async (req) => {
    const { cashierId } = z.object({ cashierId: z.string().regex(/^[1-9]\d{0,17}$/, 'expected a cashier id') }).parse(req.params);
    if (!(await revokeCashier(db, cashierId))) throw new HttpError(404, 'cashier_not_found', 'No active cashier with this id.');
    return { revoked: cashierId };
  });

  // The whole list each time: a store has tens of cashiers, and a revocation must disappear.
  app.get('/api/v1/pull/cashiers', terminal, async (req) => storeCashiers(db, guards.terminalOf(req).storeId));

  // A PBKDF2 PIN hash becomes Argon2id after the cashier's next sign-in (issue 13). Wrong PINs
  // count against the source like manager PINs.
  app.post('/api/v1/cashiers/pin-upgrade', terminal, async (req) => {
    guards.refuseIfThrottled(req);
    const body = PinUpgradeRequest.parse(req.body);
    try {
      return await upgradeCashierPin(db, guards.terminalOf(req).storeId, body.cashierId, body.pin);
    } catch (err) {
      throw err instanceof HttpError && err.code === 'pin_rejected' ? guards.failure(req, err) : err;
    }
  });
}
