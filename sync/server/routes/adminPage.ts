import type { FastifyInstance, FastifyReply } from 'fastify';
import { OFFERS_CSS, OFFERS_HTML, OFFERS_JS } from '../adminPage/offersPage';

/** Nothing but this origin's own files; no framing, no base or form tricks. */
export const ADMIN_PAGE_CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function send(reply: FastifyReply, type: string, body: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-security-policy', ADMIN_PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-store')
    .send(body);
}

/**
 * The head-office offers page. The page itself is public (it holds no data); everything it shows
 * comes from admin endpoints with the token the user pastes into it.
 */
export function adminPageRoutes(app: FastifyInstance): void {
  app.get('/admin/offers', async (_req, reply) => send(reply, 'text/html; charset=utf-8', OFFERS_HTML));
  app.get('/admin/offers.js', async (_req, reply) => send(reply, 'text/javascript; charset=utf-8', OFFERS_JS));
  app.get('/admin/offers.css', async (_req, reply) => send(reply, 'text/css; charset=utf-8', OFFERS_CSS));
}
