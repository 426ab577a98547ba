import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ImportReport, type ImportReportWire } from '../../../sync/protocol/exchange';
import type { ApiError } from '../api';
import type { Ctx } from '../App';

/** What a file is: a CommerceML exchange file (import.xml, offers.xml) or one of the CSV kinds. */
const FORMATS = ['commerceml', 'products', 'prices', 'stores'] as const;
type Format = (typeof FORMATS)[number];
const KINDS = ['categories', 'products', 'stores', 'prices'] as const;
const ACTIONS = ['created', 'updated', 'unchanged', 'deleted'] as const;

/** The format a chosen file most likely is, from its name: a person may still pick another. */
export function formatOfFile(name: string, current: Format): Format {
  const n = name.toLowerCase();
  if (n.endsWith('.xml')) return 'commerceml';
  if (!n.endsWith('.csv')) return current;
  if (n.includes('price') || n.includes('цен')) return 'prices';
  if (n.includes('store') || n.includes('магаз')) return 'stores';
  if (n.includes('product') || n.includes('товар')) return 'products';
  return current === 'commerceml' ? 'products' : current;
}

/**
 * Head office's catalogue import: a CommerceML file from 1C or a CSV file, checked first (the
 * server works out what would change and writes nothing), then loaded; the result says, in the
 * reader's language, how many records were created, changed or left alone, and why each refused
 * record was refused (by its code; the server's English message is for IT).
 */
export function ImportView({ ctx }: { ctx: Ctx }) {
  const { t, i18n } = useTranslation();
  const [format, setFormat] = useState<Format>('commerceml');
  const [file, setFile] = useState<File | null>(null);
  const [priceType, setPriceType] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [report, setReport] = useState<ImportReportWire | null>(null);

  const send = async (preview: boolean) => {
    if (!file || busy) return;
    setBusy(true);
    setError(null);
    // The last report leaves while the server reads: what is shown is always this file's answer.
    setReport(null);
    const base = `/api/v1/admin/chains/${ctx.chainId}/import`;
    const query: Record<string, string> = preview ? { preview: 'true' } : {};
    if (format === 'commerceml' && priceType.trim()) query.priceType = priceType.trim();
    const r =
      format === 'commerceml'
        ? await ctx.api.upload(ImportReport, `${base}/commerceml`, file, 'application/xml', query)
        : await ctx.api.upload(ImportReport, `${base}/csv/${format}`, file, 'text/csv', query);
    setBusy(false);
    if (r.ok) setReport(r.value);
    else {
      setReport(null);
      setError(r.error);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void send(true);
  };
  const reason = (code: string) => (i18n.exists(`ho.import.reasons.${code}`) ? t(`ho.import.reasons.${code}`) : t('ho.import.reasons.other', { code }));
  const total = (a: (typeof ACTIONS)[number]) => (report ? KINDS.reduce((sum, k) => sum + report[k][a], 0) : 0);

  return (
    <section aria-labelledby="import-heading">
      <h2 id="import-heading">{t('ho.import.heading')}</h2>
      <form className="card" aria-label={t('ho.import.form')} onSubmit={onSubmit}>
        <label>
          {t('ho.import.format')}
          <select
            value={format}
            onChange={(e) => {
              setFormat(e.target.value as Format);
              setReport(null);
            }}
          >
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(`ho.import.formats.${f}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('ho.import.file')}
          <input
            type="file"
            accept={format === 'commerceml' ? '.xml,application/xml,text/xml' : '.csv,text/csv'}
            onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              setReport(null);
              setError(null);
              if (chosen) setFormat((f) => formatOfFile(chosen.name, f));
            }}
          />
        </label>
        {format === 'commerceml' && (
          <label>
            {t('ho.import.priceType')}
            <input type="text" value={priceType} maxLength={100} placeholder={t('ho.import.priceTypeHint')} onChange={(e) => setPriceType(e.target.value)} />
          </label>
        )}
        <p className="hint">{t(`ho.import.help.${format}`)}</p>
        <div className="row">
          <button type="submit" disabled={!file || busy}>
            {t('ho.import.check')}
          </button>
          <button type="button" className="secondary" disabled={!file || busy} onClick={() => void send(false)}>
            {t('ho.import.load')}
          </button>
        </div>
        {busy && <p role="status">{t('ho.import.busy')}</p>}
      </form>
      {error && (
        <p role="alert" className="error">
          {t(error.key, error.params)}
        </p>
      )}
      {report && (
        <>
          <p role="status" className={report.preview ? '' : 'ok'}>
            {report.preview
              ? t('ho.import.previewDone', { created: total('created'), updated: total('updated'), refused: report.refusedTotal })
              : t('ho.import.loaded', { created: total('created'), updated: total('updated'), refused: report.refusedTotal })}
          </p>
          <table aria-label={t('ho.import.summary')}>
            <thead>
              <tr>
                <th>{t('ho.import.record')}</th>
                {ACTIONS.map((a) => (
                  <th key={a}>{t(`ho.import.actions.${a}`)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {KINDS.map((k) => (
                <tr key={k}>
                  <th scope="row">{t(`ho.import.kinds.${k}`)}</th>
                  {ACTIONS.map((a) => (
                    <td key={a}>{report[k][a]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('ho.import.refusedHeading', { count: report.refusedTotal })}</h3>
          {report.refused.length > 0 ? (
            <table aria-label={t('ho.import.refusedTable')}>
              <thead>
                <tr>
                  <th>{t('ho.import.line')}</th>
                  <th>{t('ho.import.record')}</th>
                  <th>{t('ho.import.id')}</th>
                  <th>{t('ho.import.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {report.refused.map((r, i) => (
                  <tr key={i}>
                    <td>{r.line ?? t('ho.common.dash')}</td>
                    <td>{t(`ho.import.refusedKinds.${r.kind}`)}</td>
                    <td>{r.id ?? t('ho.common.dash')}</td>
                    <td title={r.message}>{reason(r.code)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="hint">{t('ho.import.noRefusals')}</p>
          )}
          {report.refusedTotal > report.refused.length && <p className="hint">{t('ho.import.firstOnly', { count: report.refused.length })}</p>}
        </>
      )}
    </section>
  );
}
