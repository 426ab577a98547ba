import { maskPhone } from '../../core/phone';
import type { CachedCustomer, CustomerPage } from '../protocol/schemas';
import { changeWatermark, remainingRows } from './changeFeed';
import type { Database, Sql } from './db/database';

type CustomerRow = {
  id: string;
  first_name: string;
  phone_e164: string | null;
  tier: string;
  change_seq: number;
  balance: number;
  pending: number;
  cards: string[] | null;
  phone_key: string | null;
  bank_keys: string[] | null;
  bm: number | null;
  bd: number | null;
  withdrawn: boolean;
};

// Display fields and lookup keys only: no surname, no full phone, no e-mail leaves the server for a till.
// Of the birthday only month and day are selected: the year never leaves the database.
// The identifiers come from an aggregate per customer: it cannot be flattened into a join, so it
// stays index probes for the page's rows (measured: a plain join or `= ANY(ids)` over a page
// makes the planner scan the whole identifiers table, which grows with the chain).
const SELECT_CACHED = `
  SELECT c.id::text AS id, c.first_name, c.phone_e164, c.tier, c.change_seq,
         COALESCE(b.balance, 0) AS balance, COALESCE(b.pending, 0) AS pending,
         ids.cards, ids.phone_key, ids.bank_keys,
         extract(month FROM c.birthday)::int AS bm, extract(day FROM c.birthday)::int AS bd,
         c.withdrawn_at IS NOT NULL AS withdrawn
  FROM customers c
  LEFT JOIN balances b ON b.customer_id = c.id
  LEFT JOIN LATERAL (
    SELECT array_agg(i.key ORDER BY i.key) FILTER (WHERE i.kind = 'card') AS cards,
           max(i.key) FILTER (WHERE i.kind = 'phone') AS phone_key,
           array_agg(i.key ORDER BY i.key) FILTER (WHERE i.kind = 'bank') AS bank_keys
    FROM identifiers i WHERE i.customer_id = c.id
  ) ids ON true`;

function toCached(r: CustomerRow): CachedCustomer {
  return {
    id: r.id,
    firstName: r.first_name,
    maskedPhone: r.phone_e164 ? maskPhone(r.phone_e164) : null,
    tier: r.tier,
    balance: Number(r.balance),
    pending: Number(r.pending),
    cards: r.cards ?? [],
    phoneKey: r.phone_key,
    bankKeys: r.bank_keys ?? [],
    // Personal-data consent withdrawn: every till drops the customer (consents.ts).
    deleted: r.withdrawn === true,
    birthday: r.bm !== null && r.bd !== null ? { month: Number(r.bm), day: Number(r.bd) } : null,
  };
}

/**
 * One page of customers changed after `cursor`. The (chain_id, change_seq) index serves the
 * ORDER BY ... LIMIT as a range scan; one more row than asked says whether more follow.
 */
export async function pullCustomers(db: Database, chainId: number, cursor: string, limit: number): Promise<CustomerPage> {
  const upTo = await changeWatermark(db);
  const rows = await db.query<CustomerRow>(
    `${SELECT_CACHED} WHERE c.chain_id = $1 AND c.change_seq > $2::bigint AND c.change_seq <= $3::bigint
     ORDER BY c.change_seq LIMIT $4`,
    [chainId, cursor, upTo, limit + 1],
  );
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const next = page.length > 0 ? String(page.at(-1)!.change_seq) : cursor;
  const remaining = hasMore
    ? Math.max(1, await remainingRows(db, 'customers', 'chain_id = $1 AND change_seq > $2 AND change_seq <= $3', [chainId, next, upTo]))
    : 0;
  const items = page.map(toCached);
  return { collection: 'customers', items, cursor: next, hasMore, remaining };
}

export type LookupBy = { kind: 'card' | 'phone' | 'bank'; key: string };

export async function lookupCustomer(db: Sql, chainId: number, by: LookupBy): Promise<CachedCustomer | null> {
  const rows = await db.query<CustomerRow>(
    `${SELECT_CACHED} WHERE c.id = (SELECT customer_id FROM identifiers WHERE chain_id = $1 AND kind = $2 AND key = $3)`,
    [chainId, by.kind, by.key],
  );
  return rows[0] ? toCached(rows[0]) : null;
}
