import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ZodError } from 'zod';
import { PROTOCOL_VERSION } from '../protocol/schemas';
import { makeGuards } from './auth';
import type { Database } from './db/database';
import { HttpError } from './httpError';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rateLimit';
import { adminRoutes } from './routes/admin';
import { adminManagerRoutes } from './routes/adminManagers';
import { adminOfferRoutes } from './routes/adminOffers';
import { adminPageRoutes } from './routes/adminPage';
import { cashierRoutes } from './routes/cashiers';
import { managerRoutes } from './routes/manager';
import { pullRoutes } from './routes/pull';
import { pushRoutes } from './routes/push';
import { terminalRoutes } from './routes/terminal';
import { hasNul } from './push/pushBatch';
import { DEFAULT_MANAGER_SETTINGS, type ManagerSettings } from './managers';
import { RulesCache } from './rules';
import { safeError } from './safeLog';

export interface AppOptions {
  db: Database;
  /** Bearer token for head-office administration endpoints. */
  adminToken: string;
  /** true: JSON logs to stdout; or a destination (tests read what was logged). */
  logger?: boolean | { write(line: string): void };
  rateLimit?: RateLimitOptions;
  /** Manager sign-in: session length and the wrong-PIN throttle (per terminal). */
  managers?: Partial<ManagerSettings>;
}

/**
 * Logs carry method, path (never the query string: it may hold card numbers and lookup keys),
 * status, timing and ids. Bodies are never logged; the redaction list is a second fence.
 */
function loggerOptions(logger: AppOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  return {
    level: 'info',
    ...(logger === true ? {} : { stream: logger }),
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-manager-token"]', 'req.query', 'req.body',
        '*.phone', '*.email', '*.firstName', '*.cardNumber', '*.token', '*.lookupSecret', '*.key',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], reqId: req.id }),
    },
  };
}

export async function buildApp({ db, adminToken, logger = false, rateLimit = DEFAULT_RATE_LIMIT, managers = {} }: AppOptions): Promise<FastifyInstance> {
  // Offer ids may be 200 characters (the engine's limit) and appear in paths: the router's default of 100 is too short.
  const app = Fastify({ bodyLimit: 1024 * 1024, logger: loggerOptions(logger), routerOptions: { maxParamLength: 256 } });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ZodError) {
      return reply.status(400).send({
        code: 'invalid_request',
        message: err.issues.slice(0, 10).map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
        details: err.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    if (err instanceof HttpError) {
      return reply.status(err.status).send({ code: err.code, message: err.message, details: err.details });
    }
    const status = typeof (err as { statusCode?: unknown }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code.toLowerCase() : 'bad_request';
      return reply.status(status).send({ code, message: (err as Error).message });
    }
    req.log.error(safeError(err), 'unhandled error');
    return reply.status(500).send({ code: 'internal', message: 'The server failed to handle the request; it has been logged.' });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ code: 'not_found', message: `No such endpoint: ${req.method} ${req.url.split('?')[0]}` });
  });

  // PostgreSQL text cannot hold NUL: refuse it at the door (push refuses it per event instead).
  app.addHook('preValidation', async (req) => {
    if (req.body !== undefined && req.body !== null && !req.url.startsWith('/api/v1/push') && hasNul(req.body)) {
      throw new HttpError(400, 'invalid_text', 'Text must not contain NUL characters.');
    }
  });

  const deps = {
    db,
    guards: makeGuards(db, adminToken, new RateLimiter(rateLimit)),
    rules: new RulesCache(),
    managers: { ...DEFAULT_MANAGER_SETTINGS, ...managers },
  };

  app.get('/api/v1/health', async () => ({ ok: true, protocol: PROTOCOL_VERSION, time: new Date().toISOString() }));
  terminalRoutes(app, deps);
  pullRoutes(app, deps);
  pushRoutes(app, deps);
  managerRoutes(app, deps);
  adminRoutes(app, deps);
  adminManagerRoutes(app, deps);
  cashierRoutes(app, deps);
  adminOfferRoutes(app, deps);
  adminPageRoutes(app);
  return app;
}
