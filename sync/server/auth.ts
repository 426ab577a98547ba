import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Database } from './db/database';
import { HttpError } from './httpError';
import type { RateLimiter } from './rateLimit';
import type { SourceThrottle } from './sourceThrottle';
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
  rateLimit(req: FastifyRequest): Promise<void>;
  /** The head-office administrator token. */
  requireAdmin(req: FastifyRequest): Promise<void>;
  terminalOf(req: FastifyRequest): TerminalContext;
  /** Before checking a guessable secret (enrolment code, manager PIN): a throttled source is refused unchecked. */
  refuseIfThrottled(req: FastifyRequest): void;
  /** A failed credential from this request's source: counted; the error to answer (429 once throttled). */
  failure(req: FastifyRequest, err: HttpError): HttpError;
}

/** 429 for a source that failed too often; the error handler turns `retryAfterSeconds` into Retry-After. */
export function tooManyFailures(wait: number): HttpError {
  return new HttpError(429, 'too_many_failures', `Too many failed sign-in attempts from this address; try again in ${wait} s.`, { retryAfterSeconds: wait });
}

/**
 * Roles: a terminal (per-terminal token, stored hashed, revocable) reads and writes for its
 * own store only; the administrator (one configured token) runs head office endpoints.
 * A store manager signs in on a till with a PIN and gets a short-lived manager token that
 * works only together with that terminal's credential (managers.ts, routes/manager.ts).
 * Failed credentials are counted per source address (sourceThrottle.ts).
 */
export function makeGuards(db: Database, adminToken: string, limiter: RateLimiter, throttle: SourceThrottle): Guards {
  const adminHash = Buffer.from(hashToken(adminToken));
  const terminalOf = (req: FastifyRequest): TerminalContext => {
    if (!req.terminal) throw new HttpError(401, 'unauthenticated', 'This request needs the terminal credential.');
    return req.terminal;
  };
  const failure = (req: FastifyRequest, err: HttpError): HttpError => {
    const before = throttle.wait(req.ip);
    throttle.failed(req.ip);
    return before === null ? err : tooManyFailures(before);
  };
  const refuseIfThrottled = (req: FastifyRequest): void => {
    const wait = throttle.wait(req.ip);
    if (wait !== null) throw tooManyFailures(wait);
  };
  const rejected = () => new HttpError(401, 'credential_rejected', 'The terminal credential is unknown or revoked. Enrol the terminal again.');
  return {
    async requireTerminal(req) {
      const token = bearer(req);
      if (!token) throw failure(req, new HttpError(401, 'unauthenticated', 'This request needs the terminal credential.'));
      if (token.length > 200) throw failure(req, rejected());
      // Checked even for a throttled source: valid tills behind the same address keep working.
      const terminal = await authenticateTerminal(db, token);
      if (!terminal) throw failure(req, rejected());
      req.terminal = terminal;
    },
    async rateLimit(req) {
      const wait = limiter.take(terminalOf(req).terminalId);
      if (wait !== null) {
        throw new HttpError(429, 'rate_limited', `Too many requests from this terminal; try again in ${wait} s.`, { retryAfterSeconds: wait });
      }
    },
    async requireAdmin(req) {
      refuseIfThrottled(req);
      // Compare hashes in constant time, so response timing says nothing about the token.
      const given = Buffer.from(hashToken(bearer(req) ?? ''));
      if (given.length !== adminHash.length || !timingSafeEqual(given, adminHash)) {
        throw failure(req, new HttpError(401, 'admin_only', 'This endpoint needs the administrator credential.'));
      }
    },
    terminalOf,
    refuseIfThrottled,
    failure,
  };
}
