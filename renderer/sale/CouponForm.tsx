import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession, useTillState } from '../session/useTillSession';

/**
 * A coupon or promo code for the open sale, typed (or scanned into the field) under the
 * customer: the till checks it against its own list, offline too, and the engine applies the
 * offer it unlocks; a refusal says why in the notice line.
 */
export function CouponForm() {
  const { t } = useTranslation();
  const session = useSession();
  const coupons = useTillState().sale.coupons ?? [];
  const [code, setCode] = useState('');
  const apply = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return;
    if (await session.applyCoupon(code)) setCode('');
  };
  return (
    <form className="row coupon" onSubmit={(e) => void apply(e)} aria-label={t('coupon.title')}>
      <label htmlFor="coupon-code">{t('coupon.label')}</label>
      <input id="coupon-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" spellCheck={false} />
      <button type="submit" className="secondary">
        {t('coupon.apply')}
      </button>
      {coupons.length > 0 && (
        <ul className="coupons" aria-label={t('coupon.applied_list')}>
          {coupons.map((c) => (
            <li key={c.code}>{c.code}</li>
          ))}
        </ul>
      )}
    </form>
  );
}
