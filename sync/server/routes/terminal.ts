import type { FastifyInstance } from 'fastify';
import { EnrolRequest, LookupQuery } from '../../protocol/schemas';
import { TillReport, type TillReportAnswer } from '../../protocol/tillReport';
import { lookupCustomer } from '../customers';
import { HttpError } from '../httpError';
import { enrol, terminalInfo } from '../terminals';
import type { RouteDeps } from './deps';

/** Enrolment, the terminal's own info, and online lookup of a customer the till has not cached. */
export function terminalRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const terminal = { preHandler: [guards.requireTerminal, guards.rateLimit] };

  // A ten-character code can be guessed: a source that failed too often is refused unchecked.
  app.post('/api/v1/enrol', async (req) => {
    guards.refuseIfThrottled(req);
    const body = EnrolRequest.parse(req.body);
    try {
      return await enrol(db, body.code, body.deviceName);
    } catch (err) {
      throw err instanceof HttpError && err.code === 'enrolment_code_invalid' ? guards.failure(req, err) : err;
    }
  });

  app.get('/api/v1/terminal', terminal, async (req) => terminalInfo(db, guards.terminalOf(req).terminalId));

  // The till's heartbeat: its version and outbox counts, for head office's tills list.
  app.post('/api/v1/heartbeat', terminal, async (req): Promise<TillReportAnswer> => {
    const report = TillReport.parse(req.body);
    const [row] = await db.query<{ reported_at: Date }>(
      `UPDATE terminals SET app_version = $2, unsent_events = $3, refused_events = $4, reported_at = now()
       WHERE id = $1 RETURNING reported_at`,
      [guards.terminalOf(req).terminalId, report.appVersion, report.unsent, report.refused],
    );
    return { reportedAt: new Date(row!.reported_at).toISOString() };
  });

  app.get('/api/v1/lookup', terminal, async (req) => {
    const q = LookupQuery.parse(req.query);
    const by = q.card
      ? { kind: 'card' as const, key: q.card }
      : q.phoneKey
        ? { kind: 'phone' as const, key: q.phoneKey }
        : { kind: 'bank' as const, key: q.bankKey ?? '' };
    const customer = await lookupCustomer(db, guards.terminalOf(req).chainId, by);
    if (!customer) throw new HttpError(404, 'customer_not_found', 'No customer has this identifier.');
    return { customer };
  });
}
