import { OfferSchema, parseOffers, parseProgramme, type Offer } from '../../core/engine';
import type { OfferStatus, OfferSummary, StoreOffers } from '../protocol/manager';
import { guardChangeFeed } from './changeFeed';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';

/**
 * Offers as people read them: a store manager (this store's offers) and head office (the
 * chain's, for the offers page). Status comes from the validity dates, which are local dates,
 * against today in the store's time zone; an offer head office ended is `ended` and
 * `withdrawn`. A personal offer's customer list never leaves the database: its length does.
 */
type OfferRow = {
  id: string;
  deleted: boolean;
  change_seq: number;
  body: unknown;
  customer_count: number | null;
};

async function offerRows(db: Sql, chainId: number): Promise<{ row: OfferRow; offer: Offer }[]> {
  const rows = await db.query<OfferRow>(
    `SELECT id, deleted, change_seq, body #- '{audience,customerIds}' AS body,
            CASE WHEN jsonb_typeof(body->'audience'->'customerIds') = 'array'
                 THEN jsonb_array_length(body->'audience'->'customerIds') END AS customer_count
     FROM offers WHERE chain_id = $1 ORDER BY id`,
    [chainId],
  );
  const out: { row: OfferRow; offer: Offer }[] = [];
  for (const row of rows) {
    // Stored offers were validated on the way in; one that no longer parses is left out, not fatal.
    const parsed = OfferSchema.safeParse(row.body);
    if (parsed.success) out.push({ row, offer: parsed.data });
  }
  return out;
}

export function offerStatus(offer: Pick<Offer, 'validity'>, withdrawn: boolean, today: string): OfferStatus {
  if (withdrawn) return 'ended';
  // ISO dates compare as strings; `to` is inclusive.
  if (offer.validity.to !== undefined && offer.validity.to < today) return 'ended';
  if (offer.validity.from !== undefined && offer.validity.from > today) return 'upcoming';
  return 'active';
}

export function summariseOffer(offer: Offer, customerCount: number | null, withdrawn: boolean, today: string): OfferSummary {
  const v = offer.validity;
  const a = offer.audience;
  return {
    id: offer.id,
    name: offer.name,
    status: offerStatus(offer, withdrawn, today),
    withdrawn,
    priority: offer.priority,
    exclusive: offer.exclusive,
    scope: offer.scope.kind,
    validity: {
      ...(v.from !== undefined ? { from: v.from } : {}),
      ...(v.to !== undefined ? { to: v.to } : {}),
      ...(v.weekdays !== undefined ? { weekdays: v.weekdays } : {}),
      ...(v.hours !== undefined ? { hours: v.hours } : {}),
    },
    audience: {
      ...(a.tiers !== undefined ? { tiers: a.tiers } : {}),
      ...(a.segments !== undefined ? { segments: a.segments } : {}),
      firstPurchase: a.firstPurchase,
      birthday: a.birthday !== undefined,
      personal: customerCount !== null,
      customerCount,
    },
    target: { products: offer.target.products.length, categories: offer.target.categories },
    effect: offer.effect,
    ...(offer.limit ? { limit: offer.limit } : {}),
  };
}

export interface OfferQuery {
  status?: OfferStatus | undefined;
  q?: string | undefined;
  limit: number;
}

const fold = (s: string) => s.toLowerCase().replaceAll('ё', 'е');
const RANK: Record<OfferStatus, number> = { active: 0, upcoming: 1, ended: 2 };

/** Filter by status and text, order (active, upcoming, ended; then id), and cut to the limit. */
function select(
  rows: { row: OfferRow; offer: Offer }[],
  today: string,
  query: OfferQuery,
): { total: number; picked: { row: OfferRow; summary: OfferSummary }[] } {
  const q = query.q ? fold(query.q) : null;
  const all = rows
    .filter(({ offer }) => !q || [offer.id, offer.name.ru, offer.name.en].some((t) => fold(t).includes(q)))
    .map(({ row, offer }) => ({ row, summary: summariseOffer(offer, row.customer_count === null ? null : Number(row.customer_count), row.deleted, today) }))
    .filter(({ summary }) => !query.status || summary.status === query.status)
    .sort((x, y) => RANK[x.summary.status] - RANK[y.summary.status] || (x.row.id < y.row.id ? -1 : x.row.id > y.row.id ? 1 : 0));
  return { total: all.length, picked: all.slice(0, query.limit) };
}

function inScope(offer: Offer, store: { id: number; regionId: number | null }): boolean {
  const s = offer.scope;
  if (s.kind === 'chain') return true;
  if (s.kind === 'regions') return store.regionId !== null && s.regionIds.includes(String(store.regionId));
  return s.storeIds.includes(String(store.id));
}

/** The offers that run (ran, will run) in this store: chain-wide, its region's, or its own. */
export async function storeOffers(db: Sql, storeId: number, query: OfferQuery): Promise<StoreOffers> {
  const [store] = await db.query<{ chain_id: number; region_id: number | null; time_zone: string; today: string }>(
    `SELECT chain_id, region_id, time_zone, (now() AT TIME ZONE time_zone)::date::text AS today FROM stores WHERE id = $1`,
    [storeId],
  );
  if (!store) throw new HttpError(404, 'store_not_found', `Store ${storeId} does not exist.`);
  const rows = (await offerRows(db, store.chain_id)).filter(({ offer }) => inScope(offer, { id: storeId, regionId: store.region_id }));
  const { total, picked } = select(rows, store.today, query);
  return { storeId, today: store.today, timeZone: store.time_zone, total, offers: picked.map((p) => p.summary) };
}

