import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Sql } from '../db/database';

/**
 * CSV exports for the back office, streamed page by page (keyset, PAGE rows a query) so a
 * chain's whole ledger never sits in memory. UTF-8 with a BOM (Excel then reads Cyrillic),
 * RFC 4180 quoting, "," or ";" between fields. A text a person typed that starts like a
 * spreadsheet formula is prefixed with ' so opening the file runs nothing.
 */
const PAGE = 1000;

export const EXPORT_KINDS = ['receipts', 'customers', 'ledger'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const MARKETING_CHANNELS = ['sms', 'email', 'push', 'messenger'] as const;

export const ExportQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  separator: z.enum(['comma', 'semicolon']).default('comma'),
  /** customers only: the marketing channel whose consent is required. */
  channel: z.enum(MARKETING_CHANNELS).optional(),
});
export type ExportQuery = z.infer<typeof ExportQuery>;

type Cell = string | number | boolean | null | undefined | Date;

export function csvCell(value: Cell, separator: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly Cell[], separator: string): string {
  return `${cells.map((c) => csvCell(c, separator)).join(separator)}\r\n`;
}

interface ExportSpec {
  header: string[];
  /** One page after `after` (the keyset, '' for the first page): rows and the last key. */
  page(db: Sql, chainId: number, after: string, q: ExportQuery): Promise<{ rows: Cell[][]; last: string | null }>;
}

const range = (q: ExportQuery): [string, string] => [q.from ?? '-infinity', q.to ?? 'infinity'];

