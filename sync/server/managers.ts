import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { MANAGER_TOKEN_HEADER, type CreateManagerRequest, type ManagerInfo, type ManagerSession, type ManagerSessionRequest } from '../protocol/manager';
import type { Database, Sql } from './db/database';
import { recordExceptions } from './exceptions';
import { HttpError } from './httpError';
import type { TerminalContext } from './terminals';
import { hashToken, newToken } from './tokens';

/**
 * Store managers. A manager belongs to one store and unlocks the manager screens of that
 * store's tills with a PIN (or a manager card). The PIN is kept only as a salted scrypt hash;
 * a successful unlock yields a random manager token, kept as SHA-256, valid for a few minutes
 * and only together with the credential of the terminal it was opened on.
 *
 * Wrong PINs are throttled per store in the database (so all server instances, and all the
 * store's tills, count the same attempts): after `maxFailures` within `windowSeconds` every till
 * of the store is refused, even with the right PIN, until the oldest attempt leaves the window.
 * Per till, a store with ten tills would give a guesser ten times the tries.
 */
export interface ManagerSettings {
  sessionMinutes: number;
  maxFailures: number;
  windowSeconds: number;
}

export const DEFAULT_MANAGER_SETTINGS: ManagerSettings = { sessionMinutes: 15, maxFailures: 5, windowSeconds: 300 };

/** Who unlocked the manager screens; set on the request by `requireManager`. */
export interface ManagerContext {
  managerId: string;
  name: string;
  storeId: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    manager?: ManagerContext;
  }
}

// ~50 ms per hash on the 2-core test machines. A 4-8 digit PIN cannot resist an offline search
// of a stolen database whatever the cost; the hash keeps it from being read, the throttle
// keeps it from being guessed at a till.
const SCRYPT = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

