import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChainFeedback, type FeedbackScoreView } from '../../../sync/protocol/feedback';
import type { Ctx } from '../App';

/**
 * Head office: the customers' ratings after a purchase (issue 16) over the figures' period, per
 * region and per store: answers, average and the NPS-style index (5s less 1-3s, in percent).
 */
export function FeedbackScores({ ctx, from, to, storeId }: { ctx: Ctx; from: string; to: string; storeId: string }) {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<ChainFeedback | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    void ctx.api
      .call(ChainFeedback, 'GET', `/api/v1/admin/chains/${ctx.chainId}/feedback`, { query: { from, to, storeId: storeId || undefined } })
      .then((r) => {
        if (!live) return;
        setFailed(!r.ok);
        if (r.ok) setData(r.value);
      });
    return () => {
      live = false;
    };
  }, [ctx.api, ctx.chainId, from, to, storeId]);
  const cells = (s: FeedbackScoreView) => [
    s.answers,
    s.averageHundredths === null ? '—' : (s.averageHundredths / 100).toLocaleString(i18n.language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    s.index === null ? '—' : s.index > 0 ? `+${s.index}` : String(s.index),
  ];
  const table = (label: string, rows: { key: string; name: string; score: FeedbackScoreView }[]) => (
    <table aria-label={label}>
      <thead>
        <tr>
          {(['where', 'answers', 'average', 'index'] as const).map((c) => (
            <th key={c}>{t(`ho.feedback.columns.${c}`)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>{r.name}</td>
            {cells(r.score).map((c, i) => (
              <td key={i}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <>
      <h3>{t('ho.feedback.heading')}</h3>
      <p className="hint">{t('ho.feedback.hint')}</p>
      {failed && <p className="warn">{t('ho.feedback.failed')}</p>}
      {data && (
        <>
          {table(t('ho.feedback.byRegion'), [
            { key: 'chain', name: t('ho.feedback.chain'), score: data.chain },
            ...data.regions.map((r) => ({ key: `r${r.regionId}`, name: r.region ?? t('ho.figures.noRegion'), score: r })),
          ])}
          {table(
            t('ho.feedback.byStore'),
            data.stores.map((s) => ({ key: `s${s.storeId}`, name: s.store, score: s })),
          )}
        </>
      )}
    </>
  );
}
