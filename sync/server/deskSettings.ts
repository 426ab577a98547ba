import { z } from 'zod';
import { DeskSettings, effectiveDesk, type DeskPage } from '../protocol/deskSettings';
import { ApprovalAction, ApprovalEvent } from '../protocol/events';
import { changeWatermark, guardChangeFeed } from './changeFeed';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';
import type { TerminalContext } from './terminals';

/** store_id 0 in desk_settings: the chain's own row. */
const CHAIN_ROW = 0;

function parseSettings(body: unknown): DeskSettings | null {
  const parsed = DeskSettings.safeParse(body);
  return parsed.success ? parsed.data : null;
}

/** Head office's settings for a chain (storeId absent) or for one store (its own, not inherited). */
export async function deskSettings(db: Sql, chainId: number, storeId?: number): Promise<{ settings: DeskSettings | null }> {
  const [row] = await db.query<{ body: unknown }>('SELECT body FROM desk_settings WHERE chain_id = $1 AND store_id = $2', [chainId, storeId ?? CHAIN_ROW]);
  return { settings: row ? parseSettings(row.body) : null };
}

/** The chain a store belongs to, or 404. */
export async function chainOfStore(db: Sql, storeId: number): Promise<number> {
  const [row] = await db.query<{ chain_id: number }>('SELECT chain_id FROM stores WHERE id = $1', [storeId]);
  if (!row) throw new HttpError(404, 'store_not_found', 'No store with this id.');
  return Number(row.chain_id);
}

/**
 * Replace a chain's or a store's desk settings, checked before anything is stored: the schema,
 * quick keys naming the chain's products, and scale prefixes that cannot be read as the
 * chain's loyalty cards. The tills pull the change with their next catalogue pull.
 */
export async function putDeskSettings(db: Database, chainId: number, storeId: number | null, body: unknown): Promise<{ settings: DeskSettings }> {
  const parsed = DeskSettings.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_desk_settings', parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; '));
  }
  const settings = parsed.data;
  return db.transaction(async (tx) => {
    const [chain] = await tx.query<{ card_prefix: string }>('SELECT card_prefix FROM chains WHERE id = $1', [chainId]);
    if (!chain) throw new HttpError(404, 'chain_not_found', 'No chain with this id.');
    const problems: string[] = [];
    const ids = [...new Set((settings.quickKeys ?? []).map((k) => k.productId))];
    if (ids.length > 0) {
      const known = await tx.query<{ id: string }>('SELECT id FROM products WHERE chain_id = $1 AND id = ANY($2::text[])', [chainId, ids]);
      const have = new Set(known.map((r) => r.id));
      for (const id of ids) if (!have.has(id)) problems.push(`quickKeys: no product ${id} in the chain`);
    }
    for (const prefix of Object.keys(settings.scaleBarcodes?.prefixes ?? {}))
      if (prefix.startsWith(chain.card_prefix) || chain.card_prefix.startsWith(prefix))
        problems.push(`scaleBarcodes.prefixes.${prefix}: the chain's loyalty cards start with ${chain.card_prefix}`);
    if (problems.length > 0) throw new HttpError(400, 'invalid_desk_settings', problems.join('; '));
    await guardChangeFeed(tx);
    await tx.query(
      `INSERT INTO desk_settings (chain_id, store_id, body) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (chain_id, store_id) DO UPDATE SET body = EXCLUDED.body, updated_at = now(), change_seq = nextval('change_seq')`,
      [chainId, storeId ?? CHAIN_ROW, JSON.stringify(settings)],
    );
    return { settings };
  });
}

/** GET /api/v1/pull/desk: the store's settings over the chain's, when either changed after the cursor. */
export async function pullDesk(db: Database, t: TerminalContext, cursor: string): Promise<DeskPage> {
  const upTo = await changeWatermark(db);
  const rows = await db.query<{ store_id: number; body: unknown; change_seq: string | number }>(
    'SELECT store_id, body, change_seq FROM desk_settings WHERE chain_id = $1 AND store_id IN (0, $2) AND change_seq <= $3::bigint',
    [t.chainId, t.storeId, upTo],
  );
  const newest = rows.reduce((m, r) => Math.max(m, Number(r.change_seq)), 0);
  if (rows.length === 0 || newest <= Number(cursor)) return { collection: 'desk', items: [], cursor, hasMore: false, remaining: 0 };
  const of = (storeId: number) => parseSettings(rows.find((r) => Number(r.store_id) === storeId)?.body ?? null);
  return { collection: 'desk', items: [{ settings: effectiveDesk(of(CHAIN_ROW), of(t.storeId)) }], cursor: String(newest), hasMore: false, remaining: 0 };
}

export const ApprovalsQuery = z.object({
  storeId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const ApprovalRow = z.object({
  eventId: z.string(),
  occurredAt: z.string(),
  storeId: z.number().int(),
  terminalId: z.string(),
  cashierId: z.string().nullable(),
  managerId: z.string().nullable(),
  managerName: z.string(),
  action: ApprovalAction,
  productId: z.string().nullable(),
  before: z.number().int(),
  after: z.number().int(),
  returnId: z.string().nullable(),
  lines: ApprovalEvent.shape.lines.unwrap().nullable(),
});
export type ApprovalRow = z.infer<typeof ApprovalRow>;

/** Head office: who approved what at the chain's tills, newest first (dates are UTC days, `to` included). */
export async function listApprovals(db: Sql, chainId: number, q: z.infer<typeof ApprovalsQuery>): Promise<{ approvals: ApprovalRow[] }> {
  const rows = await db.query<{
    event_id: string;
    occurred_at: Date | string;
    store_id: number;
    terminal_id: string;
    cashier_id: string | number | null;
    manager_id: string | number | null;
    manager_name: string;
    action: ApprovalRow['action'];
    product_id: string | null;
    before_kopecks: string | number;
    after_kopecks: string | number;
    return_id: string | null;
    lines: unknown;
  }>(
    `SELECT event_id::text, occurred_at, store_id, terminal_id::text, cashier_id, manager_id, manager_name, action, product_id,
            before_kopecks, after_kopecks, return_id, lines
     FROM approvals
     WHERE chain_id = $1 AND ($2::int IS NULL OR store_id = $2)
       AND ($3::date IS NULL OR occurred_at >= $3::date::timestamptz)
       AND ($4::date IS NULL OR occurred_at < ($4::date + 1)::timestamptz)
     ORDER BY occurred_at DESC, event_id LIMIT $5`,
    [chainId, q.storeId ?? null, q.from ?? null, q.to ?? null, q.limit],
  );
  return {
    approvals: rows.map((r) => ({
      eventId: r.event_id,
      occurredAt: new Date(r.occurred_at).toISOString(),
      storeId: Number(r.store_id),
      terminalId: r.terminal_id,
      cashierId: r.cashier_id === null ? null : String(r.cashier_id),
      managerId: r.manager_id === null ? null : String(r.manager_id),
      managerName: r.manager_name,
      action: r.action,
      productId: r.product_id,
      before: Number(r.before_kopecks),
      after: Number(r.after_kopecks),
      returnId: r.return_id,
      lines: parseLines(r.lines),
    })),
  };
}

function parseLines(raw: unknown): ApprovalRow['lines'] {
  const parsed = ApprovalEvent.shape.lines.unwrap().safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw);
  return parsed.success ? parsed.data : null;
}
