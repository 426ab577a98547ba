import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api';
import type { Ctx } from '../App';

const KINDS = ['receipts', 'customers', 'ledger'] as const;
type Kind = (typeof KINDS)[number];
const CHANNELS = ['sms', 'email', 'push', 'messenger'] as const;

/**
 * The period's bounds for the export query: a day typed in the form is the whole day in the
 * browser's time zone (from its first moment to the next day's first), as ISO instants.
 */
export function exportRange(from: string, to: string): { from?: string; to?: string } {
  const day = (d: string, plus: number) => {
    const [y, m, dd] = d.split('-').map(Number);
    return new Date(y!, m! - 1, dd! + plus).toISOString();
  };
  return { ...(from ? { from: day(from, 0) } : {}), ...(to ? { to: day(to, 1) } : {}) };
}

/**
 * CSV exports for the back office, from the browser: receipts with their returns, the customers
 * who consented to a marketing channel (with the consent's text version and date), and the
 * bonus ledger, for a period; ";" between fields by default, as Russian Excel expects.
 */
export function ExportPanel({ ctx }: { ctx: Ctx }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Kind>('receipts');
  const [channel, setChannel] = useState<(typeof CHANNELS)[number]>('sms');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [separator, setSeparator] = useState<'semicolon' | 'comma'>('semicolon');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await ctx.api.file(`/api/v1/admin/chains/${ctx.chainId}/export/${kind}`, {
      ...exportRange(from, to),
      separator,
      channel: kind === 'customers' ? channel : undefined,
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    const url = URL.createObjectURL(r.blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = r.name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setDone(r.name);
  };

  return (
    <section aria-labelledby="export-heading">
      <h2 id="export-heading">{t('ho.export.heading')}</h2>
      <form className="card" aria-label={t('ho.export.form')} onSubmit={(e) => void submit(e)}>
        <label>
          {t('ho.export.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`ho.export.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {kind === 'customers' && (
          <label>
            {t('ho.export.channel')}
            <select value={channel} onChange={(e) => setChannel(e.target.value as (typeof CHANNELS)[number])}>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {t(`ho.export.channels.${c}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="row">
          <label>
            {t('ho.common.from')}
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            {t('ho.common.to')}
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <label>
            {t('ho.export.separator')}
            <select value={separator} onChange={(e) => setSeparator(e.target.value as 'semicolon' | 'comma')}>
              <option value="semicolon">{t('ho.export.separators.semicolon')}</option>
              <option value="comma">{t('ho.export.separators.comma')}</option>
            </select>
          </label>
        </div>
        <p className="hint">{t(`ho.export.help.${kind}`)}</p>
        <div className="row">
          <button type="submit" disabled={busy}>
            {t('ho.export.download')}
          </button>
        </div>
        {done && <p role="status">{t('ho.export.done', { name: done })}</p>}
        {error && (
          <p role="alert" className="error">
            {t(error.key, error.params)}
          </p>
        )}
      </form>
    </section>
  );
}
