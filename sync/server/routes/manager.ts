import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FiguresQuery, ManagerSessionRequest, StoreOffersQuery } from '../../protocol/manager';
import { storeFigures } from '../figures';
import { storeFeedback } from '../feedbackScores';
import { HttpError } from '../httpError';
import { authenticateManager, endManagerSession, managerToken, openManagerSession, type ManagerContext } from '../managers';
import { storeOffers } from '../storeOffers';
import type { RouteDeps } from './deps';

/**
 * The manager screens of a till. Every endpoint needs the terminal's own credential; all but
 * sign-in also the manager token of a session opened on that terminal. Answers cover the
 * terminal's own store and carry counts and sums, never a customer's personal data.
 */
export function managerRoutes(app: FastifyInstance, { db, guards, managers }: RouteDeps): void {
  const terminal = [guards.requireTerminal, guards.rateLimit];
  const requireManager = async (req: FastifyRequest) => {
    try {
      req.manager = await authenticateManager(db, req, guards.terminalOf(req));
    } catch (err) {
      // A forged or stale manager token counts against the source; a missing one is the till's slip.
      throw err instanceof HttpError && err.code === 'manager_session_invalid' ? guards.failure(req, err) : err;
    }
  };
  const manager = { preHandler: [...terminal, requireManager] };
  const managerOf = (req: FastifyRequest): ManagerContext => {
    if (!req.manager) throw new HttpError(401, 'manager_required', 'This needs a store manager: sign in with the manager PIN or card.');
    return req.manager;
  };

  // Wrong PINs count twice: per store in the database (managers.ts) and per source address here.
  app.post('/api/v1/manager/session', { preHandler: terminal }, async (req) => {
    guards.refuseIfThrottled(req);
    const body = ManagerSessionRequest.parse(req.body);
    try {
      return await openManagerSession(db, guards.terminalOf(req), body, managers);
    } catch (err) {
      throw err instanceof HttpError && err.code === 'manager_credential_rejected' ? guards.failure(req, err) : err;
    }
  });

  // Who is signed in (the till shows it); the token is checked like any manager request.
  app.get('/api/v1/manager/session', manager, async (req) => {
    const m = managerOf(req);
    return { managerId: m.managerId, managerName: m.name, storeId: m.storeId };
  });

  app.delete('/api/v1/manager/session', manager, async (req) => {
    managerOf(req);
    await endManagerSession(db, managerToken(req)!);
    return { ended: true };
  });

  app.get('/api/v1/manager/figures', manager, async (req) => {
    const q = FiguresQuery.parse(req.query);
    return storeFigures(db, managerOf(req).storeId, q.date ?? null, q.to ?? null);
  });

  app.get('/api/v1/manager/feedback', manager, async (req) => {
    const q = FiguresQuery.parse(req.query);
    return storeFeedback(db, managerOf(req).storeId, q.date ?? null, q.to ?? null);
  });

  app.get('/api/v1/manager/offers', manager, async (req) => {
    const q = StoreOffersQuery.parse(req.query);
    return storeOffers(db, managerOf(req).storeId, q);
  });
}
