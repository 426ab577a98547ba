import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session/useTillSession';

/**
 * Sell a gift certificate: its code typed, or its barcode scanned into the field. The server
 * says whether it is unsold and its nominal; it then goes on the receipt as a line (an advance:
 * no bonuses, no discount) and is activated when the sale reaches the server.
 */
export function CertificateForm() {
  const { t } = useTranslation();
  const session = useSession();
  const [code, setCode] = useState('');
  const sell = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return;
    if (await session.sellCertificate(code)) setCode('');
  };
  return (
    <form className="row coupon" onSubmit={(e) => void sell(e)} aria-label={t('certificate.title')}>
      <label htmlFor="certificate-sell">{t('certificate.label')}</label>
      <input id="certificate-sell" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" spellCheck={false} />
      <button type="submit" className="secondary">
        {t('certificate.sell')}
      </button>
    </form>
  );
}
