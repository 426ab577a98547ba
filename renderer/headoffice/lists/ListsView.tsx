import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { ApiError } from '../api';
import type { Ctx } from '../App';
import { Catalogue, Stores } from '../reference';

const Terminals = z.object({
  terminals: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      store: z.string(),
      enrolledAt: z.string().nullable(),
      revokedAt: z.string().nullable(),
      lastSeen: z.string().nullable(),
      rejected: z.number().int(),
      version: z.string().nullable(),
      unsent: z.number().int().nullable(),
    }),
  ),
});
const Cashiers = z.object({
  cashiers: z.array(
    z.object({
      id: z.string(),
      personnelNo: z.string(),
      name: z.string(),
      store: z.string(),
      createdAt: z.string().nullable(),
      revokedAt: z.string().nullable(),
    }),
  ),
});
const Managers = z.object({
  managers: z.array(
    z.object({ id: z.string(), name: z.string(), store: z.string(), hasCard: z.boolean(), createdAt: z.string().nullable(), revokedAt: z.string().nullable() }),
  ),
});
const Rejected = z.object({
  events: z.array(
    z.object({
      eventId: z.string(),
      type: z.string(),
      code: z.string().nullable(),
      terminal: z.string().nullable(),
      store: z.string().nullable(),
      receivedAt: z.string().nullable(),
    }),
  ),
});

/** Supervisor approvals at the tills (GET /api/v1/admin/chains/:id/approvals): who approved what. */
const Approvals = z.object({
  approvals: z.array(
    z.object({
      eventId: z.string(),
      occurredAt: z.string(),
      storeId: z.number().int(),
      cashierId: z.string().nullable(),
      managerName: z.string(),
      action: z.string(),
      productId: z.string().nullable(),
      before: z.number().int(),
      after: z.number().int(),
      lines: z.array(z.unknown()).nullable(),
    }),
  ),
});

/** Sales and returns by fiscal document number, fiscal sign or receipt number (GET /api/v1/admin/chains/:id/receipts, issue 14). */
const Receipts = z.object({
  receipts: z.array(
    z.object({
      kind: z.enum(['sale', 'return']),
      eventId: z.string(),
      receiptId: z.string().nullable(),
      returnId: z.string().nullable(),
      store: z.string(),
      terminal: z.string().nullable(),
      at: z.string(),
      totalKopecks: z.number().int(),
      fiscal: z
        .object({ documentNumber: z.number().int(), fiscalSign: z.string(), shiftNumber: z.number().int().optional(), fnNumber: z.string().optional() })
        .nullable(),
    }),
  ),
});

const KINDS = ['stores', 'terminals', 'products', 'cashiers', 'managers', 'approvals', 'rejected', 'receipts'] as const;
type Kind = (typeof KINDS)[number];
type Table = { columns: string[]; rows: { key: string; cells: ReactNode[] }[] };

