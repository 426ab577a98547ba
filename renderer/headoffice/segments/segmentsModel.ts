import { parseRoubles } from '../../../core/money';
import { LIFECYCLE, SegmentRulesSchema, type Lifecycle, type SegmentRules } from '../../../core/loyalty/segments';
import type { SegmentCounts } from '../../../sync/protocol/segments';

export type Cells = Record<Lifecycle, number>;
export interface TableRow {
  key: string;
  /** A store's or region's name; null: customers with no purchase yet (or no region). */
  label: string | null;
  cells: Cells;
  total: number;
}
export interface SegmentTable {
  rows: TableRow[];
  totals: Cells;
  total: number;
}

const empty = (): Cells => ({ new: 0, active: 0, sleeping: 0, lost: 0 });
const sum = (c: Cells) => LIFECYCLE.reduce((a, l) => a + c[l], 0);

/**
 * Customers per segment and store (store rows × segment columns), or per region: every customer
 * is in exactly one row (the store of their last purchase; "no purchase" for the rest), so the
 * rows add up to the totals, and the totals to the chain's counts per segment.
 */
export function segmentTable(
  counts: SegmentCounts,
  stores: readonly { id: number; name: string; regionId: number | null }[],
  regions: readonly { id: number; name: string }[],
  by: 'store' | 'region',
): SegmentTable {
  const rows = new Map<string, TableRow>();
  const storeOf = new Map(stores.map((s) => [s.id, s]));
  const regionName = new Map(regions.map((r) => [r.id, r.name]));
  // Stores first in the reference's order (empty ones too), then what the counts name beyond them.
  if (by === 'store') for (const s of stores) rows.set(`s${s.id}`, { key: `s${s.id}`, label: s.name, cells: empty(), total: 0 });
  else for (const r of regions) rows.set(`r${r.id}`, { key: `r${r.id}`, label: r.name, cells: empty(), total: 0 });
  const totals = empty();
  for (const c of counts.byStore) {
    let key: string;
    let label: string | null;
    if (by === 'store') {
      key = c.storeId === null ? 'none' : `s${c.storeId}`;
      label = c.storeId === null ? null : (storeOf.get(c.storeId)?.name ?? String(c.storeId));
    } else {
      const regionId = c.storeId === null ? null : (storeOf.get(c.storeId)?.regionId ?? null);
      key = regionId === null ? 'none' : `r${regionId}`;
      label = regionId === null ? null : (regionName.get(regionId) ?? String(regionId));
    }
    const row = rows.get(key) ?? { key, label, cells: empty(), total: 0 };
    row.cells[c.lifecycle] += c.customers;
    row.total += c.customers;
    rows.set(key, row);
    totals[c.lifecycle] += c.customers;
  }
  const ordered = [...rows.values()].sort((a, b) => Number(a.key === 'none') - Number(b.key === 'none'));
  return { rows: ordered, totals, total: sum(totals) };
}

/** The rules form as typed: whole days, counts, and roubles (kopecks on the wire). */
export interface RulesForm {
  newDays: string;
  activeDays: string;
  lostDays: string;
  periodDays: string;
  recencyDays: string[];
  frequency: string[];
  monetaryRoubles: string[];
}
export type RulesField = 'newDays' | 'activeDays' | 'lostDays' | 'periodDays' | 'recencyDays' | 'frequency' | 'monetaryRoubles';
/** Errors by field, as i18n keys under ho.segments.errors. */
export type RulesErrors = Partial<Record<RulesField, string>>;

/** Kopecks as a person types roubles: "15000", "99,50". */
const roubles = (k: number) => (k % 100 === 0 ? String(k / 100) : `${Math.floor(k / 100)},${String(k % 100).padStart(2, '0')}`);

export function rulesToForm(r: SegmentRules): RulesForm {
  return {
    newDays: String(r.newDays),
    activeDays: String(r.activeDays),
    lostDays: String(r.lostDays),
    periodDays: String(r.periodDays),
    recencyDays: r.recencyDays.map(String),
    frequency: r.frequency.map(String),
    monetaryRoubles: r.monetaryKopecks.map(roubles),
  };
}

const MAX_DAYS = 3_660;
const wholeNumber = (s: string): number | null => (/^\s*\d{1,9}\s*$/.test(s) ? Number(s.trim()) : null);
const increasing = (xs: number[]) => xs.every((v, i) => i === 0 || v > xs[i - 1]!);

/**
 * The form's values as the rules the server keeps, or each wrong field with why (an i18n key):
 * the same checks as the server's schema, worded for the person, before anything is sent.
 */
export function formToRules(f: RulesForm): { ok: true; value: SegmentRules } | { ok: false; errors: RulesErrors } {
  const errors: RulesErrors = {};
  const days = (field: 'newDays' | 'activeDays' | 'lostDays' | 'periodDays'): number => {
    const n = wholeNumber(f[field]);
    if (n === null || n < 1 || n > MAX_DAYS) {
      errors[field] = 'days';
      return 0;
    }
    return n;
  };
  const newDays = days('newDays');
  const activeDays = days('activeDays');
  const lostDays = days('lostDays');
  const periodDays = days('periodDays');
  if (!errors.activeDays && !errors.lostDays && lostDays <= activeDays) errors.lostDays = 'lostAfterActive';

  const cuts = (field: 'recencyDays' | 'frequency' | 'monetaryRoubles', parse: (s: string) => number | null): number[] => {
    const values = f[field].map(parse);
    if (values.length !== 4 || values.some((v) => v === null || v < 0)) {
      errors[field] = field === 'monetaryRoubles' ? 'roubles' : 'count';
      return [];
    }
    const xs = values as number[];
    if (!increasing(xs)) errors[field] = 'increasing';
    return xs;
  };
  const recencyDays = cuts('recencyDays', wholeNumber);
  const frequency = cuts('frequency', wholeNumber);
  const monetaryKopecks = cuts('monetaryRoubles', (s) => (s.trim() === '' ? null : parseRoubles(s)));
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const parsed = SegmentRulesSchema.safeParse({ newDays, activeDays, lostDays, periodDays, recencyDays, frequency, monetaryKopecks });
  // The checks above are the schema's; should they ever drift, the person still gets a worded refusal.
  if (!parsed.success) return { ok: false, errors: { periodDays: 'other' } };
  return { ok: true, value: parsed.data };
}
