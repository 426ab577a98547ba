import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * `server:cli stores|tills|cashiers|rejected [--chain <id>] [--search <text>] [--limit <n>]`:
 * the head office lists (routes/adminHeadOffice.ts) as tab-separated lines with a header, for
 * a terminal or a script (`| column -t -s $'\t'`).
 */
export type Call = (method: string, path: string, body?: unknown) => Promise<{ ok: true; body: unknown } | { ok: false }>;
export interface ListIo {
  out(line: string): void;
  err(line: string): void;
}

const when = z.string().nullable();
export const StoreRow = z.object({ id: z.number(), name: z.string(), region: z.string().nullable(), timeZone: z.string(), tills: z.number() });
export const TillRow = z.object({
  id: z.string(),
  name: z.string(),
  storeId: z.number(),
  store: z.string(),
  enrolledAt: when,
  revokedAt: when,
  lastSeen: when,
  rejected: z.number(),
  version: z.string().nullable().default(null),
  unsent: z.number().nullable().default(null),
});
export const CashierRow = z.object({ id: z.string(), personnelNo: z.string(), name: z.string(), storeId: z.number(), store: z.string(), revokedAt: when });
export const RejectedRow = z.object({
  eventId: z.string(),
  type: z.string(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  terminal: z.string().nullable(),
  store: z.string().nullable(),
  receivedAt: when,
});

const dash = (v: string | number | null): string => (v === null || v === '' ? '-' : String(v).replace(/[\t\r\n]+/g, ' '));

type Cell = string | number | null;
interface ListDef {
  path: string;
  header: string[];
  rows(body: unknown): Cell[][];
}

/** A list's endpoint, header and row cells, with the answer checked against its row schema. */
function defineList<T>(path: string, key: string, row: z.ZodType<T>, header: string[], cells: (r: T) => Cell[]): ListDef {
  return { path, header, rows: (body) => (z.object({ [key]: z.array(row) }).parse(body)[key] as T[]).map(cells) };
}

const LISTS = {
  stores: defineList('stores', 'stores', StoreRow, ['id', 'name', 'region', 'time zone', 'tills'], (s) => [s.id, s.name, s.region, s.timeZone, s.tills]),
  tills: defineList(
    'terminals',
    'terminals',
    TillRow,
    ['id', 'name', 'store', 'enrolled', 'last seen', 'version', 'unsent', 'rejected events', 'state'],
    (t) => [
      t.id,
      t.name,
      `${t.storeId} ${t.store}`,
      t.enrolledAt,
      t.lastSeen,
      t.version,
      t.unsent,
      t.rejected,
      t.revokedAt ? `revoked ${t.revokedAt}` : 'active',
    ],
  ),
  cashiers: defineList('cashiers', 'cashiers', CashierRow, ['id', 'personnel no', 'name', 'store', 'state'], (c) => [
    c.id,
    c.personnelNo,
    c.name,
    `${c.storeId} ${c.store}`,
    c.revokedAt ? `revoked ${c.revokedAt}` : 'active',
  ]),
  rejected: defineList('rejected', 'events', RejectedRow, ['received', 'event id', 'type', 'code', 'till', 'store', 'message'], (e) => [
    e.receivedAt,
    e.eventId,
    e.type,
    e.code,
    e.terminal,
    e.store,
    e.message,
  ]),
} satisfies Record<string, ListDef>;

export type ListName = keyof typeof LISTS;
export const LIST_NAMES = Object.keys(LISTS) as ListName[];

export async function listCommand(name: ListName, args: readonly string[], io: ListIo, call: Call): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { chain: { type: 'string' }, search: { type: 'string' }, limit: { type: 'string' } },
    strict: true,
  });
  const parsed = z
    .object({
      chain: z.coerce.number().int().positive().default(1),
      search: z.string().trim().max(100).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    })
    .safeParse(values);
  if (!parsed.success) {
    io.err(`${name} takes --chain <id> (default 1), --search <text> and --limit <1-500>.`);
    return 2;
  }
  const list = LISTS[name];
  const query = new URLSearchParams({ limit: String(parsed.data.limit), ...(parsed.data.search ? { q: parsed.data.search } : {}) });
  const res = await call('GET', `/api/v1/admin/chains/${parsed.data.chain}/${list.path}?${query}`);
  if (!res.ok) return 1;
  const rows = list.rows(res.body);
  if (rows.length === 0) {
    io.out(`No ${name} in chain ${parsed.data.chain}${parsed.data.search ? ` matching "${parsed.data.search}"` : ''}.`);
    return 0;
  }
  io.out(list.header.join('\t'));
  for (const row of rows) io.out(row.map(dash).join('\t'));
  return 0;
}
