import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles, parseRoubles } from '../../core/money';
import { localeOf } from '../i18n';
import { useSession, useTillState } from '../session/useTillSession';
import { declineText } from './declineReason';
import { soldCertificateCode } from '../../core/loyalty/certificates';
import './sale.css';

/** The basket, the bonuses to spend and the totals: always on screen during a sale. */
export function SalePanel() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const state = useTillState();
  const sale = state.sale;
  const p = {
    items: sale.items,
    priced: sale.priced,
    hasCustomer: sale.customer !== null,
    error: sale.error,
    ready: state.catalogue !== null,
  };
  const locale = localeOf(i18n.language);
  const money = (k: number) => formatRoubles(k, locale);
  const [code, setCode] = useState('');
  const [bonus, setBonus] = useState('');
  const [bonusProblem, setBonusProblem] = useState<string | null>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const lineOf = (id: string) => p.priced?.lines.find((l) => l.lineId === id);
  // A certificate's line is named in the cashier's language (its product name is the fiscal one, in Russian).
  const certificateName = (productId: string) => {
    const code = soldCertificateCode(productId);
    return code === null ? null : t('certificate.line', { code });
  };
  const focus = state.focus;
  useEffect(() => {
    if (focus?.target === 'product') codeInput.current?.focus();
  }, [focus]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await session.addProduct(code.trim())) setCode('');
    codeInput.current?.focus();
  };
  // `3*` typed: the quantity waits in the session for the next code or scan, the field is free again.
  const typeCode = (value: string) => {
    if (/^\d+(?:[.,]\d{1,3})?\*$/.test(value.trim()) && session.quantityPrefix(value.trim())) return setCode('');
    setCode(value);
  };
  const desk = state.desk;
  const selected = desk.selectedLine ?? p.items.at(-1)?.lineId ?? null;
  const selectedRow = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    selectedRow.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected, p.items.length]);
  const redeem = async (kopecks: number) => {
    const applied = await session.setRedeem(kopecks);
    // A typed-phone customer: the spend waits for the SMS code in its dialog (PhoneCodeDialog).
    if (session.getState().phoneCode) return setBonusProblem(null);
    // Show what was applied: an amount over the limit is capped, and the field says so.
    setBonus(applied > 0 ? (applied / 100).toFixed(2).replace('.', i18n.language === 'en' ? '.' : ',') : '');
    setBonusProblem(applied < kopecks ? t('sale.bonusCapped', { max: money(applied) }) : null);
  };
  const applyBonus = (e: FormEvent) => {
    e.preventDefault();
    const k = parseRoubles(bonus);
    if (k === null || k < 0) return setBonusProblem(t('sale.bonusNotANumber'));
    void redeem(k);
  };

  return (
    <section className="sale sale-desk" aria-label={t('sale.title')}>
      <form onSubmit={add} className="row">
        <label htmlFor="product-code" className="visually-hidden">
          {t('sale.productCode')}
        </label>
        <input
          id="product-code"
          ref={codeInput}
          value={code}
          onChange={(e) => typeCode(e.target.value)}
          placeholder={t('sale.productCode')}
          autoComplete="off"
        />
        <button type="submit" disabled={!p.ready}>
          {t('sale.add')}
        </button>
        {desk.quantityPrefix !== null && (
          <output className="prefix" aria-label={t('desk.quantityPrefix', { quantity: (desk.quantityPrefix / 1000).toLocaleString(locale) })}>
            × {(desk.quantityPrefix / 1000).toLocaleString(locale)}
          </output>
        )}
      </form>
      <DeskBar />
      {p.error && (
        <p role="alert" className="warn">
          {p.error.kind === 'unknownProduct'
            ? t('sale.unknownProduct', { code: p.error.code })
            : p.error.kind === 'noCatalogue'
              ? t('sale.noCatalogue')
              : p.error.kind === 'declined'
                ? t('pay.declined', { reason: declineText(p.error.reason, t) })
                : `${p.error.full ? t('sale.storageFull') : t('sale.storageError', { message: p.error.message })}${p.error.cardApproved ? ` ${t('sale.cardApprovedNotSaved')}` : ''}`}
        </p>
      )}
      <div className="basket-scroll">
        <table className="basket" aria-label={t('sale.basket')}>
          <thead>
            <tr>
              <th>{t('sale.product')}</th>
              <th>{t('sale.quantity')}</th>
              <th>{t('sale.price')}</th>
              <th>{t('sale.amount')}</th>
              <th>
                <span className="visually-hidden">{t('sale.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.items.map((item) => {
              const line = lineOf(item.lineId);
              const qty = item.product.weighed ? `${(item.quantityMilli / 1000).toLocaleString(locale)} ${t('sale.kg')}` : String(item.quantityMilli / 1000);
              return (
                <tr
                  key={item.lineId}
                  ref={item.lineId === selected ? selectedRow : undefined}
                  aria-selected={item.lineId === selected}
                  className={item.lineId === selected ? 'selected' : undefined}
                  onClick={() => session.selectLine(item.lineId)}
                >
                  <td className="name">{certificateName(item.product.id) ?? item.product.name}</td>
                  <td className="qty">
                    {!item.product.weighed && (
                      <button
                        type="button"
                        className="small secondary"
                        aria-label={t('sale.less', { name: item.product.name })}
                        onClick={() => void session.changeQuantity(item.lineId, item.quantityMilli - 1000)}
                      >
                        −
                      </button>
                    )}
                    <span aria-label={t('sale.quantityOf', { name: item.product.name })}>{qty}</span>
                    {!item.product.weighed && (
                      <button
                        type="button"
                        className="small secondary"
                        aria-label={t('sale.more', { name: item.product.name })}
                        onClick={() => void session.changeQuantity(item.lineId, item.quantityMilli + 1000)}
                      >
                        +
                      </button>
                    )}
                  </td>
                  <td className="money">{money(item.manualPriceKopecks ?? item.product.priceKopecks)}</td>
                  <td className="money">{line ? money(line.net) : '…'}</td>
                  <td>
                    <button
                      type="button"
                      className="small secondary"
                      aria-label={t('sale.remove', { name: item.product.name })}
                      onClick={() => void session.changeQuantity(item.lineId, 0)}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
            {p.items.length === 0 && (
              <tr>
                <td colSpan={5} className="hint">
                  {t('sale.empty')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="sale-foot">
        {p.hasCustomer && p.priced && (
          <form onSubmit={applyBonus} className="row bonus">
            <label htmlFor="bonus-amount">{t('sale.bonusToSpend', { max: money(p.priced.maxRedeemable) })}</label>
            <input id="bonus-amount" value={bonus} onChange={(e) => setBonus(e.target.value)} inputMode="decimal" autoComplete="off" />
            <button type="submit" className="secondary">
              {t('sale.applyBonus')}
            </button>
            <button type="button" className="secondary" onClick={() => void redeem(p.priced?.maxRedeemable ?? 0)}>
              {t('sale.maxBonus')}
            </button>
            {bonusProblem && (
              <p role="alert" className="warn">
                {bonusProblem}
              </p>
            )}
            {/* Why fewer bonuses than asked (the daily cap, the offline allowance...): said here, not only under "why". */}
            {p.priced.explanations
              .filter((e) => e.code === 'redemptionClamped')
              .map((e, i) => (
                <p key={i} className="warn bonus-limit">
                  {i18n.language === 'en' ? e.text.en : e.text.ru}
                </p>
              ))}
          </form>
        )}
        {p.priced && (
          <dl className="totals" aria-label={t('sale.totals')}>
            <dt>{t('sale.subtotal')}</dt>
            <dd>{money(p.priced.totals.subtotal)}</dd>
            {p.priced.totals.discount > 0 && (
              <>
                <dt>{t('sale.discount')}</dt>
                <dd>−{money(p.priced.totals.discount)}</dd>
              </>
            )}
            {p.priced.totals.redeemed > 0 && (
              <>
                <dt>{t('sale.redeemed')}</dt>
                <dd aria-label={t('sale.redeemed')}>−{money(p.priced.totals.redeemed)}</dd>
              </>
            )}
            <dt className="payable">{t('sale.payable')}</dt>
            <dd className="payable" aria-label={t('sale.payable')} data-kopecks={p.priced.totals.payable}>
              {money(p.priced.totals.payable)}
            </dd>
            {p.hasCustomer && (
              <>
                <dt>{t('sale.willEarn')}</dt>
                <dd aria-label={t('sale.willEarn')}>{money(p.priced.totals.accrued)}</dd>
              </>
            )}
          </dl>
        )}
        {p.priced && p.priced.explanations.length > 0 && (
          <details className="explanations">
            <summary>{t('sale.why')}</summary>
            <ul>
              {p.priced.explanations.map((e, i) => (
                <li key={i}>{i18n.language === 'en' ? e.text.en : e.text.ru}</li>
              ))}
            </ul>
          </details>
        )}
        <button type="button" className="pay" disabled={!p.priced} onClick={() => void session.openPay()}>
          {t('sale.pay')}
        </button>
      </div>
    </section>
  );
}

/** The desk's keys on screen (every action has one) and the catalogue's quick keys. */
function DeskBar() {
  const { t } = useTranslation();
  const session = useSession();
  const { desk, sale } = useTillState();
  const hasLine = sale.items.length > 0;
  const press = (key: string) => session.key(key);
  return (
    <div className="desk-bar">
      <div className="row tools-row" role="toolbar" aria-label={t('desk.keys')}>
        <button type="button" className="secondary small" onClick={() => press('Ctrl+F')}>
          {t('desk.searchKey')}
        </button>
        <button type="button" className="secondary small" disabled={!hasLine} onClick={() => press('Ctrl+H')}>
          {t('desk.holdKey')}
        </button>
        <button type="button" className="secondary small" onClick={() => press('Ctrl+O')}>
          {t('desk.heldKey', { count: desk.held.length })}
        </button>
        <button type="button" className="secondary small" disabled={!hasLine} onClick={() => press('Ctrl+P')}>
          {t('desk.priceKey')}
        </button>
        <button type="button" className="secondary small" disabled={!hasLine} onClick={() => press('Ctrl+D')}>
          {t('desk.discountKey')}
        </button>
        <button type="button" className="secondary small" onClick={() => press('Ctrl+B')}>
          {t('desk.cardReadKey')}
        </button>
      </div>
      {desk.quickKeys.length > 0 && (
        <div className="row quick-keys" role="group" aria-label={t('desk.quickKeys')}>
          {desk.quickKeys.map((q) => (
            <button key={q.id} type="button" className="small" onClick={() => void session.quickKey(q.quickKey ?? 0)}>
              {t('desk.quickKey', { name: q.name, n: q.quickKey })}
            </button>
          ))}
        </div>
      )}
      <small className="hint">{t('desk.lineKeys')}</small>
    </div>
  );
}