export type ChainOfferSummary = OfferSummary & { revision: string };

/**
 * The chain's offers for head office. Status is judged in the time zone most of the chain's
 * stores use (a chain across zones may see an offer start an hour apart in two stores).
 */
export async function chainOffers(
  db: Sql,
  chainId: number,
  query: OfferQuery,
): Promise<{ chainId: number; today: string; timeZone: string; total: number; offers: ChainOfferSummary[] }> {
  const [chain] = await db.query<{ time_zone: string | null }>(
    `SELECT (SELECT time_zone FROM stores WHERE chain_id = c.id GROUP BY time_zone ORDER BY count(*) DESC, time_zone LIMIT 1) AS time_zone
     FROM chains c WHERE c.id = $1`,
    [chainId],
  );
  if (!chain) throw new HttpError(404, 'chain_not_found', `Chain ${chainId} does not exist.`);
  const timeZone = chain.time_zone ?? 'Europe/Moscow';
  const [{ today } = { today: '' }] = await db.query<{ today: string }>('SELECT (now() AT TIME ZONE $1)::date::text AS today', [timeZone]);
  const { total, picked } = select(await offerRows(db, chainId), today, query);
  return { chainId, today, timeZone, total, offers: picked.map((p) => ({ ...p.summary, revision: String(p.row.change_seq) })) };
}

/** One offer in full, for editing; `revision` goes back in If-Match. */
export async function chainOffer(db: Sql, chainId: number, offerId: string): Promise<{ offer: unknown; deleted: boolean; revision: string }> {
  const [row] = await db.query<{ body: unknown; deleted: boolean; change_seq: number }>(
    'SELECT body, deleted, change_seq FROM offers WHERE id = $1 AND chain_id = $2',
    [offerId, chainId],
  );
  if (!row) throw new HttpError(404, 'offer_not_found', `No offer "${offerId}" in chain ${chainId}.`);
  return { offer: row.body, deleted: row.deleted, revision: String(row.change_seq) };
}

export interface PutConditions {
  /** Only if the stored offer is at this revision (If-Match). */
  ifMatch?: string | undefined;
  /** Only if no current offer has this id (If-None-Match: *): creating, not overwriting. */
  createOnly?: boolean | undefined;
}

/**
 * Create or replace one offer, validated by the engine's own schema against the chain's
 * programme. Errors name the offer's field ("effect.pay"), not a position in a batch.
 * Tills get the change on their next offers pull (the row takes a new change_seq).
 */
export async function putChainOffer(
  db: Database,
  chainId: number,
  offerId: string,
  input: unknown,
  cond: PutConditions,
): Promise<{ offer: Offer; revision: string; created: boolean }> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HttpError(400, 'invalid_offer', '(root): expected an offer object', [{ path: '(root)', message: 'expected an offer object' }]);
  }
  const body = { ...(input as Record<string, unknown>) };
  if (body.id === undefined) body.id = offerId;
  if (body.id !== offerId) {
    throw new HttpError(400, 'invalid_offer', `id: "${String(body.id)}" differs from the address's "${offerId}"`, [
      { path: 'id', message: `differs from the address's "${offerId}"` },
    ]);
  }
  return db.transaction(async (tx) => {
    // The change-feed guard first of all locks (see changeFeed.ts), then the offer's row.
    await guardChangeFeed(tx);
    const [p] = await tx.query<{ body: unknown }>('SELECT body FROM programmes WHERE chain_id = $1', [chainId]);
    const programme = p ? parseProgramme(p.body) : null;
    if (!programme?.ok) throw new HttpError(409, 'no_programme', 'Store a programme before its offers.');
    const parsed = parseOffers([body], programme.value);
    if (!parsed.ok) {
      const errors = parsed.errors.map((e) => ({ path: e.path.replace(/^0(\.|$)/, '') || '(root)', message: e.message }));
      throw new HttpError(400, 'invalid_offer', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
    }
    const offer = parsed.value[0]!;
    const [current] = await tx.query<{ chain_id: number; deleted: boolean; change_seq: number }>(
      'SELECT chain_id, deleted, change_seq FROM offers WHERE id = $1 FOR UPDATE',
      [offerId],
    );
    if (current && current.chain_id !== chainId) throw new HttpError(409, 'offer_id_taken', `Offer id "${offerId}" is used by another chain.`);
    if (cond.createOnly && current && !current.deleted) {
      throw new HttpError(409, 'offer_exists', `An offer "${offerId}" already exists; open it to edit it.`, [{ path: 'id', message: 'already exists' }]);
    }
    if (cond.ifMatch !== undefined && (!current || String(current.change_seq) !== cond.ifMatch)) {
      throw new HttpError(412, 'offer_changed', `Offer "${offerId}" was changed since it was opened; reload it and edit again.`);
    }
    const [saved] = await tx.query<{ change_seq: number }>(
      `INSERT INTO offers (id, chain_id, body, deleted) VALUES ($1, $2, $3::jsonb, false)
       ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, deleted = false, change_seq = nextval('change_seq')
       RETURNING change_seq`,
      [offerId, chainId, JSON.stringify(offer)],
    );
    return { offer, revision: String(saved!.change_seq), created: !current || current.deleted };
  });
}
