import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session/useTillSession';

/** After the sale: the customer rates the visit 1-5 (the cashier presses what they say); one answer per receipt. */
export function FeedbackPrompt({ receiptId }: { receiptId: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const [given, setGiven] = useState<number | null>(null);
  if (given !== null) return <p className="feedback-thanks">{t('feedback.thanks', { rating: given })}</p>;
  const rate = async (n: number) => {
    if (await session.rateReceipt(receiptId, n)) setGiven(n);
  };
  return (
    <div className="row feedback" role="group" aria-label={t('feedback.ask')}>
      <span>{t('feedback.ask')}</span>
      {[1, 2, 3, 4, 5].map((n) => (
        <button key={n} type="button" className="secondary small" aria-label={t('feedback.rate', { count: n })} onClick={() => void rate(n)}>
          {n}
        </button>
      ))}
    </div>
  );
}
