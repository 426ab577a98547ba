import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE, SegmentRulesSchema } from '../../../core/loyalty/segments';
import type { SegmentCounts } from '../../../sync/protocol/segments';
import { formToRules, rulesToForm, segmentTable } from './segmentsModel';

const stores = [
  { id: 1, name: 'Тверская', regionId: 10 },
  { id: 2, name: 'Арбат', regionId: 10 },
  { id: 3, name: 'Невский', regionId: 20 },
  { id: 4, name: 'Новый магазин', regionId: null },
];
const regions = [
  { id: 10, name: 'Москва' },
  { id: 20, name: 'Санкт-Петербург' },
];

const counts = (byStore: SegmentCounts['byStore']): SegmentCounts => {
  const totals = new Map<string, number>();
  for (const r of byStore) totals.set(r.lifecycle, (totals.get(r.lifecycle) ?? 0) + r.customers);
  return {
    computedAt: null,
    bySegment: [...totals].map(([lifecycle, customers]) => ({ lifecycle: lifecycle as (typeof LIFECYCLE)[number], customers })),
    byStore,
    rfm: { r: [0, 0, 0, 0, 0], f: [0, 0, 0, 0, 0], m: [0, 0, 0, 0, 0] },
  };
};

describe('segments page: customers per store and segment', () => {
  it('shows every store (empty ones too), customers without a purchase last, and totals that add up', () => {
    const table = segmentTable(
      counts([
        { storeId: null, lifecycle: 'new', customers: 7 },
        { storeId: 1, lifecycle: 'active', customers: 3 },
        { storeId: 1, lifecycle: 'lost', customers: 1 },
        { storeId: 3, lifecycle: 'sleeping', customers: 2 },
      ]),
      stores,
      regions,
      'store',
    );
    expect(table.rows.map((r) => [r.label, r.total])).toEqual([
      ['Тверская', 4],
      ['Арбат', 0],
      ['Невский', 2],
      ['Новый магазин', 0],
      [null, 7],
    ]);
    expect(table.totals).toEqual({ new: 7, active: 3, sleeping: 2, lost: 1 });
    expect(table.total).toBe(13);
  });

  it('by region: stores of one region together, a store without a region under "no region"', () => {
    const table = segmentTable(
      counts([
        { storeId: 1, lifecycle: 'active', customers: 3 },
        { storeId: 2, lifecycle: 'active', customers: 2 },
        { storeId: 4, lifecycle: 'sleeping', customers: 5 },
        { storeId: null, lifecycle: 'new', customers: 1 },
      ]),
      stores,
      regions,
      'region',
    );
    expect(table.rows.map((r) => [r.label, r.cells.active, r.cells.sleeping, r.cells.new])).toEqual([
      ['Москва', 5, 0, 0],
      ['Санкт-Петербург', 0, 0, 0],
      [null, 0, 5, 1],
    ]);
  });

  it('rows add up to the totals and the totals to the chain per segment, whatever the counts (property)', () => {
    const row = fc.record({
      storeId: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
      lifecycle: fc.constantFrom(...LIFECYCLE),
      customers: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.constantFrom('store' as const, 'region' as const), (rows, by) => {
        const c = counts(rows);
        const table = segmentTable(c, stores, regions, by);
        for (const l of LIFECYCLE) {
          expect(table.rows.reduce((a, r) => a + r.cells[l], 0)).toBe(table.totals[l]);
          expect(table.totals[l]).toBe(c.bySegment.find((s) => s.lifecycle === l)?.customers ?? 0);
        }
        for (const r of table.rows) expect(LIFECYCLE.reduce((a, l) => a + r.cells[l], 0)).toBe(r.total);
        expect(table.rows.reduce((a, r) => a + r.total, 0)).toBe(table.total);
        expect(new Set(table.rows.map((r) => r.key)).size).toBe(table.rows.length);
      }),
    );
  });
});

describe('segments page: the thresholds form', () => {
  const defaults = SegmentRulesSchema.parse({});

  it("shows the chain's rules with money in roubles and sends them back unchanged", () => {
    const form = rulesToForm({ ...defaults, monetaryKopecks: [9_950, 1_500_000, 5_000_000, 15_000_000] });
    expect(form.monetaryRoubles).toEqual(['99,50', '15000', '50000', '150000']);
    expect(formToRules(form)).toEqual({ ok: true, value: { ...defaults, monetaryKopecks: [9_950, 1_500_000, 5_000_000, 15_000_000] } });
  });

  it('takes roubles typed with spaces or a dot, and days with spaces around', () => {
    const form = { ...rulesToForm(defaults), activeDays: ' 120 ', monetaryRoubles: ['1 000', '2000.5', '3000', '4 000,00'] };
    const r = formToRules(form);
    expect(r.ok && r.value.activeDays).toBe(120);
    expect(r.ok && r.value.monetaryKopecks).toEqual([100_000, 200_050, 300_000, 400_000]);
  });

  it('refuses what the server would, each field with its own reason, before anything is sent', () => {
    const form = {
      ...rulesToForm(defaults),
      newDays: '0',
      activeDays: '400',
      lostDays: '365',
      periodDays: 'год',
      recencyDays: ['14', '30', '30', '180'],
      frequency: ['1', '2', '-3', '4'],
      monetaryRoubles: ['100', '', '300', '400'],
    };
    expect(formToRules(form)).toEqual({
      ok: false,
      errors: {
        newDays: 'days',
        lostDays: 'lostAfterActive',
        periodDays: 'days',
        recencyDays: 'increasing',
        frequency: 'count',
        monetaryRoubles: 'roubles',
      },
    });
    expect(formToRules({ ...rulesToForm(defaults), lostDays: '3661' })).toEqual({ ok: false, errors: { lostDays: 'days' } });
  });

  it('whatever is typed, the form either refuses it or gives rules the server accepts (property)', () => {
    const text = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 5_000 }).map(String));
    fc.assert(
      fc.property(text, text, text, fc.array(text, { minLength: 4, maxLength: 4 }), fc.array(text, { minLength: 4, maxLength: 4 }), (a, l, p, rec, money) => {
        const r = formToRules({ ...rulesToForm(defaults), activeDays: a, lostDays: l, periodDays: p, recencyDays: rec, monetaryRoubles: money });
        if (r.ok) expect(SegmentRulesSchema.safeParse(r.value).success).toBe(true);
        else expect(Object.keys(r.errors).length).toBeGreaterThan(0);
      }),
    );
  });
});
