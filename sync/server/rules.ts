import { indexOffers, parseOffers, parseProgramme, type FieldError, type Offer, type OfferIndex, type Programme } from '../../core/engine';
import { guardChangeFeed } from './changeFeed';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';

/** The programme and offers a chain runs, as the engine wants them. */
export interface ChainRules {
  version: string;
  programme: Programme;
  offers: Offer[];
  index: OfferIndex;
  /** Offers with a per-customer limit: the server counts their uses. */
  limited: Offer[];
}

function invalid(what: string, errors: FieldError[]): HttpError {
  return new HttpError(400, `invalid_${what}`, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

/**
 * Parsed rules per chain, kept per server instance. Each push checks one cheap version key
 * (the programme's and the newest offer's change_seq) first, so an edit made through any
 * instance is seen by the next batch on every instance.
 */
export class RulesCache {
  private readonly byChain = new Map<number, ChainRules>();

  async get(db: Sql, chainId: number): Promise<ChainRules | null> {
    const [v] = await db.query<{ p: number | null; o: number | null }>(
      `SELECT (SELECT change_seq FROM programmes WHERE chain_id = $1) AS p,
              (SELECT max(change_seq) FROM offers WHERE chain_id = $1) AS o`,
      [chainId],
    );
    if (!v || v.p === null) return null;
    const version = `${v.p}:${v.o ?? 0}`;
    const cached = this.byChain.get(chainId);
    if (cached?.version === version) return cached;
    const rules = await loadRules(db, chainId, version);
    if (rules) this.byChain.set(chainId, rules);
    return rules;
  }
}

async function loadRules(db: Sql, chainId: number, version: string): Promise<ChainRules | null> {
  const [p] = await db.query<{ body: unknown }>('SELECT body FROM programmes WHERE chain_id = $1', [chainId]);
  if (!p) return null;
  const programme = parseProgramme(p.body);
  // Stored rules were validated on the way in; failing here is a server fault, not a till's.
  if (!programme.ok) throw new Error(`stored programme of chain ${chainId} is invalid`);
  const rows = await db.query<{ body: unknown }>('SELECT body FROM offers WHERE chain_id = $1 AND NOT deleted ORDER BY id', [chainId]);
  const offers = parseOffers(
    rows.map((r) => r.body),
    programme.value,
  );
  if (!offers.ok) throw new Error(`stored offers of chain ${chainId} are invalid`);
  return {
    version,
    programme: programme.value,
    offers: offers.value,
    index: indexOffers(offers.value),
    limited: offers.value.filter((o) => o.limit),
  };
}

/** Replace the chain's programme. Current offers must still fit it (tier ids). */
export async function putProgramme(db: Database, chainId: number, input: unknown): Promise<Programme> {
  const parsed = parseProgramme(input);
  if (!parsed.ok) throw invalid('programme', parsed.errors);
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ body: unknown }>('SELECT body FROM offers WHERE chain_id = $1 AND NOT deleted', [chainId]);
    const offers = parseOffers(
      rows.map((r) => r.body),
      parsed.value,
    );
    if (!offers.ok)
      throw invalid(
        'programme',
        offers.errors.map((e) => ({ path: `offers.${e.path}`, message: e.message })),
      );
    await guardChangeFeed(tx);
    await tx.query(
      `INSERT INTO programmes (chain_id, version, body) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (chain_id) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body, change_seq = nextval('change_seq')`,
      [chainId, parsed.value.version, JSON.stringify(parsed.value)],
    );
    return parsed.value;
  });
}

/** Create or replace offers, all or none (one bad offer rejects the batch). */
export async function putOffers(db: Database, chainId: number, input: unknown): Promise<Offer[]> {
  return db.transaction(async (tx) => {
    const [p] = await tx.query<{ body: unknown }>('SELECT body FROM programmes WHERE chain_id = $1', [chainId]);
    const programme = p ? parseProgramme(p.body) : null;
    if (!programme?.ok) throw new HttpError(409, 'no_programme', 'Store a programme before its offers.');
    const offers = parseOffers(input, programme.value);
    if (!offers.ok) throw invalid('offers', offers.errors);
    if (offers.value.length === 0) return [];
    await guardChangeFeed(tx);
    await tx.query(
      `INSERT INTO offers (id, chain_id, body, deleted)
       SELECT x.id, $1, x.body::jsonb, false FROM unnest($2::text[], $3::text[]) AS x(id, body)
       ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, deleted = false, change_seq = nextval('change_seq')
       WHERE offers.chain_id = EXCLUDED.chain_id`,
      [chainId, offers.value.map((o) => o.id), offers.value.map((o) => JSON.stringify(o))],
    );
    return offers.value;
  });
}

/** End an offer: tills get a tombstone. */
export async function deleteOffer(db: Database, chainId: number, offerId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await guardChangeFeed(tx);
    const rows = await tx.query(
      `UPDATE offers SET deleted = true, change_seq = nextval('change_seq') WHERE id = $1 AND chain_id = $2 AND NOT deleted RETURNING id`,
      [offerId, chainId],
    );
    return rows.length > 0;
  });
}