const SPECS: Record<ExportKind, ExportSpec> = {
  receipts: {
    header: [
      'receipt_id',
      'event_id',
      'store_id',
      'terminal_id',
      'cashier_id',
      'customer_id',
      'sold_at',
      'received_at',
      'payment_method',
      'payable_kopecks',
      'discount_kopecks',
      'redeemed_kopecks',
      'accrued_kopecks',
      'returns',
      // The sale's fiscal document (54-FZ), empty for a till without a register.
      'fiscal_document_number',
      'fiscal_sign',
      'fiscal_drive_number',
      'fiscal_shift_number',
      'register_number',
    ],
    async page(db, chainId, after, q) {
      const [from, to] = range(q);
      const rows = await db.query<Record<string, Cell>>(
        `SELECT r.receipt_id, r.event_id::text AS event_id, r.store_id, r.terminal_id::text AS terminal_id, r.cashier_id::text AS cashier_id,
                r.customer_id::text AS customer_id, r.sold_at, r.received_at, r.payment->>'method' AS method,
                (r.till_totals->>'payable')::bigint AS payable, (r.till_totals->>'discount')::bigint AS discount,
                (r.till_totals->>'redeemed')::bigint AS redeemed, (r.till_totals->>'accrued')::bigint AS accrued,
                (SELECT count(*)::int FROM receipt_returns rr WHERE rr.sale_event_id = r.event_id) AS returns,
                r.fiscal->>'documentNumber' AS fd, r.fiscal->>'fiscalSign' AS fp, r.fiscal->>'fnNumber' AS fn,
                r.fiscal->>'shiftNumber' AS shift, r.fiscal->>'registrationNumber' AS rn
         FROM receipts r
         WHERE r.chain_id = $1 AND r.event_id > $2::uuid AND r.sold_at >= $3::timestamptz AND r.sold_at < $4::timestamptz
         ORDER BY r.event_id LIMIT ${PAGE}`,
        [chainId, after || '00000000-0000-0000-0000-000000000000', from, to],
      );
      return {
        rows: rows.map((r) => [
          r.receipt_id,
          r.event_id,
          r.store_id,
          r.terminal_id,
          r.cashier_id,
          r.customer_id,
          r.sold_at,
          r.received_at,
          r.method,
          num(r.payable),
          num(r.discount),
          num(r.redeemed),
          num(r.accrued),
          r.returns,
          r.fd,
          r.fp,
          r.fn,
          r.shift,
          r.rn,
        ]),
        last: rows.length === PAGE ? String(rows.at(-1)!.event_id) : null,
      };
    },
  },
  customers: {
    header: ['customer_id', 'first_name', 'contact', 'channel', 'consent_text_version', 'consent_given_at', 'registered_at', 'store_id'],
    async page(db, chainId, after, q) {
      const channel = q.channel!;
      const [from, to] = range(q);
      // The decision in force per customer: the latest marketing consent on this channel, and the
      // personal-data consent not withdrawn since. Only customers reachable with both appear.
      const rows = await db.query<Record<string, Cell>>(
        `SELECT c.id::text AS id, c.first_name, c.phone_e164, c.email, m.text_version, COALESCE(m.given_at, m.recorded_at) AS given_at, c.registered_at, c.store_id
         FROM customers c
         JOIN LATERAL (SELECT granted, text_version, given_at, recorded_at FROM consents x
                       WHERE x.customer_id = c.id AND x.purpose = 'marketing' AND x.channel = $3
                       ORDER BY COALESCE(x.given_at, x.recorded_at) DESC, x.id DESC LIMIT 1) m ON m.granted
         JOIN LATERAL (SELECT granted FROM consents p WHERE p.customer_id = c.id AND p.purpose = 'personal_data'
                       ORDER BY COALESCE(p.given_at, p.recorded_at) DESC, p.id DESC LIMIT 1) pd ON pd.granted
         WHERE c.chain_id = $1 AND c.id > $2::bigint AND COALESCE(m.given_at, m.recorded_at) >= $4::timestamptz AND COALESCE(m.given_at, m.recorded_at) < $5::timestamptz
         ORDER BY c.id LIMIT ${PAGE}`,
        [chainId, after || '0', channel, from, to],
      );
      const contact = (r: Record<string, Cell>): Cell => (channel === 'email' ? r.email : channel === 'push' ? null : r.phone_e164);
      return {
        rows: rows
          .filter((r) => channel === 'push' || contact(r) !== null)
          .map((r) => [r.id, r.first_name, contact(r), channel, r.text_version, r.given_at, r.registered_at, r.store_id]),
        last: rows.length === PAGE ? String(rows.at(-1)!.id) : null,
      };
    },
  },
  ledger: {
    header: [
      'entry_id',
      'customer_id',
      'kind',
      'bucket',
      'amount_kopecks',
      'active_from',
      'expires_at',
      'receipt_id',
      'event_id',
      'terminal_id',
      'reason',
      'created_at',
    ],
    async page(db, chainId, after, q) {
      const [from, to] = range(q);
      const rows = await db.query<Record<string, Cell>>(
        `SELECT l.id::text AS id, l.customer_id::text AS customer_id, l.kind, l.bucket, l.amount, l.active_from, l.expires_at, l.receipt_id,
                l.event_id::text AS event_id, l.terminal_id::text AS terminal_id, l.reason, l.created_at
         FROM ledger l JOIN customers c ON c.id = l.customer_id
         WHERE c.chain_id = $1 AND l.id > $2::bigint AND l.created_at >= $3::timestamptz AND l.created_at < $4::timestamptz
         ORDER BY l.id LIMIT ${PAGE}`,
        [chainId, after || '0', from, to],
      );
      return {
        rows: rows.map((r) => [
          r.id,
          r.customer_id,
          r.kind,
          r.bucket,
          num(r.amount),
          r.active_from,
          r.expires_at,
          r.receipt_id,
          r.event_id,
          r.terminal_id,
          r.reason,
          r.created_at,
        ]),
        last: rows.length === PAGE ? String(rows.at(-1)!.id) : null,
      };
    },
  },
};

const num = (v: Cell): Cell => (v === null || v === undefined ? null : Number(v));
const asDate = (v: Cell): Cell => (typeof v === 'string' && /^\d{4}-\d\d-\d\d[ T]/.test(v) ? new Date(v) : v);

/** The export as a stream of CSV lines; each page is read when the client is ready for more. */
export function exportCsv(db: Sql, chainId: number, kind: ExportKind, q: ExportQuery): Readable {
  const spec = SPECS[kind];
  const sep = q.separator === 'semicolon' ? ';' : ',';
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine(spec.header, sep)}`;
    let after = '';
    for (;;) {
      const { rows, last } = await spec.page(db, chainId, after, q);
      if (rows.length > 0) yield rows.map((r) => csvLine(r.map(asDate), sep)).join('');
      if (last === null) return;
      after = last;
    }
  }
  return Readable.from(lines());
}
