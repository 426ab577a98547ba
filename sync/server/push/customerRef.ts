import { guardSelect } from '../changeFeed';
import type { Row, Sql } from '../db/database';
import { reject, retryLater } from './rejection';

/** A customer an event touches, locked for the rest of the transaction. */
export interface LockedCustomer {
  id: number;
  tier: string;
  purchaseCount: number;
  segments: string[];
  birthday: { month: number; day: number } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Resolve an event's customer reference (the server's id, or a till-made registration id
 * through the alias table, merges included) and lock the row so events for one customer
 * apply one after another, on any number of server instances.
 */
export async function lockCustomer(tx: Sql, chainId: number, ref: string): Promise<LockedCustomer> {
  const byAlias = UUID.test(ref);
  const rows = await tx.query(
    `SELECT ${COLUMNS} FROM customers c
     WHERE c.chain_id = $1 AND c.id = ${byAlias ? '(SELECT customer_id FROM customer_aliases WHERE alias = $2::uuid)' : '$2::bigint'}
     FOR NO KEY UPDATE`,
    [chainId, ref],
  );
  return lockedCustomer(rows, ref);
}

const COLUMNS = `c.id, c.tier, c.purchase_count, c.segments,
  extract(month FROM c.birthday)::int AS bm, extract(day FROM c.birthday)::int AS bd`;
const NUMERIC_ID = /^[1-9]\d{0,17}$/;

/**
 * The same lock as a statement without parameters, to travel with BEGIN (see runOnce).
 * Only a validated reference (digits or a uuid) is inlined.
 */
export function lockCustomerSql(chainId: number, ref: string): string {
  if (!Number.isSafeInteger(chainId)) throw new TypeError('lockCustomerSql: chain id');
  const target = UUID.test(ref) ? `(SELECT customer_id FROM customer_aliases WHERE alias = '${ref}'::uuid)` : NUMERIC_ID.test(ref) ? `${ref}::bigint` : null;
  if (target === null) throw new TypeError('lockCustomerSql: not a customer reference');
  return `SELECT ${COLUMNS} FROM customers c WHERE c.chain_id = ${chainId} AND c.id = ${target} FOR NO KEY UPDATE`;
}

/**
 * The customers a batch of events names, by reference (the server's id, or a till-made id
 * through the alias table), keyed by the reference in lower case: null for a reference that
 * names no customer of the chain. Read without locking: see lockCustomerIds.
 */
export async function resolveCustomers(tx: Sql, chainId: number, refs: readonly string[]): Promise<Map<string, number | null>> {
  const r = customerRefs(refs);
  if (r.refs.length === 0) return resolvedRefs(r.refs, null);
  const [row] = await tx.query<ResolvedRow>(`SELECT ${resolveSelect('$1', '$2', '$3')}`, [chainId, r.ids, r.aliases]);
  return resolvedRefs(r.refs, row?.resolved ?? null);
}

/** References as a statement takes them: distinct, lower case, split into server ids and till-made ids. */
export function customerRefs(refs: readonly string[]): { refs: string[]; ids: string[]; aliases: string[] } {
  const unique = [...new Set(refs.map((r) => r.toLowerCase()))];
  return { refs: unique, ids: unique.filter((r) => NUMERIC_ID.test(r)), aliases: unique.filter((r) => UUID.test(r)) };
}

export type ResolvedRow = { resolved: { id: number; aliases: string[] }[] | null };

/**
 * A select-list item resolving references (`chain` int, `ids` bigint[], `aliases` uuid[] SQL
 * expressions), for resolveCustomers or a caller's own statement. `= ANY(ARRAY(...))`: an index
 * probe per id, whatever the planner believes of the tables' sizes.
 */
export function resolveSelect(chain: string, ids: string, aliases: string): string {
  return `(SELECT json_agg(json_build_object('id', c.id,
             'aliases', ARRAY(SELECT a.alias::text FROM customer_aliases a WHERE a.customer_id = c.id AND a.alias = ANY(${aliases}::uuid[]))))
           FROM customers c
           WHERE c.id = ANY(ARRAY(SELECT unnest(${ids}::bigint[]) UNION SELECT customer_id FROM customer_aliases WHERE alias = ANY(${aliases}::uuid[])))
             AND c.chain_id = ${chain}::int) AS resolved`;
}

export function resolvedRefs(refs: readonly string[], resolved: ResolvedRow['resolved']): Map<string, number | null> {
  const out = new Map<string, number | null>(refs.map((r) => [r, null]));
  for (const r of resolved ?? []) {
    const id = Number(r.id);
    if (out.has(String(id))) out.set(String(id), id);
    for (const alias of r.aliases) out.set(alias, id);
  }
  return out;
}

/**
 * Lock customers by id, in id order, in one statement: batches sharing customers queue rather
 * than deadlock. With `skipLocked`, customers another transaction holds are left out instead
 * of waited for. Returns the locked customers.
 */
export async function lockCustomerIds(tx: Sql, ids: readonly number[], skipLocked: boolean): Promise<Map<number, LockedCustomer>> {
  const out = new Map<number, LockedCustomer>();
  if (ids.length === 0) return out;
  const rows = await tx.query(
    `SELECT ${COLUMNS} FROM customers c WHERE c.id = ANY($1::bigint[]) ORDER BY c.id FOR NO KEY UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
    [[...new Set(ids)]],
  );
  for (const r of rows) out.set(Number(r.id), lockedCustomer([r], String(r.id)));
  return out;
}

/** The locked customer from the lock's rows, or the rejection for an unknown one. */
export function lockedCustomer(rows: readonly Row[], ref: string): LockedCustomer {
  const r = rows[0] as { id: number; tier: string; purchase_count: number; segments: string[] | null; bm: number | null; bd: number | null } | undefined;
  const byAlias = UUID.test(ref);
  if (!r) {
    // A till-made id may name a registration still on its way; a server id must exist already.
    if (byAlias) retryLater('customer_unknown', 'The customer has not reached the server yet; send this event again after its registration.');
    reject('customer_unknown', `No customer ${ref} in this chain.`);
  }
  return {
    id: Number(r.id),
    tier: r.tier,
    purchaseCount: Number(r.purchase_count),
    segments: r.segments ?? [],
    birthday: r.bm !== null && r.bd !== null ? { month: Number(r.bm), day: Number(r.bd) } : null,
  };
}

/** Lock a customer known by the server's id (jobs, returns, merges). */
export async function lockCustomerById(tx: Sql, customerId: number): Promise<boolean> {
  // The change-feed guard first, as every writer does (runOnce takes it for events).
  const rows = await tx.query(`SELECT id${guardSelect(tx)} FROM customers WHERE id = $1 FOR NO KEY UPDATE`, [customerId]);
  return rows.length > 0;
}

/**
 * Tell tills the customer changed (identifiers): a new change_seq. The caller holds the
 * change-feed guard (runOnce takes it). Ledger changes do this in CustomerBook.flush.
 */
export async function touchCustomer(tx: Sql, customerId: number, change: { purchases?: number; tier?: string } = {}): Promise<void> {
  await tx.query(
    `UPDATE customers SET change_seq = nextval('change_seq'), purchase_count = purchase_count + $2, tier = COALESCE($3, tier)
     WHERE id = $1`,
    [customerId, change.purchases ?? 0, change.tier ?? null],
  );
}
