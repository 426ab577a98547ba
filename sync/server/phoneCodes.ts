import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { maskPhone } from '../../core/phone';
import type { PhoneCodePurpose, PhoneCodeRequest, PhoneCodeSent, PhoneCodeVerified } from '../protocol/phoneCodes';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';
import { SmsGatewayConfig, SmsGatewayError, gatewayFor, type SmsGateway } from './sms/smsGateway';
import type { TerminalContext } from './terminals';

/**
 * SMS one-time codes (issue 13, High 2). Only a salted hash of a code is stored; a code lives
 * `ttlSeconds`, takes `maxAttempts` tries, and is bound to the till that asked. Codes to one
 * phone are throttled (one per `resendAfterSeconds`, `perPhonePerHour`), and so are a till's
 * (`perTerminalPerHour`). All state is in the database, so any number of server instances agree.
 * A right code gives a confirmation: a random token (kept hashed) that one sale's spend or one
 * registration's merge spends, within `confirmationTtlSeconds`.
 */
export interface PhoneCodeSettings {
  ttlSeconds: number;
  maxAttempts: number;
  resendAfterSeconds: number;
  perPhonePerHour: number;
  perTerminalPerHour: number;
  confirmationTtlSeconds: number;
}

export const DEFAULT_PHONE_CODE_SETTINGS: PhoneCodeSettings = {
  ttlSeconds: 300,
  maxAttempts: 5,
  resendAfterSeconds: 60,
  perPhonePerHour: 5,
  perTerminalPerHour: 30,
  confirmationTtlSeconds: 1_800,
};

export interface PhoneCodeDeps {
  db: Database;
  settings: PhoneCodeSettings;
  /** The chain's gateway from its configuration; `fallback` where a chain has none (the demo's fake). */
  gatewayOf: (config: SmsGatewayConfig) => SmsGateway;
  fallback: SmsGateway | null;
  now: () => number;
}

const HOUR_MS = 3_600_000;

