import { randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from '../db/database';
import { tokenHash } from '../phoneCodes';

/**
 * A confirmation as a right SMS code gives one (phoneCodes.ts verifyPhoneCode), written
 * directly: for tests of what events do with it, without sending a code.
 */
export async function confirmationFor(
  db: Sql,
  o: { terminalId: string; customerId: number | string; purpose: 'spend' | 'register'; chainId?: number; ttlMs?: number },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  const chainId = o.chainId ?? 1;
  const expires = Date.now() + (o.ttlMs ?? 600_000);
  await db.query(
    `INSERT INTO phone_codes (id, chain_id, terminal_id, customer_id, phone_hash, purpose, code_hash, expires_at, verified_at)
     VALUES ($1, $2, $3, $4, 'test', $5, 'test', to_timestamp($6 / 1000.0), now())`,
    [id, chainId, o.terminalId, o.customerId, o.purpose, expires],
  );
  await db.query(
    `INSERT INTO phone_confirmations (token_hash, code_id, chain_id, terminal_id, customer_id, purpose, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0))`,
    [tokenHash(token), id, chainId, o.terminalId, o.customerId, o.purpose, expires],
  );
  return token;
}
