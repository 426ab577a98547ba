import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPhoneField } from '../../core/phoneInput';
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
  // Folded by default: selling certificates is rare, and open it pushed the total off a 1024x768 screen.
  return (
    <details className="certificates">
      <summary>{t('certificate.open')}</summary>
      <form className="row coupon" onSubmit={(e) => void sell(e)} aria-label={t('certificate.title')}>
        <label htmlFor="certificate-sell">{t('certificate.label')}</label>
        <input id="certificate-sell" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" spellCheck={false} />
        <button type="submit" className="secondary">
          {t('certificate.sell')}
        </button>
      </form>
      <ElectronicCertificateForm />
    </details>
  );
}

/**
 * An electronic certificate: a nominal and the customer's phone; the server issues the code and
 * sends it by SMS once the sale reaches it. The phone is cleared from the form once it is sold, so
 * the till keeps it nowhere.
 */
function ElectronicCertificateForm() {
  const { t } = useTranslation();
  const session = useSession();
  const [nominal, setNominal] = useState('');
  const [phone, setPhone] = useState('');
  const sell = async (e: FormEvent) => {
    e.preventDefault();
    if (!nominal.trim() || !phone.trim()) return;
    if (await session.sellElectronicCertificate(Number(nominal.replace(',', '.')), phone)) {
      setNominal('');
      setPhone('');
    }
  };
  return (
    <form className="row coupon" onSubmit={(e) => void sell(e)} aria-label={t('certificate.electronic.title')}>
      <label htmlFor="certificate-e-nominal">{t('certificate.electronic.nominal')}</label>
      <input id="certificate-e-nominal" inputMode="decimal" value={nominal} onChange={(e) => setNominal(e.target.value)} autoComplete="off" />
      <label htmlFor="certificate-e-phone">{t('certificate.electronic.phone')}</label>
      <input id="certificate-e-phone" type="tel" value={phone} onChange={(e) => setPhone(formatPhoneField(e.target.value))} autoComplete="off" />
      <button type="submit" className="secondary">
        {t('certificate.electronic.sell')}
      </button>
    </form>
  );
}