export function codeHash(challengeId: string, code: string): string {
  return createHash('sha256').update(`${challengeId}:${code}`).digest('hex');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Per-phone throttles without keeping the number: keyed with the chain's secret. */
async function phoneHash(tx: Sql, chainId: number, e164: string): Promise<string> {
  const [chain] = await tx.query<{ lookup_secret: string }>('SELECT lookup_secret FROM chains WHERE id = $1', [chainId]);
  return createHmac('sha256', `phone-code:${chain?.lookup_secret ?? ''}`)
    .update(e164)
    .digest('hex');
}

/** The chain's SMS gateway (its own, else the fallback); 503 sms_gateway_not_configured when it has none. */
export async function gatewayForChain(deps: Pick<PhoneCodeDeps, 'db' | 'gatewayOf' | 'fallback'>, chainId: number): Promise<SmsGateway> {
  const [row] = await deps.db.query<{ config: unknown }>('SELECT config FROM sms_gateways WHERE chain_id = $1', [chainId]);
  if (row) {
    const config = SmsGatewayConfig.safeParse(typeof row.config === 'string' ? JSON.parse(row.config) : row.config);
    if (config.success) return deps.gatewayOf(config.data);
  }
  if (deps.fallback) return deps.fallback;
  throw new HttpError(
    503,
    'sms_gateway_not_configured',
    'The chain has no SMS gateway: head office configures one (PUT /api/v1/admin/chains/:chainId/sms-gateway).',
  );
}

async function customerOf(tx: Sql, chainId: number, request: PhoneCodeRequest): Promise<{ id: number; phone: string }> {
  if (request.purpose === 'register') {
    const [row] = await tx.query<{ id: number }>('SELECT id FROM customers WHERE chain_id = $1 AND phone_e164 = $2 ORDER BY id LIMIT 1', [
      chainId,
      request.phone,
    ]);
    if (!row) throw new HttpError(404, 'phone_not_registered', 'No customer of the chain has this phone: the registration needs no code.');
    return { id: Number(row.id), phone: request.phone };
  }
  const ref = request.customerId;
  const [row] = await tx.query<{ id: number; phone_e164: string | null }>(
    /^\d+$/.test(ref)
      ? 'SELECT id, phone_e164 FROM customers WHERE chain_id = $1 AND id = $2::bigint'
      : 'SELECT c.id, c.phone_e164 FROM customer_aliases a JOIN customers c ON c.id = a.customer_id WHERE c.chain_id = $1 AND a.alias = $2',
    [chainId, ref],
  );
  if (!row) throw new HttpError(404, 'customer_not_found', 'No such customer (a registration made offline may not have reached the server yet).');
  if (!row.phone_e164) throw new HttpError(409, 'customer_has_no_phone', 'This customer has no confirmed phone to send a code to.');
  return { id: Number(row.id), phone: row.phone_e164 };
}

function smsText(purpose: PhoneCodePurpose, code: string): string {
  return purpose === 'spend'
    ? `Код ${code} — подтверждение списания бонусов. Никому не сообщайте его, кроме кассира.`
    : `Код ${code} — подтверждение телефона в программе лояльности. Никому не сообщайте его, кроме кассира.`;
}

/** Send a code: refused with a clear code when throttled, when nobody has the phone, or when the SMS cannot go. */
export async function sendPhoneCode(deps: PhoneCodeDeps, terminal: TerminalContext, request: PhoneCodeRequest): Promise<PhoneCodeSent> {
  const { settings } = deps;
  const now = deps.now();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = randomUUID();
  const issued = await deps.db.transaction(async (tx) => {
    const customer = await customerOf(tx, terminal.chainId, request);
    const hash = await phoneHash(tx, terminal.chainId, customer.phone);
    // Two requests for one phone (two tills, two instances) are decided one after the other.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`phone-code:${hash}`]);
    const [phone] = await tx.query<{ n: number; last: number | null }>(
      `SELECT count(*)::int AS n, (extract(epoch FROM max(created_at)) * 1000)::float8 AS last
       FROM phone_codes WHERE chain_id = $1 AND phone_hash = $2 AND created_at > to_timestamp($3 / 1000.0)`,
      [terminal.chainId, hash, now - HOUR_MS],
    );
    const last = phone?.last === null || phone?.last === undefined ? null : Number(phone.last);
    if (last !== null && now - last < settings.resendAfterSeconds * 1000) {
      const wait = Math.max(1, Math.ceil((last + settings.resendAfterSeconds * 1000 - now) / 1000));
      throw new HttpError(429, 'phone_code_resend_too_soon', `A code was sent to this phone a moment ago; another in ${wait} s.`, { retryAfterSeconds: wait });
    }
    if (Number(phone?.n ?? 0) >= settings.perPhonePerHour) {
      throw new HttpError(429, 'phone_code_phone_limit', 'Too many codes to this phone in the last hour.', { retryAfterSeconds: 3_600 });
    }
    const [till] = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM phone_codes WHERE terminal_id = $1 AND created_at > to_timestamp($2 / 1000.0)',
      [terminal.terminalId, now - HOUR_MS],
    );
    if (Number(till?.n ?? 0) >= settings.perTerminalPerHour) {
      throw new HttpError(429, 'phone_code_till_limit', 'This till has sent too many codes in the last hour.', { retryAfterSeconds: 3_600 });
    }
    await tx.query(
      `INSERT INTO phone_codes (id, chain_id, terminal_id, customer_id, phone_hash, purpose, code_hash, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0), to_timestamp($9 / 1000.0))`,
      [id, terminal.chainId, terminal.terminalId, customer.id, hash, request.purpose, codeHash(id, code), now, now + settings.ttlSeconds * 1000],
    );
    return customer;
  });
  try {
    const gateway = await gatewayForChain(deps, terminal.chainId);
    await gateway.send({ to: issued.phone, text: smsText(request.purpose, code) });
  } catch (err) {
    // Not sent: the code is withdrawn, so it neither counts against the phone nor can be guessed.
    await deps.db.query('DELETE FROM phone_codes WHERE id = $1', [id]);
    if (err instanceof HttpError) throw err;
    const retryable = err instanceof SmsGatewayError ? err.retryable : true;
    throw new HttpError(503, 'sms_unavailable', 'The SMS could not be sent; try again, or identify the customer by card.', { retryable });
  }
  return {
    challengeId: id,
    customerId: String(issued.id),
    maskedPhone: maskPhone(issued.phone),
    expiresAt: new Date(now + settings.ttlSeconds * 1000).toISOString(),
    attempts: settings.maxAttempts,
    resendAfterSeconds: settings.resendAfterSeconds,
  };
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Check a code the customer read out. A wrong one spends an attempt (kept even though the answer is an error). */
export async function verifyPhoneCode(deps: PhoneCodeDeps, terminal: TerminalContext, challengeId: string, code: string): Promise<PhoneCodeVerified> {
  const { settings } = deps;
  const now = deps.now();
  const outcome = await deps.db.transaction(async (tx) => {
    const [row] = await tx.query<{
      customer_id: number;
      purpose: PhoneCodePurpose;
      code_hash: string;
      expires_ms: number;
      attempts: number;
      verified: boolean;
    }>(
      `SELECT customer_id, purpose, code_hash, (extract(epoch FROM expires_at) * 1000)::float8 AS expires_ms, attempts, verified_at IS NOT NULL AS verified
       FROM phone_codes WHERE id = $1 AND chain_id = $2 AND terminal_id = $3 FOR UPDATE`,
      [challengeId, terminal.chainId, terminal.terminalId],
    );
    if (!row) return { error: new HttpError(404, 'phone_code_unknown', 'No such code was sent from this till.') };
    if (row.verified) return { error: new HttpError(409, 'phone_code_used', 'This code has been used already.') };
    if (now > Number(row.expires_ms)) return { error: new HttpError(410, 'phone_code_expired', 'The code has expired: send a new one.') };
    if (row.attempts >= settings.maxAttempts) {
      return { error: new HttpError(429, 'phone_code_attempts_exhausted', 'Too many wrong codes: send a new one.', { attemptsLeft: 0 }) };
    }
    if (!sameHash(row.code_hash, codeHash(challengeId, code))) {
      const left = settings.maxAttempts - row.attempts - 1;
      await tx.query('UPDATE phone_codes SET attempts = attempts + 1 WHERE id = $1', [challengeId]);
      return {
        error:
          left > 0
            ? new HttpError(422, 'phone_code_wrong', `Wrong code; ${left} more tries.`, { attemptsLeft: left })
            : new HttpError(429, 'phone_code_attempts_exhausted', 'Too many wrong codes: send a new one.', { attemptsLeft: 0 }),
        wrong: true,
      };
    }
    const token = randomBytes(32).toString('base64url');
    const expiresMs = now + settings.confirmationTtlSeconds * 1000;
    await tx.query('UPDATE phone_codes SET verified_at = to_timestamp($2 / 1000.0) WHERE id = $1', [challengeId, now]);
    await tx.query(
      `INSERT INTO phone_confirmations (token_hash, code_id, chain_id, terminal_id, customer_id, purpose, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), to_timestamp($8 / 1000.0))`,
      [tokenHash(token), challengeId, terminal.chainId, terminal.terminalId, row.customer_id, row.purpose, now, expiresMs],
    );
    return {
      verified: { confirmation: token, customerId: String(row.customer_id), purpose: row.purpose, expiresAt: new Date(expiresMs).toISOString() },
    };
  });
  if ('verified' in outcome && outcome.verified) return outcome.verified;
  throw outcome.error!;
}

/**
 * Spend a confirmation for one event: it must be this chain's and terminal's, for this
 * customer and purpose, not expired at `atMs`, and unused (or used by this same event: a resend).
 */
export async function useConfirmation(
  tx: Sql,
  proof: { token: string; chainId: number; terminalId: string; customerId: number; purpose: PhoneCodePurpose; eventId: string; atMs: number },
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE phone_confirmations SET used_by_event = $7
     WHERE token_hash = $1 AND chain_id = $2 AND terminal_id = $3 AND customer_id = $4 AND purpose = $5
       AND expires_at >= to_timestamp($6 / 1000.0) AND (used_by_event IS NULL OR used_by_event = $7)
     RETURNING 1`,
    [tokenHash(proof.token), proof.chainId, proof.terminalId, proof.customerId, proof.purpose, proof.atMs, proof.eventId],
  );
  return rows.length > 0;
}

/** A chain's SMS gateway settings as head office sees them: never the token. */
export async function smsGatewaySettings(db: Sql, chainId: number): Promise<{ configured: boolean; url?: string; sender?: string; timeoutMs?: number }> {
  const [row] = await db.query<{ config: unknown }>('SELECT config FROM sms_gateways WHERE chain_id = $1', [chainId]);
  const parsed = row ? SmsGatewayConfig.safeParse(typeof row.config === 'string' ? JSON.parse(row.config) : row.config) : null;
  if (!parsed?.success) return { configured: false };
  return { configured: true, url: parsed.data.url, sender: parsed.data.sender, timeoutMs: parsed.data.timeoutMs };
}

export function defaultGatewayOf(config: SmsGatewayConfig): SmsGateway {
  return gatewayFor(config);
}
