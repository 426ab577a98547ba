import { randomUUID } from 'node:crypto';
import type { EnrolResponse, EnrolmentCode, TerminalInfo } from '../protocol/schemas';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';
import { phoneSecrets } from './lookupSecrets';
import { hashToken, newEnrolmentCode, newToken, normaliseEnrolmentCode } from './tokens';

/** Who is calling, with what the server needs of its store and chain; never sent anywhere. */
export interface TerminalContext {
  terminalId: string;
  storeId: number;
  chainId: number;
  regionId: number | null;
  timeZone: string;
  /** The chain's bank-card key secret (phone keys: lookupSecrets.ts). */
  lookupSecret: string;
}

export async function createEnrolmentCode(db: Sql, storeId: number, ttlMinutes: number): Promise<EnrolmentCode> {
  const store = await db.query('SELECT id FROM stores WHERE id = $1', [storeId]);
  if (store.length === 0) throw new HttpError(404, 'store_not_found', `Store ${storeId} does not exist`);
  const code = newEnrolmentCode();
  const rows = await db.query<{ expires_at: Date }>(
    `INSERT INTO enrolment_codes (code_hash, store_id, expires_at)
     VALUES ($1, $2, now() + make_interval(mins => $3::int)) RETURNING expires_at`,
    [hashToken(code), storeId, ttlMinutes],
  );
  return { code, storeId, expiresAt: new Date(rows[0]!.expires_at).toISOString() };
}

/** Exchange a one-time code for the terminal's own credential. The code is spent even if two tills race. */
export async function enrol(db: Database, code: string, deviceName: string): Promise<EnrolResponse> {
  return db.transaction(async (tx) => {
    const terminalId = randomUUID();
    const claimed = await tx.query<{ store_id: number }>(
      `UPDATE enrolment_codes SET used_at = now(), terminal_id = $2
       WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING store_id`,
      [hashToken(normaliseEnrolmentCode(code)), terminalId],
    );
    if (claimed.length === 0) {
      throw new HttpError(403, 'enrolment_code_invalid', 'The enrolment code is unknown, expired or already used. Ask for a new code.');
    }
    const token = newToken();
    await tx.query('INSERT INTO terminals (id, store_id, name, token_hash) VALUES ($1, $2, $3, $4)', [
      terminalId,
      claimed[0]!.store_id,
      deviceName,
      hashToken(token),
    ]);
    const info = await terminalInfo(tx, terminalId);
    return { ...info, token };
  });
}

export async function terminalInfo(db: Sql, terminalId: string): Promise<TerminalInfo> {
  const rows = await db.query<{
    name: string;
    store_id: number;
    store_name: string;
    time_zone: string;
    chain_id: number;
    chain_name: string;
    card_prefix: string;
    lookup_secret: string;
    region_id: number | null;
    card_limit: string | null;
  }>(
    `SELECT t.name, s.id AS store_id, s.name AS store_name, s.time_zone, s.region_id, c.id AS chain_id, c.name AS chain_name,
            c.card_prefix, c.lookup_secret,
            (SELECT p.body->>'cardPaymentLimitKopecks' FROM programmes p WHERE p.chain_id = c.id) AS card_limit
     FROM terminals t JOIN stores s ON s.id = t.store_id JOIN chains c ON c.id = s.chain_id WHERE t.id = $1`,
    [terminalId],
  );
  const r = rows[0];
  if (!r) throw new HttpError(404, 'terminal_not_found', 'Terminal not found');
  return {
    terminalId,
    terminalName: r.name,
    storeId: r.store_id,
    storeName: r.store_name,
    storeTimeZone: r.time_zone,
    // The same string the server's pricing uses for the store's region (push/context.ts).
    regionId: r.region_id === null ? 'none' : String(r.region_id),
    chainId: r.chain_id,
    chainName: r.chain_name,
    cardPrefix: r.card_prefix,
    lookupSecret: r.lookup_secret,
    phoneSecrets: await phoneSecrets(db, r.chain_id),
    cardPaymentLimitKopecks: r.card_limit === null ? null : Number(r.card_limit),
  };
}

export async function authenticateTerminal(db: Sql, token: string): Promise<TerminalContext | null> {
  const rows = await db.query<{ id: string; store_id: number; chain_id: number; region_id: number | null; time_zone: string; lookup_secret: string }>(
    `SELECT t.id, t.store_id, s.chain_id, s.region_id, s.time_zone, c.lookup_secret
     FROM terminals t JOIN stores s ON s.id = t.store_id JOIN chains c ON c.id = s.chain_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
    [hashToken(token)],
  );
  const r = rows[0];
  return r ? { terminalId: r.id, storeId: r.store_id, chainId: r.chain_id, regionId: r.region_id, timeZone: r.time_zone, lookupSecret: r.lookup_secret } : null;
}

export async function revokeTerminal(db: Sql, terminalId: string): Promise<boolean> {
  const rows = await db.query('UPDATE terminals SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [terminalId]);
  return rows.length > 0;
}
