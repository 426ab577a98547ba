import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StoreFeedback, type FeedbackScoreView } from '../../sync/protocol/feedback';
import { localeOf } from '../i18n';

type Fetch = (query?: Record<string, string>) => Promise<{ ok: true; body: unknown } | { ok: false; message: string }>;

/** A score's cells: answers, the average rating and the NPS-style index; a dash where there were none. */
export function scoreCells(s: FeedbackScoreView, locale: string): [string, string, string] {
  return [
    String(s.answers),
    s.averageHundredths === null ? '—' : (s.averageHundredths / 100).toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    s.index === null ? '—' : s.index > 0 ? `+${s.index}` : String(s.index),
  ];
}

/**
 * The manager screen's customer ratings (issue 16) for the period the figures show: the store's
 * and each cashier's answers, average and NPS-style index.
 */
export function FeedbackPanel({ fetch, period }: { fetch: Fetch; period: { from: string; to: string } | null }) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const [scores, setScores] = useState<StoreFeedback | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void fetch(period ? { date: period.from, to: period.to } : undefined).then((r) => {
      if (!live) return;
      const s = r.ok ? StoreFeedback.safeParse(r.body) : null;
      if (s?.success) {
        setScores(s.data);
        setProblem(null);
      } else setProblem(r.ok ? t('manager.badAnswer') : r.message);
    });
    return () => {
      live = false;
    };
  }, [fetch, period, t]);
  const rows = scores
    ? [
        { key: 'store', name: t('feedbackScores.store'), score: scores.store },
        ...scores.cashiers.map((c) => ({
          key: c.cashierId ?? 'none',
          name: c.cashierId === null ? t('feedbackScores.noCashier') : (c.cashierName ?? c.cashierId),
          score: c,
        })),
      ]
    : [];
  return (
    <>
      <h3>{t('feedbackScores.title')}</h3>
      <p className="hint">{t('feedbackScores.hint')}</p>
      {problem && <p className="warn">{problem}</p>}
      {scores && scores.store.answers === 0 ? (
        <p className="hint">{t('feedbackScores.none')}</p>
      ) : (
        <table aria-label={t('feedbackScores.table')}>
          <thead>
            <tr>
              <th>{t('feedbackScores.who')}</th>
              <th>{t('feedbackScores.answers')}</th>
              <th>{t('feedbackScores.average')}</th>
              <th>{t('feedbackScores.index')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td>{r.name}</td>
                {scoreCells(r.score, locale).map((c, i) => (
                  <td key={i}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
