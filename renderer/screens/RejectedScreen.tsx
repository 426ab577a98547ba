import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RejectedView } from '../../sync/client/session/rejected';
import { localeOf } from '../i18n';
import { useSession, useTillState } from '../session/useTillSession';

/**
 * Events the server refused, kept on the till and listed by reason in the cashier's language:
 * what can be fixed here (an e-mail the server would not take) is fixed and sent again; the
 * rest says plainly that it cannot be fixed at the till and waits for head office.
 */
export function RejectedScreen({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { sync } = useTillState();
  const [list, setList] = useState<RejectedView[] | null>(null);
  const load = useCallback(() => void session.rejected().then(setList), [session]);
  useEffect(load, [load, sync.rejected]);
  const time = (ms: number) => new Date(ms).toLocaleString(localeOf(i18n.language), { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });
  return (
    <section className="rejected" aria-label={t('rejected.title')}>
      <header className="row">
        <h2>{t('rejected.title')}</h2>
        <button type="button" className="secondary" onClick={onClose}>
          {t('rejected.close')}
        </button>
      </header>
      {list === null ? (
        <p aria-busy="true">…</p>
      ) : list.length === 0 ? (
        <p className="sync-done">{t('rejected.none')}</p>
      ) : (
        <table className="basket" aria-label={t('rejected.list')}>
          <thead>
            <tr>
              <th>{t('rejected.when')}</th>
              <th>{t('rejected.what')}</th>
              <th>{t('rejected.reason')}</th>
              <th>{t('rejected.action')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.eventId}>
                <td>{time(r.createdAt)}</td>
                <td>
                  {t(`rejected.type.${r.type}`)}
                  {r.name ? ` · ${r.name}` : ''}
                </td>
                <td>{i18n.exists(`rejected.code.${r.code}`) ? t(`rejected.code.${r.code}`) : t('rejected.code.other')}</td>
                <td>{r.fix === 'email' ? <EmailFix row={r} onDone={load} /> : <span className="hint">{t('rejected.cannotFix')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function EmailFix({ row, onDone }: { row: RejectedView; onDone: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const [email, setEmail] = useState(row.email ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await session.fixRejected(row.eventId, { email });
    if (res.ok) onDone();
    else setProblem(res.problem);
  };
  return (
    <form className="row" onSubmit={submit}>
      <label htmlFor={`fix-${row.eventId}`}>{t('rejected.fixEmail')}</label>
      <input id={`fix-${row.eventId}`} value={email} onChange={(e) => setEmail(e.target.value)} type="email" autoComplete="off" maxLength={254} />
      <button type="submit">{t('rejected.resend')}</button>
      {problem && (
        <p role="alert" className="warn">
          {t(problem)}
        </p>
      )}
    </form>
  );
}
