import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findLink, formPage, messagePage, pageLang, pageText, readAnswer, storeAnswer, type PageLang, type PageText } from '../feedbackPage';
import { HttpError } from '../httpError';
import { RateLimiter, type RateLimitOptions } from '../rateLimit';
import type { RouteDeps } from './deps';

/** Per source address, in this process: a customer rates a purchase in a few requests. */
export const FEEDBACK_PAGE_RATE: RateLimitOptions = { burst: 60, perSecond: 1 };

const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The token is in the address: it must not leak to another site.
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
};

const wantsHtml = (req: FastifyRequest) =>
  /text\/html|\*\/\*/.test(String(req.headers.accept ?? '')) && !/application\/json/.test(String(req.headers.accept ?? ''));

const ERROR_TEXTS: Record<string, [PageText, PageText?]> = {
  feedback_link_malformed: ['notFound', 'notFoundMore'],
  feedback_link_unknown: ['notYet', 'notYetMore'],
  feedback_already_answered: ['already', 'alreadyMore'],
  rate_limited: ['tooMany'],
};

/**
 * GET and POST /f/:token: the customer's feedback page (sync/server/feedbackPage.ts). No
 * credential: the token is one. A browser (Accept: text/html) gets pages, Russian unless asked
 * otherwise, a 404 page for a link that is not (yet) known; any other client the API's JSON errors.
 */
export function feedbackPageRoutes(app: FastifyInstance, { db }: RouteDeps, rate: RateLimitOptions = FEEDBACK_PAGE_RATE): void {
  const limiter = new RateLimiter(rate);
  const limit = (req: FastifyRequest) => {
    const wait = limiter.take(req.ip);
    if (wait !== null) throw new HttpError(429, 'rate_limited', 'Too many requests from this address; try later.', { retryAfterSeconds: wait });
  };
  const html = (reply: FastifyReply, status: number, body: string) => reply.status(status).headers(SECURITY_HEADERS).send(body);
  const langOf = (req: FastifyRequest): PageLang => pageLang(req.query, req.headers['accept-language']);
  const tokenOf = (req: FastifyRequest) => String((req.params as { token?: unknown }).token ?? '');

  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8_192 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    // A browser sees its error as a page; everything else goes to the API's JSON error handler.
    scope.setErrorHandler((err, req, reply) => {
      if (!wantsHtml(req)) throw err;
      const lang = langOf(req);
      const code = err instanceof HttpError ? err.code : '';
      const status = err instanceof HttpError ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
      if (status >= 500) {
        req.log.error({ err: err instanceof Error ? err.message : String(err) }, 'feedback page failed');
        return html(reply, 503, messagePage(lang, pageText(lang, 'failed')));
      }
      if (status === 429 && err instanceof HttpError)
        reply.header('retry-after', String((err.details as { retryAfterSeconds?: number }).retryAfterSeconds ?? 60));
      const [heading, more] = ERROR_TEXTS[code] ?? (code === 'card_number_in_text' ? ['cardNumber'] : code === 'invalid_text' ? ['badText'] : ['failed']);
      return html(reply, status, messagePage(lang, pageText(lang, heading), more && pageText(lang, more)));
    });

    scope.get('/f/:token', async (req, reply) => {
      limit(req);
      const lang = langOf(req);
      const link = await findLink(db, tokenOf(req));
      if (link.answered) return html(reply, 200, messagePage(lang, pageText(lang, 'already'), pageText(lang, 'alreadyMore')));
      return html(reply, 200, formPage(lang, link.token, link.store_name, { visit: null, cashier: null, comment: '' }));
    });

    scope.post('/f/:token', async (req, reply) => {
      limit(req);
      const lang = langOf(req);
      const link = await findLink(db, tokenOf(req));
      const answer = readAnswer(req.body);
      if (!answer.ok) {
        if (!wantsHtml(req)) throw new HttpError(400, 'invalid_feedback', pageText('en', answer.problem));
        return html(reply, 400, formPage(lang, link.token, link.store_name, { ...answer.state, error: pageText(lang, answer.problem) }));
      }
      if (link.answered || !(await storeAnswer(db, link, answer))) {
        throw new HttpError(409, 'feedback_already_answered', 'This purchase has been rated already.');
      }
      return html(reply, 200, messagePage(lang, pageText(lang, 'thanks')));
    });
  });
}
