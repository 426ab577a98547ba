import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from './db/database';
import { HttpError } from './httpError';
import type { RateLimiter } from './rateLimit';
import { authenticateTerminal, type TerminalContext } from './terminals';
import { hashToken } from './tokens';

declare module 'fastify' {
  interface FastifyRequest {
    terminal?: TerminalContext;
  }
}

function bearer(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  return header.slice('Bearer '.length).trim() || null;
}

export interface Guards {
  /** A terminal's own credential; sets req.terminal. */
  requireTerminal(req: FastifyRequest): Promise<void>;
  /** After requireTerminal: the terminal's token bucket. */
  rateLimit(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** The head-office administrator token. */
  requireAdmin(req: FastifyRequest): Promise<void>;
  terminalOf(req: FastifyRequest): TerminalContext;
}

/**
 * Roles: a terminal (per-terminal token, stored hashed, revocable) reads and writes for its
 * own store only; the administrator (one configured token) runs head office endpoints.
 * A store manager signs in on a till with a PIN and gets a short-lived manager token that
 * works only together with that terminal's credential (managers.ts, routes/manager.ts).
 */
export function makeGuards(db: Database, adminToken: string, limiter: RateLimiter): Guards {
  const adminHash = Buffer.from(hashToken(adminToken));
  const terminalOf = (req: FastifyRequest): TerminalContext => {
    if (!req.terminal) throw new HttpError(401, 'unauthenticated', 'This request needs the terminal credential.');
    return req.terminal;
  };
  return {
    async requireTerminal(req) {
      const token = bearer(req);
      if (!token) throw new HttpError(401, 'unauthenticated', 'This request needs the terminal credential.');
      if (token.length > 200) throw new HttpError(401, 'credential_rejected', 'The terminal credential is unknown or revoked. Enrol the terminal again.');
      const terminal = await authenticateTerminal(db, token);
      if (!terminal) throw new HttpError(401, 'credential_rejected', 'The terminal credential is unknown or revoked. Enrol the terminal again.');
      req.terminal = terminal;
    },
    async rateLimit(req, reply) {
      const wait = limiter.take(terminalOf(req).terminalId);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        throw new HttpError(429, 'rate_limited', `Too many requests from this terminal; try again in ${wait} s.`);
      }
    },
    async requireAdmin(req) {
      // Compare hashes in constant time, so response timing says nothing about the token.
      const given = Buffer.from(hashToken(bearer(req) ?? ''));
      if (given.length !== adminHash.length || !timingSafeEqual(given, adminHash)) {
        throw new HttpError(401, 'admin_only', 'This endpoint needs the administrator credential.');
      }
    },
    terminalOf,
  };
}
