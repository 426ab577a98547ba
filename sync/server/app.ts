import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { ZodError } from 'zod';
import { PROTOCOL_VERSION } from '../protocol/schemas';
import { makeGuards } from './auth';
import type { Database } from './db/database';
import { HttpError } from './httpError';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rateLimit';
import { adminRoutes } from './routes/admin';
import { adminConsentRoutes } from './routes/adminConsents';
import { adminHeadOfficeRoutes } from './routes/adminHeadOffice';
import { adminLookupSecretRoutes } from './routes/adminLookupSecrets';
import { adminDeskRoutes } from './routes/adminDesk';
import { adminManagerRoutes } from './routes/adminManagers';
import { adminOfferRoutes } from './routes/adminOffers';
import { adminPageRoutes } from './routes/adminPage';
import { cashierRoutes } from './routes/cashiers';
import { exchangeRoutes } from './routes/exchange';
import { managerRoutes } from './routes/manager';
import { pullRoutes } from './routes/pull';
import { pullContextRoutes } from './routes/pullContexts';
import { adminSegmentRoutes } from './routes/adminSegments';
import { couponRoutes } from './routes/coupons';
import { certificateRoutes } from './routes/certificates';
import { pushRoutes } from './routes/push';
import { feedbackPageRoutes } from './routes/feedbackPage';
import { phoneCodeRoutes, type PhoneCodeOptions } from './routes/phoneCodes';
import { terminalRoutes } from './routes/terminal';
import { receiptRoutes } from './routes/receipts';
import { DEFAULT_MANAGER_SETTINGS, type ManagerSettings } from './managers';
import { recordRoutes } from './routeTable';
import { RulesCache } from './rules';
import { safeError } from './safeLog';
import { DEFAULT_SOURCE_THROTTLE, SourceThrottle, type SourceThrottleOptions } from './sourceThrottle';
import { screenValue, TEXT_MESSAGES } from './textScreen';

export interface AppOptions {
  db: Database;
  /** Bearer token for head-office administration endpoints. */
  adminToken: string;
  /** true: JSON logs to stdout; or a destination (tests read what was logged). */
  logger?: boolean | { write(line: string): void };
  rateLimit?: RateLimitOptions;
  /** Manager sign-in: session length and the wrong-PIN throttle (per store). */
  managers?: Partial<ManagerSettings>;
  /** Failed credentials per source address (a throttle made elsewhere, e.g. with a test clock). */
  sourceThrottle?: SourceThrottleOptions | SourceThrottle;
  /**
   * Proxies whose X-Forwarded-For names the real source (addresses or CIDRs). Unset: the
   * socket's address is the source. Never "trust everyone": the header is spoofable.
   */
  trustProxy?: string[];
  /** SMS one-time codes: the fallback gateway (the demo's fake), settings and a clock (tests). */
  phoneCodes?: PhoneCodeOptions;
  /** Serve HTTPS with this certificate and key (PEM); tills may pin the certificate (issue 13). */
  https?: { cert: string | Buffer; key: string | Buffer };
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
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-manager-token"]',
        'req.query',
        'req.body',
        '*.phone',
        '*.email',
        '*.firstName',
        '*.cardNumber',
        '*.token',
        '*.lookupSecret',
        '*.key',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], reqId: req.id }),
    },
  };
}

export async function buildApp({
  db,
  adminToken,
  logger = false,
  rateLimit = DEFAULT_RATE_LIMIT,
  managers = {},
  sourceThrottle = DEFAULT_SOURCE_THROTTLE,
  trustProxy,
  phoneCodes,
  https,
}: AppOptions): Promise<FastifyInstance> {
  const options: FastifyServerOptions = {
    bodyLimit: 1024 * 1024,
    logger: loggerOptions(logger),
    // Offer ids may be 200 characters (the engine's limit) and appear in paths: the router's default of 100 is too short.
    routerOptions: { maxParamLength: 256 },
    // Errors found before routing (a malformed URL) in the same {code, message} shape as all others.
    frameworkErrors: (err, _req, reply) => {
      const code = typeof err.code === 'string' ? err.code.toLowerCase() : 'bad_request';
      void (reply as unknown as FastifyReply).code(400).send({ code, message: err.message });
    },
  };
  if (trustProxy !== undefined) options.trustProxy = trustProxy;
  // HTTPS through a server factory, so the app keeps one type whichever it serves.
  if (https) options.serverFactory = (handler) => createHttpsServer(https, handler) as unknown as HttpServer;
  const app = Fastify(options);
  recordRoutes(app);

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ZodError) {
      return reply.status(400).send({
        code: 'invalid_request',
        message: err.issues
          .slice(0, 10)
          .map((i) => `${i.path.join('.') || 'request'}: ${i.message}`)
          .join('; '),
        details: err.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    if (err instanceof HttpError) {
      const wait = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (err.status === 429 && typeof wait === 'number') reply.header('retry-after', String(wait));
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

  // Every text at the door, before anything reads it: too-deep bodies, NUL, lone surrogates and
  // card numbers are a 400 on every route. A push is screened event by event instead (one bad
  // event is rejected alone, and recorded); only its depth is checked here.
  app.addHook('preValidation', async (req) => {
    const push = req.routeOptions.url === '/api/v1/push';
    const found = screenValue(req.body, { texts: !push }) ?? screenValue(req.query) ?? screenValue(req.params);
    if (found) throw new HttpError(400, found.code, TEXT_MESSAGES[found.code], { path: found.path });
  });

  const deps = {
    db,
    guards: makeGuards(
      db,
      adminToken,
      new RateLimiter(rateLimit),
      sourceThrottle instanceof SourceThrottle ? sourceThrottle : new SourceThrottle(sourceThrottle),
    ),
    rules: new RulesCache(),
    managers: { ...DEFAULT_MANAGER_SETTINGS, ...managers },
  };

  app.get('/api/v1/health', async () => ({ ok: true, protocol: PROTOCOL_VERSION, time: new Date().toISOString() }));
  terminalRoutes(app, deps);
  receiptRoutes(app, deps);
  pullRoutes(app, deps);
  pullContextRoutes(app, deps);
  adminSegmentRoutes(app, deps);
  couponRoutes(app, deps);
  certificateRoutes(app, deps);
  adminDeskRoutes(app, deps);
  pushRoutes(app, deps, phoneCodes);
  managerRoutes(app, deps);
  adminRoutes(app, deps);
  adminManagerRoutes(app, deps);
  cashierRoutes(app, deps);
  adminOfferRoutes(app, deps);
  adminConsentRoutes(app, deps);
  exchangeRoutes(app, deps);
  adminHeadOfficeRoutes(app, deps);
  adminLookupSecretRoutes(app, deps);
  phoneCodeRoutes(app, deps, phoneCodes);
  adminPageRoutes(app);
  feedbackPageRoutes(app, deps);
  return app;
}