/** Searchable lists of the chain: stores, tills (last seen, version, unsent events), products, cashiers, managers, supervisor approvals and refused till events. */
export function ListsView({ ctx }: { ctx: Ctx }) {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<Kind>('stores');
  const [q, setQ] = useState('');
  const [table, setTable] = useState<Table | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const when = (s: string | null) => (s ? new Date(s).toLocaleString(ctx.locale) : t('ho.common.dash'));
  const day = (s: string | null) => (s ? new Date(s).toLocaleDateString(ctx.locale) : t('ho.common.dash'));

  useEffect(() => {
    let live = true;
    const base = `/api/v1/admin/chains/${ctx.chainId}/${kind}`;
    const query = { q: q.trim(), limit: 500 };
    const timer = setTimeout(() => {
      const done = (r: { ok: true; value: Table } | { ok: false; error: ApiError }) => {
        if (!live) return;
        if (r.ok) {
          setTable(r.value);
          setError(null);
        } else setError(r.error);
      };
      const L = (k: string) => t(`ho.lists.${kind}.${k}`);
      if (kind === 'receipts') {
        const columns = ['when', 'kind', 'store', 'terminal', 'receipt', 'total', 'documentNumber', 'fiscalSign', 'fnNumber', 'shift'].map(L);
        // Nothing to list without a number: the chain's receipts are too many.
        if (!query.q) return done({ ok: true, value: { columns, rows: [] } });
        void ctx.api.call(Receipts, 'GET', base, { query }).then((r) =>
          done(
            r.ok
              ? {
                  ok: true,
                  value: {
                    columns,
                    rows: r.value.receipts.map((x) => ({
                      key: x.eventId,
                      cells: [
                        when(x.at),
                        L(x.kind),
                        x.store,
                        x.terminal ?? t('ho.common.dash'),
                        x.returnId ? `${x.receiptId ?? L('noReceipt')} / ${x.returnId}` : (x.receiptId ?? t('ho.common.dash')),
                        ctx.money(x.totalKopecks),
                        x.fiscal ? x.fiscal.documentNumber : L('notFiscal'),
                        x.fiscal?.fiscalSign ?? t('ho.common.dash'),
                        x.fiscal?.fnNumber ?? t('ho.common.dash'),
                        x.fiscal?.shiftNumber ?? t('ho.common.dash'),
                      ],
                    })),
                  },
                }
              : r,
          ),
        );
      } else if (kind === 'stores') {
        void ctx.api.call(Stores, 'GET', base, { query }).then((r) =>
          done(
            r.ok
              ? {
                  ok: true,
                  value: {
                    columns: ['id', 'name', 'region', 'timeZone', 'tills'].map(L),
                    rows: r.value.stores.map((s) => ({ key: String(s.id), cells: [s.id, s.name, s.region ?? t('ho.common.dash'), s.timeZone, s.tills] })),
                  },
                }
              : r,
          ),
        );
      } else if (kind === 'terminals') {
        void ctx.api.call(Terminals, 'GET', base, { query }).then((r) =>
          done(
            r.ok
              ? {
                  ok: true,
                  value: {
                    columns: ['name', 'store', 'state', 'enrolled', 'lastSeen', 'version', 'unsent', 'rejected'].map(L),
                    rows: r.value.terminals.map((x) => ({
                      key: x.id,
                      cells: [
                        x.name,
                        x.store,
                        x.revokedAt ? L('revoked') : L('active'),
                        day(x.enrolledAt),
                        when(x.lastSeen),
                        x.version ?? L('notReported'),
                        x.unsent ?? L('notReported'),
                        x.rejected,
                      ],
                    })),
                  },
                }
              : r,
          ),
        );
      } else if (kind === 'products') {
        void ctx.api.call(Catalogue, 'GET', `/api/v1/admin/chains/${ctx.chainId}/catalogue`, { query }).then((r) => {
          if (!r.ok) return done(r);
          const group = new Map(r.value.categories.map((c) => [c.id, c.name]));
          done({
            ok: true,
            value: {
              columns: ['name', 'ean', 'category', 'price', 'weighed', 'vat', 'marked'].map(L),
              rows: r.value.products.map((p) => ({
                key: p.id,
                cells: [
                  p.name,
                  p.ean ?? t('ho.common.dash'),
                  group.get(p.categories[0] ?? '') ?? t('ho.common.dash'),
                  p.priceKopecks === null ? L('noPrice') : ctx.money(p.priceKopecks),
                  p.weighed ? t('ho.common.yes') : t('ho.common.no'),
                  p.vat ? L(`vatRates.${p.vat}`) : L('defaultVat'),
                  p.marked ? t('ho.common.yes') : t('ho.common.no'),
                ],
              })),
            },
          });
        });
      } else if (kind === 'cashiers') {
        void ctx.api.call(Cashiers, 'GET', base, { query }).then((r) =>
          done(
            r.ok
              ? {
                  ok: true,
                  value: {
                    columns: ['number', 'name', 'store', 'since', 'state'].map(L),
                    rows: r.value.cashiers.map((c) => ({
                      key: c.id,
                      cells: [c.personnelNo, c.name, c.store, day(c.createdAt), c.revokedAt ? L('revoked') : L('active')],
                    })),
                  },
                }
              : r,
          ),
        );
      } else if (kind === 'managers') {
        void ctx.api.call(Managers, 'GET', base, { query }).then((r) =>
          done(
            r.ok
              ? {
                  ok: true,
                  value: {
                    columns: ['name', 'store', 'card', 'since', 'state'].map(L),
                    rows: r.value.managers.map((m) => ({
                      key: m.id,
                      cells: [m.name, m.store, m.hasCard ? t('ho.common.yes') : t('ho.common.no'), day(m.createdAt), m.revokedAt ? L('revoked') : L('active')],
                    })),
                  },
                }
              : r,
          ),
        );
      } else if (kind === 'approvals') {
        void ctx.api.call(Approvals, 'GET', base, { query: { limit: 500 } }).then((r) =>
          done(
            r.ok
              ? {
                  ok: true,
                  value: {
                    columns: ['when', 'store', 'action', 'manager', 'what', 'before', 'after'].map(L),
                    rows: r.value.approvals
                      .filter((a) => !q.trim() || `${a.managerName} ${a.productId ?? ''}`.toLowerCase().includes(q.trim().toLowerCase()))
                      .map((a) => ({
                        key: a.eventId,
                        cells: [
                          when(a.occurredAt),
                          a.storeId,
                          i18n.exists(`ho.lists.approvals.actions.${a.action}`) ? L(`actions.${a.action}`) : a.action,
                          a.managerName,
                          a.lines ? t('ho.lists.approvals.lines', { count: a.lines.length }) : (a.productId ?? t('ho.common.dash')),
                          ctx.money(a.before),
                          ctx.money(a.after),
                        ],
                      })),
                  },
                }
              : r,
          ),
        );
      } else {
        void ctx.api.call(Rejected, 'GET', base, { query }).then((r) =>
          done(
            r.ok
              ? {
                  ok: true,
                  value: {
                    columns: ['when', 'type', 'code', 'terminal', 'store', 'id'].map(L),
                    rows: r.value.events.map((e) => ({
                      key: e.eventId,
                      cells: [
                        when(e.receivedAt),
                        t(
                          i18n.exists(`ho.exceptions.values.eventType.${e.type}`)
                            ? `ho.exceptions.values.eventType.${e.type}`
                            : 'ho.exceptions.values.eventType.other',
                        ),
                        e.code === null
                          ? t('ho.common.dash')
                          : t(
                              i18n.exists(`ho.exceptions.values.rejected.${e.code}`)
                                ? `ho.exceptions.values.rejected.${e.code}`
                                : 'ho.exceptions.values.rejected.other',
                            ),
                        e.terminal ?? t('ho.common.dash'),
                        e.store ?? t('ho.common.dash'),
                        e.eventId.slice(0, 8),
                      ],
                    })),
                  },
                }
              : r,
          ),
        );
      }
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // when/day depend only on the locale and t, both listed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, q, ctx.api, ctx.chainId, ctx.locale, t, i18n]);

  return (
    <section aria-labelledby="lists-heading">
      <h2 id="lists-heading">{t('ho.lists.heading')}</h2>
      <div className="row" role="tablist">
        {KINDS.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={kind === k} className={kind === k ? '' : 'secondary'} onClick={() => setKind(k)}>
            {t(`ho.lists.kinds.${k}`)}
          </button>
        ))}
      </div>
      <div className="toolbar">
        <label>
          {t('ho.common.search')}
          <input type="search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} />
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {t(error.key, error.params)}
        </p>
      )}
      {table && (
        <table aria-label={t(`ho.lists.kinds.${kind}`)}>
          <thead>
            <tr>
              {table.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.key}>
                {r.cells.map((c, i) => (
                  <td key={i}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {table && table.rows.length === 0 && <p className="hint">{kind === 'receipts' && !q.trim() ? t('ho.lists.receipts.hint') : t('ho.common.none')}</p>}
    </section>
  );
}
