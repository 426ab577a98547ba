import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { maskPhone } from '../../../core/phone';
import { PhoneCodeCheck, PhoneCodeParams, PhoneCodeRequest } from '../../protocol/phoneCodes';
import { HttpError } from '../httpError';
import { DEFAULT_PHONE_CODE_SETTINGS, defaultGatewayOf, sendPhoneCode, smsGatewaySettings, verifyPhoneCode, type PhoneCodeDeps } from '../phoneCodes';
import { SmsGatewayConfig, type SmsGateway } from '../sms/smsGateway';
import type { RouteDeps } from './deps';

/** What buildApp takes to wire phone codes: a fake gateway, settings and a clock in tests. */
export interface PhoneCodeOptions {
  /** Where a chain without its own gateway sends codes (the demo's and the tests' fake); none: such chains cannot send. */
  fallback?: SmsGateway | null;
  gatewayOf?: PhoneCodeDeps['gatewayOf'];
  settings?: Partial<PhoneCodeDeps['settings']>;
  now?: () => number;
}

const ChainParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });
const Page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});

/**
 * The till: send a code to a customer's phone, check it (both need the terminal's credential;
 * wrong codes also count against the source address, as wrong PINs do). Head office: the
 * chain's SMS gateway, and the customers registered with a known phone whose code was never
 * confirmed, waiting to be merged (or not).
 */
export function phoneCodeRoutes(app: FastifyInstance, { db, guards }: RouteDeps, options: PhoneCodeOptions = {}): void {
  const deps: PhoneCodeDeps = {
    db,
    settings: { ...DEFAULT_PHONE_CODE_SETTINGS, ...options.settings },
    gatewayOf: options.gatewayOf ?? defaultGatewayOf,
    fallback: options.fallback ?? null,
    now: options.now ?? Date.now,
  };
  const terminal = { preHandler: [guards.requireTerminal, guards.rateLimit] };
  const admin = { preHandler: guards.requireAdmin };

  app.post('/api/v1/phone-codes', terminal, async (req) => sendPhoneCode(deps, guards.terminalOf(req), PhoneCodeRequest.parse(req.body)));

  app.post('/api/v1/phone-codes/:challengeId/verify', terminal, async (req) => {
    guards.refuseIfThrottled(req);
    const { challengeId } = PhoneCodeParams.parse(req.params);
    const { code } = PhoneCodeCheck.parse(req.body);
    try {
      return await verifyPhoneCode(deps, guards.terminalOf(req), challengeId, code);
    } catch (err) {
      throw err instanceof HttpError && err.code === 'phone_code_wrong' ? guards.failure(req, err) : err;
    }
  });

  app.get('/api/v1/admin/chains/:chainId/sms-gateway', admin, async (req) => smsGatewaySettings(db, ChainParams.parse(req.params).chainId));

  app.put('/api/v1/admin/chains/:chainId/sms-gateway', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const config = SmsGatewayConfig.parse(req.body);
    const [chain] = await db.query('SELECT id FROM chains WHERE id = $1', [chainId]);
    if (!chain) throw new HttpError(404, 'chain_not_found', 'No chain with this id.');
    await db.query(
      `INSERT INTO sms_gateways (chain_id, config) VALUES ($1, $2::jsonb)
       ON CONFLICT (chain_id) DO UPDATE SET config = EXCLUDED.config, updated_at = now()`,
      [chainId, JSON.stringify(config)],
    );
    return smsGatewaySettings(db, chainId);
  });

  // Customers registered with a phone another customer has, without the code: merge at head office.
  app.get('/api/v1/admin/chains/:chainId/merge-candidates', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const { limit, after } = Page.parse(req.query);
    const rows = await db.query<{
      id: number;
      duplicate_of: number;
      first_name: string;
      phone: string | null;
      registered_at: string | null;
      store_id: number | null;
    }>(
      `SELECT id, duplicate_of, first_name, unconfirmed_phone_e164 AS phone, registered_at::text AS registered_at, store_id
       FROM customers WHERE chain_id = $1 AND duplicate_of IS NOT NULL AND id > $2
         AND NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.chain_id = $1 AND e.kind = 'customers_merged' AND e.details->>'from' = customers.id::text)
       ORDER BY id LIMIT $3`,
      [chainId, after, limit],
    );
    return {
      candidates: rows.map((r) => ({
        customerId: String(r.id),
        duplicateOf: String(r.duplicate_of),
        firstName: r.first_name,
        maskedPhone: r.phone ? maskPhone(r.phone) : null,
        registeredAt: r.registered_at,
        storeId: r.store_id,
      })),
      next: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
    };
  });
}
