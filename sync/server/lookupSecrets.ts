import { randomBytes } from 'node:crypto';
import { LOOKUP_KEY_COST, phoneLookupKey, type KeyCost, type PhoneSecret } from '../../core/lookupKey';
import { guardChangeFeed } from './changeFeed';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';

/**
 * A chain's phone-key secrets: versioned so they can be rotated. The newest unretired version
 * makes every new key; customers keyed with an older one are re-keyed from their phone (which
 * only the server holds) in batches, each re-keyed customer pulled by tills as a changed row, so
 * their old keys leave the tills' caches without a full reload. When none is left, older
 * versions are retired and tills stop hashing with them.
 */
type SecretRow = { version: number; secret: string; memory_kib: number; iterations: number };

const toSecret = (r: SecretRow): PhoneSecret => ({
  version: Number(r.version),
  secret: r.secret,
  memoryKiB: Number(r.memory_kib),
  iterations: Number(r.iterations),
});

/** The unretired versions, newest first: what a till hashes a typed phone with. */
export async function phoneSecrets(db: Sql, chainId: number): Promise<PhoneSecret[]> {
  const rows = await db.query<SecretRow>(
    'SELECT version, secret, memory_kib, iterations FROM lookup_secrets WHERE chain_id = $1 AND retired_at IS NULL ORDER BY version DESC',
    [chainId],
  );
  return rows.map(toSecret);
}

export async function currentPhoneSecret(db: Sql, chainId: number): Promise<PhoneSecret> {
  const [current] = await phoneSecrets(db, chainId);
  if (!current) throw new HttpError(409, 'lookup_secret_missing', 'This chain has no phone-key secret.');
  return current;
}

/** A new version (a chain's first, or a rotation): random, at the given cost. */
export async function addPhoneSecret(db: Sql, chainId: number, cost: KeyCost = LOOKUP_KEY_COST): Promise<PhoneSecret> {
  const [row] = await db.query<SecretRow>(
    `INSERT INTO lookup_secrets (chain_id, version, secret, memory_kib, iterations)
     SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4 FROM lookup_secrets WHERE chain_id = $1
     RETURNING version, secret, memory_kib, iterations`,
    [chainId, randomBytes(32).toString('base64url'), cost.memoryKiB, cost.iterations],
  );
  return toSecret(row!);
}

/** Keys of many phones, a few at a time (the native Argon2 runs on libuv's four threads). */
export async function phoneKeysOf(secret: PhoneSecret, phones: readonly string[], parallel = 4): Promise<string[]> {
  const keys: string[] = new Array<string>(phones.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < phones.length; i = next++) keys[i] = await phoneLookupKey(secret, phones[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, phones.length) }, worker));
  return keys;
}

/**
 * Re-key up to `limit` customers of the chain whose phone key is older than the current
 * version. The keys are made outside the transaction (they take tens of milliseconds each);
 * a customer whose phone changed meanwhile is left for the next round.
 */
export async function rekeyPhones(db: Database, chainId: number, limit = 200): Promise<{ rekeyed: number; left: boolean }> {
  const secret = await currentPhoneSecret(db, chainId);
  const due = await db.query<{ id: string; phone_e164: string }>(
    `SELECT c.id::text AS id, c.phone_e164 FROM customers c
     WHERE c.chain_id = $1 AND c.phone_key_version < $2 AND c.phone_e164 IS NOT NULL ORDER BY c.id LIMIT $3`,
    [chainId, secret.version, limit],
  );
  if (due.length === 0) {
    // Nobody holds an older key now: tills may forget the older secrets.
    await db.query('UPDATE lookup_secrets SET retired_at = now() WHERE chain_id = $1 AND version < $2 AND retired_at IS NULL', [chainId, secret.version]);
    return { rekeyed: 0, left: false };
  }
  const keys = await phoneKeysOf(
    secret,
    due.map((d) => d.phone_e164),
  );
  const rekeyed = await db.transaction(async (tx) => {
    await guardChangeFeed(tx);
    const rows = await tx.query<{ id: string }>(
      `WITH batch AS (
         SELECT c.id, x.k FROM unnest($2::bigint[], $3::text[], $4::text[]) AS x(id, p, k)
         JOIN customers c ON c.id = x.id AND c.phone_e164 = x.p AND c.phone_key_version < $5
       ), gone AS (
         DELETE FROM identifiers i USING batch b WHERE i.chain_id = $1 AND i.kind = 'phone' AND i.customer_id = b.id
       ), added AS (
         INSERT INTO identifiers (chain_id, kind, key, customer_id) SELECT $1, 'phone', k, id FROM batch ON CONFLICT DO NOTHING
       )
       -- A new change_seq: tills pull the customer again, with the new key instead of the old.
       UPDATE customers c SET phone_key_version = $5, change_seq = nextval('change_seq') FROM batch b WHERE c.id = b.id
       RETURNING c.id::text AS id`,
      [chainId, due.map((d) => d.id), due.map((d) => d.phone_e164), keys, secret.version],
    );
    return rows.length;
  });
  return { rekeyed, left: true };
}

/** Re-key the whole chain (after a rotation or an upgrade), then retire the older secrets. */
export async function rekeyChain(db: Database, chainId: number, progress?: (done: number) => void): Promise<number> {
  let done = 0;
  for (;;) {
    const r = await rekeyPhones(db, chainId);
    done += r.rekeyed;
    if (!r.left) return done;
    progress?.(done);
  }
}

/** Chains with customers still to re-key. */
export async function chainsToRekey(db: Sql): Promise<number[]> {
  const rows = await db.query<{ chain_id: number }>(
    `SELECT s.chain_id FROM lookup_secrets s
     WHERE s.retired_at IS NULL AND s.version < (SELECT max(version) FROM lookup_secrets m WHERE m.chain_id = s.chain_id)
     UNION
     SELECT c.chain_id FROM (SELECT chain_id, max(version) AS v FROM lookup_secrets GROUP BY chain_id) l
     JOIN LATERAL (SELECT chain_id FROM customers WHERE chain_id = l.chain_id AND phone_key_version < l.v AND phone_e164 IS NOT NULL LIMIT 1) c ON true`,
  );
  return rows.map((r) => Number(r.chain_id));
}

/**
 * Keep re-keying in the background: every instance may run it (a customer is re-keyed once,
 * the UPDATE checks the version). Returns a stop function.
 */
export function scheduleRekey(
  db: Database,
  everyMs: number,
  onError: (err: unknown) => void,
  onDone?: (chainId: number, n: number) => void,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    running = (async () => {
      try {
        for (const chainId of await chainsToRekey(db)) {
          if (stopped) return;
          let n = 0;
          for (;;) {
            if (stopped) return;
            const r = await rekeyPhones(db, chainId);
            n += r.rekeyed;
            if (!r.left) break;
          }
          onDone?.(chainId, n);
        }
      } catch (err) {
        onError(err);
      }
    })().finally(() => {
      if (!stopped) timer = setTimeout(tick, everyMs);
    });
  };
  tick();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