function scryptAsync(secret: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(pin, salt, KEY_BYTES, { ...SCRYPT, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N > 1 << 20 || r > 32 || p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scryptAsync(pin, Buffer.from(m[4]!, 'base64url'), expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of nothing real: verified when a store has no managers, so the answer takes as long. */
let decoy: Promise<string> | null = null;

/*
 * Manager cards are kept like PINs: salted scrypt. A card number is short and often printed on
 * the card; an unsalted fast hash of it in a stolen database would be read back in seconds.
 * Cards hashed before this (SHA-256 of "manager-card:<digits>", no prefix) still verify.
 */
const hashCard = (card: string): Promise<string> => hashPin(`manager-card:${card}`);

async function verifyCard(card: string, stored: string): Promise<boolean> {
  if (stored.startsWith('scrypt$')) return verifyPin(`manager-card:${card}`, stored);
  const legacy = Buffer.from(hashToken(`manager-card:${card}`));
  const given = Buffer.from(stored);
  return given.length === legacy.length && timingSafeEqual(given, legacy);
}

type ManagerRow = {
  id: number;
  store_id: number;
  name: string;
  card_hash: string | null;
  created_at: Date;
  revoked_at: Date | null;
};

function info(r: ManagerRow): ManagerInfo {
  return {
    managerId: String(r.id),
    storeId: r.store_id,
    name: r.name,
    hasCard: r.card_hash !== null,
    createdAt: new Date(r.created_at).toISOString(),
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).toISOString(),
  };
}

/**
 * A new manager for a store. Within a store every active manager's PIN and card must differ:
 * a PIN alone says who unlocked.
 */
export async function createManager(db: Database, storeId: number, req: CreateManagerRequest): Promise<ManagerInfo> {
  const [pinHash, card] = await Promise.all([hashPin(req.pin), req.card ? hashCard(req.card) : null]);
  return db.transaction(async (tx) => {
    // One creation per store at a time, so two managers cannot get the same PIN in a race.
    const store = await tx.query('SELECT id FROM stores WHERE id = $1 FOR UPDATE', [storeId]);
    if (store.length === 0) throw new HttpError(404, 'store_not_found', `Store ${storeId} does not exist.`);
    const active = await tx.query<{ pin_hash: string; card_hash: string | null }>(
      'SELECT pin_hash, card_hash FROM managers WHERE store_id = $1 AND revoked_at IS NULL',
      [storeId],
    );
    const taken = await Promise.all(active.map((m) => verifyPin(req.pin, m.pin_hash)));
    if (taken.some(Boolean)) {
      throw new HttpError(409, 'pin_taken', 'Another manager of this store has this PIN; choose a different one.', [
        { path: 'pin', message: 'already used in this store' },
      ]);
    }
    const cardTaken = req.card ? await Promise.all(active.map((m) => (m.card_hash ? verifyCard(req.card!, m.card_hash) : false))) : [];
    if (cardTaken.some(Boolean)) {
      throw new HttpError(409, 'card_taken', 'Another manager of this store has this card.', [{ path: 'card', message: 'already used in this store' }]);
    }
    const [row] = await tx.query<ManagerRow>(
      `INSERT INTO managers (store_id, name, pin_hash, card_hash) VALUES ($1, $2, $3, $4)
       RETURNING id, store_id, name, card_hash, created_at, revoked_at`,
      [storeId, req.name, pinHash, card],
    );
    return info(row!);
  });
}

export async function listManagers(db: Sql, storeId: number): Promise<ManagerInfo[]> {
  const rows = await db.query<ManagerRow>('SELECT id, store_id, name, card_hash, created_at, revoked_at FROM managers WHERE store_id = $1 ORDER BY id', [
    storeId,
  ]);
  return rows.map(info);
}

/** Revoke a manager: their PIN and card stop working and their open sessions end at once. */
export async function revokeManager(db: Database, managerId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query('UPDATE managers SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [managerId]);
    if (rows.length === 0) return false;
    await tx.query('UPDATE manager_sessions SET ended_at = now() WHERE manager_id = $1 AND ended_at IS NULL', [managerId]);
    return true;
  });
}

/** Unlock the manager screens on this terminal: the right PIN (or card) of a manager of its store. */
export async function openManagerSession(
  db: Database,
  terminal: TerminalContext,
  credential: ManagerSessionRequest,
  settings: ManagerSettings,
): Promise<ManagerSession> {
  // 1. Claim an attempt, counted as failed until it succeeds, so concurrent guesses cannot
  //    slip past the limit. The store's row lock orders its tills' attempts on every instance.
  const claim = await db.transaction(async (tx) => {
    await tx.query('SELECT id FROM stores WHERE id = $1 FOR UPDATE', [terminal.storeId]);
    await tx.query('DELETE FROM manager_unlock_attempts WHERE store_id = $1 AND attempted_at <= now() - make_interval(secs => $2)', [
      terminal.storeId,
      settings.windowSeconds,
    ]);
    // The oldest attempts that still hold the store at its limit: the lock lifts when the
    // (failures - maxFailures + 1)th oldest leaves the window.
    const [w] = await tx.query<{ n: number; wait: number | null }>(
      `SELECT count(*)::int AS n,
              ceil(extract(epoch FROM ((SELECT attempted_at FROM manager_unlock_attempts WHERE store_id = $1
                                        ORDER BY attempted_at DESC OFFSET $3 - 1 LIMIT 1)
                                       + make_interval(secs => $2) - now())))::float8 AS wait
       FROM manager_unlock_attempts WHERE store_id = $1`,
      [terminal.storeId, settings.windowSeconds, settings.maxFailures],
    );
    const failures = Number(w?.n ?? 0);
    if (failures >= settings.maxFailures) return { locked: true as const, wait: Math.max(1, Number(w?.wait ?? settings.windowSeconds)) };
    const [a] = await tx.query<{ id: number }>('INSERT INTO manager_unlock_attempts (terminal_id, store_id) VALUES ($1, $2) RETURNING id', [
      terminal.terminalId,
      terminal.storeId,
    ]);
    const managers = await tx.query<{ id: number; name: string; pin_hash: string; card_hash: string | null }>(
      'SELECT id, name, pin_hash, card_hash FROM managers WHERE store_id = $1 AND revoked_at IS NULL ORDER BY id',
      [terminal.storeId],
    );
    return { locked: false as const, attemptId: Number(a!.id), left: settings.maxFailures - failures - 1, managers };
  });
  if (claim.locked) {
    throw new HttpError(429, 'manager_unlock_locked', `Too many wrong manager PINs at this store; try again in ${claim.wait} s.`, {
      retryAfterSeconds: claim.wait,
    });
  }

  // 2. Check the credential outside any transaction: scrypt is slow on purpose.
  let match: { id: number; name: string } | undefined;
  const pin = credential.pin;
  if (pin !== undefined) {
    decoy ??= hashPin('decoy');
    const hashes = claim.managers.length > 0 ? claim.managers.map((m) => m.pin_hash) : [await decoy];
    const ok = await Promise.all(hashes.map((h) => verifyPin(pin, h)));
    match = claim.managers[ok.indexOf(true)];
  } else {
    const card = credential.card ?? '';
    decoy ??= hashPin('decoy');
    const withCards = claim.managers.filter((m) => m.card_hash !== null);
    const hashes = withCards.length > 0 ? withCards.map((m) => m.card_hash!) : [await decoy];
    const ok = await Promise.all(hashes.map((h) => verifyCard(card, h)));
    match = withCards[ok.indexOf(true)];
  }
  if (!match) {
    if (claim.left === 0) {
      await recordExceptions(db, { chainId: terminal.chainId, eventId: null, terminalId: terminal.terminalId, storeId: terminal.storeId }, [
        { kind: 'manager_unlock_locked', details: { maxFailures: settings.maxFailures, windowSeconds: settings.windowSeconds } },
      ]);
    }
    const what = credential.pin !== undefined ? 'PIN' : 'card';
    throw new HttpError(
      401,
      'manager_credential_rejected',
      claim.left > 0
        ? `Wrong manager ${what}; ${claim.left} more ${claim.left === 1 ? 'try' : 'tries'} before this till is locked for a while.`
        : `Wrong manager ${what}; manager sign-in is now locked at this store's tills for a while.`,
      { attemptsLeft: claim.left },
    );
  }

  // 3. Success: this till's attempts are forgotten (the manager typed them); other tills' stay,
  //    so a guesser at one till is not reset by a manager signing in at another. The session is made.
  const token = newToken();
  const expiresAt = await db.transaction(async (tx) => {
    await tx.query('DELETE FROM manager_unlock_attempts WHERE store_id = $1 AND terminal_id = $2', [terminal.storeId, terminal.terminalId]);
    await tx.query("DELETE FROM manager_sessions WHERE terminal_id = $1 AND expires_at < now() - interval '1 day'", [terminal.terminalId]);
    const [s] = await tx.query<{ expires_at: Date }>(
      `INSERT INTO manager_sessions (token_hash, manager_id, terminal_id, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(mins => $4)) RETURNING expires_at`,
      [hashToken(token), match.id, terminal.terminalId, settings.sessionMinutes],
    );
    return new Date(s!.expires_at).toISOString();
  });
  return { token, expiresAt, managerId: String(match.id), managerName: match.name, storeId: terminal.storeId };
}

/** Sign the manager out on this till: the token stops working. */
export async function endManagerSession(db: Sql, token: string): Promise<void> {
  await db.query('UPDATE manager_sessions SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL', [hashToken(token)]);
}

const TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

export function managerToken(req: FastifyRequest): string | null {
  const raw = req.headers[MANAGER_TOKEN_HEADER];
  const token = Array.isArray(raw) ? raw[0] : raw;
  return token?.trim() || null;
}

/**
 * After requireTerminal: the manager token of a live session opened on this very terminal by
 * a manager of its store who is still a manager. Sets req.manager.
 */
export async function authenticateManager(db: Sql, req: FastifyRequest, terminal: TerminalContext): Promise<ManagerContext> {
  const token = managerToken(req);
  if (!token) throw new HttpError(401, 'manager_required', 'This needs a store manager: sign in with the manager PIN or card.');
  const invalid = new HttpError(401, 'manager_session_invalid', 'The manager sign-in is not valid on this till; sign in with the manager PIN again.');
  if (!TOKEN.test(token)) throw invalid;
  const [s] = await db.query<{ manager_id: number; name: string; store_id: number; terminal_id: string; live: boolean; ended: boolean }>(
    `SELECT s.manager_id, m.name, m.store_id, s.terminal_id::text, s.expires_at > now() AS live,
            (s.ended_at IS NOT NULL OR m.revoked_at IS NOT NULL) AS ended
     FROM manager_sessions s JOIN managers m ON m.id = s.manager_id WHERE s.token_hash = $1`,
    [hashToken(token)],
  );
  if (!s || s.terminal_id !== terminal.terminalId || s.store_id !== terminal.storeId || s.ended) throw invalid;
  if (!s.live) throw new HttpError(401, 'manager_session_expired', 'The manager sign-in has expired; sign in with the manager PIN again.');
  return { managerId: String(s.manager_id), name: s.name, storeId: s.store_id };
}
