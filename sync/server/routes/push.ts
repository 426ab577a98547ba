import type { FastifyInstance } from 'fastify';
import { MAX_PUSH_BATCH, PushRequest, type PushResponse } from '../../protocol/events';
import { loadChainPolicy, screenEvent } from '../eventScreen';
import { HttpError } from '../httpError';
import { pushBatch } from '../push/pushBatch';
import { defaultGatewayOf } from '../phoneCodes';
import { sellsCertificate, sendActivatedCertificateCodes } from '../electronicCertificates';
import { feedbackTokensOf, recordFeedbackLinks, sendDueFeedbackSms } from '../feedbackLinks';
import { printsNextOrderCoupons, sendDueCouponSms } from '../nextOrderCoupons';
import type { PhoneCodeOptions } from './phoneCodes';
import type { RouteDeps } from './deps';

/** Till events in, one answer per event: applied, duplicate (with the first answer) or rejected. */
export function pushRoutes(app: FastifyInstance, { db, guards, rules }: RouteDeps, sms: PhoneCodeOptions = {}): void {
  const smsDeps = { db, gatewayOf: sms.gatewayOf ?? defaultGatewayOf, fallback: sms.fallback ?? null };
  app.post('/api/v1/push', { preHandler: [guards.requireTerminal, guards.rateLimit] }, async (req): Promise<PushResponse> => {
    const raw = req.body as { events?: unknown } | null;
    if (raw && Array.isArray(raw.events) && raw.events.length > MAX_PUSH_BATCH) {
      throw new HttpError(413, 'batch_too_large', `At most ${MAX_PUSH_BATCH} events per request; this one has ${raw.events.length}.`);
    }
    const body = PushRequest.parse(req.body);
    const terminal = guards.terminalOf(req);
    const policy = await loadChainPolicy(db, terminal.chainId);
    const now = Date.now();
    const results = await pushBatch(db, rules, terminal, body.events, req.log, (ev) => screenEvent(ev, policy, now));
    // After the commit, never inside it: an electronic certificate this push activated gets its code by SMS, once.
    if (body.events.some(sellsCertificate)) await sendActivatedCertificateCodes(smsDeps, terminal.chainId, req.log);
    // Feedback links (issue 16) of the applied sales, before the answer: a till that gets no answer resends and they are made then.
    // Due SMS (new, or retried after a failure) go with any push that carries feedback tokens.
    if (feedbackTokensOf(body.events).length > 0) {
      await recordFeedbackLinks(db, terminal, body.events);
      await sendDueFeedbackSms(smsDeps, terminal.chainId, req.log);
    }
    // Next-order coupons (issue 16) issued by this push to customers who agreed to SMS: sent after the commit, once.
    if (printsNextOrderCoupons(body.events)) await sendDueCouponSms(smsDeps, terminal.chainId, req.log);
    const count = (s: string) => results.filter((r) => r.status === s).length;
    req.log.info(
      { terminalId: terminal.terminalId, events: results.length, applied: count('applied'), duplicate: count('duplicate'), rejected: count('rejected') },
      'push',
    );
    return { results };
  });
}
