import { z } from 'zod';
import { ExceptionItem } from '../protocol/headOffice';
import type { Sql } from './db/database';

/**
 * The exceptions report: what head office must look at. Details carry ids and amounts only,
 * never personal data.
 */
export type ExceptionKind =
  | 'price_difference'
  | 'accrual_clamped'
  | 'welcome_difference'
  | 'welcome_not_granted'
  | 'overdraft'
  | 'payment_mismatch'
  | 'return_difference'
  | 'return_shortfall'
  | 'registration_merged'
  | 'registration_repeated'
  | 'card_taken'
  | 'rejected_event'
  /** A till reached the limit of wrong manager PINs (or cards): someone may be guessing. */
  | 'manager_unlock_locked'
  /** An event named a cashier who is not one of the store's: counted under "no cashier". */
  | 'cashier_unknown'
  /** Head office merged a duplicate customer into another (audit record of the action). */
  | 'customers_merged'
  /** A typed-phone customer spent within the allowance without the SMS code (issue 13). */
  | 'phone_spend_unconfirmed'
  /** A registration named a phone another customer has, without its SMS code: a customer of its own, to merge or not. */
  | 'registration_unconfirmed_phone'
  /** A coupon a till accepted that the server refused (used by another sale first, unknown, not this customer's, out of dates). */
  | 'coupon_refused'
  /** A pushed sale's gift certificate the server could not activate or redeem (sold elsewhere, balance spent): the money was taken at the till. */
  | 'certificate_conflict'
  /** A cashier identified the customer with their own loyalty card: a sale to themselves (issue 13). */
  | 'cashier_own_card'
  /** Bonuses spent in a sale that does not say how the customer was identified (an old till): applied, flagged (issue 13). */
  | 'spend_identity_unknown';

export interface ExceptionDraft {
  kind: ExceptionKind;
  customerId?: number | null;
  details?: Record<string, unknown>;
}

export interface ExceptionSource {
  chainId: number;
  eventId: string | null;
  terminalId: string | null;
  storeId: number | null;
}

export async function recordExceptions(tx: Sql, source: ExceptionSource, drafts: readonly ExceptionDraft[]): Promise<void> {
  if (drafts.length === 0) return;
  await tx.query(
    `INSERT INTO exceptions (chain_id, kind, event_id, terminal_id, store_id, customer_id, details)
     SELECT $1, x.kind, $2, $3, $4, x.customer_id, x.details::jsonb
     FROM unnest($5::text[], $6::bigint[], $7::text[]) AS x(kind, customer_id, details)`,
    [
      source.chainId,
      source.eventId,
      source.terminalId,
      source.storeId,
      drafts.map((d) => d.kind),
      drafts.map((d) => d.customerId ?? null),
      drafts.map((d) => JSON.stringify(d.details ?? {})),
    ],
  );
}

/** Mark an exceptions-report row as settled by a head-office action (an audit note; the row stays). */
export async function resolveException(tx: Sql, chainId: number, id: number | undefined, resolution: Record<string, unknown>): Promise<void> {
  if (id === undefined) return;
  await tx.query(`UPDATE exceptions SET details = details || jsonb_build_object('resolution', $3::jsonb) WHERE id = $1 AND chain_id = $2`, [
    id,
    chainId,
    JSON.stringify(resolution),
  ]);
}

export const ExceptionsQuery = z.object({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  kind: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional(),
  /** Several kinds, comma-separated (the head-office report's filter). */
  kinds: z
    .string()
    .regex(/^[a-z_]{1,40}(,[a-z_]{1,40}){0,20}$/)
    .optional(),
  /** Only rows no head-office action has settled yet. */
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  storeId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
});

export { ExceptionItem };

export async function listExceptions(
  db: Sql,
  chainId: number | null,
  q: z.infer<typeof ExceptionsQuery>,
): Promise<{ items: ExceptionItem[]; cursor: string; hasMore: boolean }> {
  const rows = await db.query<{
    id: number;
    kind: string;
    event_id: string | null;
    terminal_id: string | null;
    store_id: number | null;
    customer_id: number | null;
    details: Record<string, unknown>;
    created_at: Date;
  }>(
    `SELECT id, kind, event_id::text, terminal_id::text, store_id, customer_id, details, created_at FROM exceptions
     WHERE id > $1 AND ($2::int IS NULL OR chain_id = $2) AND ($3::text IS NULL OR kind = $3)
       AND ($5::text[] IS NULL OR kind = ANY($5::text[])) AND (NOT $6::boolean OR NOT (details ? 'resolution'))
       AND ($7::int IS NULL OR store_id = $7)
     ORDER BY id LIMIT $4`,
    [q.after, chainId, q.kind ?? null, q.limit + 1, q.kinds ? q.kinds.split(',') : null, q.open ?? false, q.storeId ?? null],
  );
  const page = rows.slice(0, q.limit);
  const items = page.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    eventId: r.event_id,
    terminalId: r.terminal_id,
    storeId: r.store_id,
    customerId: r.customer_id === null ? null : String(r.customer_id),
    details: r.details,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  return { items, cursor: String(items.at(-1)?.id ?? q.after), hasMore: rows.length > q.limit };
}
