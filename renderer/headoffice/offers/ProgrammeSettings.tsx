import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { FISCAL_BONUS_TREATMENTS, ProgrammeSchema, type Programme } from '../../../core/engine';
import type { ApiError } from '../api';
import type { Ctx } from '../App';
import { withFiscalBonuses, type FiscalBonusChoice } from './programmeSettings';

const Answer = z.object({ programme: ProgrammeSchema });

/**
 * The programme's settings head office sets here (issue 14): how the tills' fiscal receipts show
 * bonuses spent, a discount folded into the prices or the register's payment type "other". Saved
 * as the programme's next version; each till follows it from its next programme pull.
 */
export function ProgrammeSettings({ ctx }: { ctx: Ctx }) {
  const { t } = useTranslation();
  const [programme, setProgramme] = useState<Programme | null>(null);
  const [choice, setChoice] = useState<FiscalBonusChoice>('');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const path = `/api/v1/admin/chains/${ctx.chainId}/programme`;

  const show = (p: Programme) => {
    setProgramme(p);
    setChoice(p.fiscalBonuses ?? '');
    setError(null);
  };

  useEffect(() => {
    let live = true;
    void ctx.api.call(Answer, 'GET', path).then((r) => {
      if (!live) return;
      if (r.ok) show(r.value.programme);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [ctx.api, path]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!programme || saving) return;
    setSaving(true);
    setNotice(null);
    const r = await ctx.api.call(Answer, 'PUT', path, { body: withFiscalBonuses(programme, choice) });
    setSaving(false);
    if (!r.ok) return setError(r.error);
    show(r.value.programme);
    setNotice(t('ho.programme.saved'));
  };

  return (
    <section aria-labelledby="programme-heading">
      <h2 id="programme-heading">{t('ho.programme.heading')}</h2>
      <form className="toolbar" onSubmit={(e) => void save(e)}>
        <label>
          {t('ho.programme.fiscalBonuses')}
          <select value={choice} disabled={!programme} onChange={(e) => setChoice(e.target.value as FiscalBonusChoice)}>
            <option value="">{t('ho.programme.bonusChoices.none')}</option>
            {FISCAL_BONUS_TREATMENTS.map((x) => (
              <option key={x} value={x}>
                {t(`ho.programme.bonusChoices.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!programme || saving || choice === (programme.fiscalBonuses ?? '')}>
          {t('ho.programme.save')}
        </button>
      </form>
      <p className="hint">{t('ho.programme.hint')}</p>
      {notice && <p role="status">{notice}</p>}
      {error && (
        <p role="alert" className="error">
          {t(error.key, error.params)}
        </p>
      )}
    </section>
  );
}
