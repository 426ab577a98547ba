import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession, useTillState } from '../session/useTillSession';

/**
 * A marked product (Честный ЗНАК) waits here for its DataMatrix: scanned by a 2D scanner or the
 * camera (the session takes any scan as the code), or typed. The register checks the code
 * before the piece joins the basket. Esc puts the product back.
 */
export function MarkingPrompt() {
  const { t } = useTranslation();
  const session = useSession();
  const { sale } = useTillState();
  const prompt = sale.marking;
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, [prompt?.productId]);
  if (!prompt) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) void session.enterMarkingCode(text.trim()).then(() => setText(''));
  };
  return (
    <div role="dialog" aria-modal="true" aria-label={t('marking.title')} className="dialog">
      <form onSubmit={submit}>
        <h2>{t('marking.title')}</h2>
        <p>{t('marking.scan', { name: prompt.name })}</p>
        <label htmlFor="marking-code">{t('marking.code')}</label>
        <input id="marking-code" ref={input} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" disabled={prompt.busy} />
        {prompt.busy && <p aria-live="polite">{t('marking.checking')}</p>}
        {prompt.error && (
          <p role="alert" className="warn">
            {t('marking.refused', { reason: t(prompt.error, { defaultValue: prompt.error }) })}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={prompt.busy}>
            {t('marking.add')}
          </button>
          <button type="button" className="secondary" onClick={() => void session.cancelMarking()}>
            {t('marking.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
