import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import { localeOf } from '../i18n';
import { useSession, useTillState } from '../session/useTillSession';

/**
 * The sale desk's dialogs (sync/client/session/saleDesk.ts): product search, weight entry,
 * held sales, a price or discount by hand, the supervisor's approval and yes/no questions.
 * The session holds which one is open; Esc comes through its keymap and closes the top one.
 */
export function DeskDialogs() {
  const { desk } = useTillState();
  if (desk.confirm) return <ConfirmDialog />;
  if (desk.approval) return <ApprovalDialog />;
  if (desk.priceEdit) return <PriceDialog />;
  if (desk.weighing) return <WeightDialog />;
  if (desk.search) return <SearchDialog />;
  if (desk.heldOpen) return <HeldDialog />;
  return null;
}

function useMoney() {
  const { i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  return (k: number) => formatRoubles(k, locale);
}

function SearchDialog() {
  const { t } = useTranslation();
  const session = useSession();
  const search = useTillState().desk.search!;
  const money = useMoney();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, []);
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      session.searchMove(e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void session.pickSearchResult();
    }
  };
  return (
    <div role="dialog" aria-modal="true" aria-label={t('desk.search.title')} className="dialog">
      <div className="dialog-body search">
        <h2>{t('desk.search.title')}</h2>
        <label htmlFor="product-search">{t('desk.search.label')}</label>
        <input
          id="product-search"
          ref={input}
          autoComplete="off"
          value={search.query}
          onChange={(e) => session.searchProducts(e.target.value)}
          onKeyDown={onKey}
          role="combobox"
          aria-expanded={search.results.length > 0}
          aria-controls="product-search-results"
        />
        <small className="hint">{t('desk.search.hint')}</small>
        <ul id="product-search-results" role="listbox" aria-label={t('desk.search.results')} className="search-results">
          {search.results.map((p, i) => (
            <li key={p.id} role="option" aria-selected={i === search.selected} onClick={() => void session.pickSearchResult(i)}>
              <span className="name">{p.name}</span>
              <span className="code">{p.ean ?? p.id}</span>
              <span className="price">{money(p.priceKopecks)}</span>
            </li>
          ))}
        </ul>
        {search.query.trim() !== '' && search.results.length === 0 && <p className="hint">{t('desk.search.nothing')}</p>}
        <button type="button" className="secondary" onClick={() => void session.closeDesk()}>
          {t('desk.close')}
        </button>
      </div>
    </div>
  );
}

function WeightDialog() {
  const { t } = useTranslation();
  const session = useSession();
  const w = useTillState().desk.weighing!;
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, [w.seq]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void session.enterWeight(text);
  };
  return (
    <div role="dialog" aria-modal="true" aria-label={t('desk.weight.title', { name: w.product.name })} className="dialog">
      <form onSubmit={submit}>
        <h2>{t('desk.weight.title', { name: w.product.name })}</h2>
        <label htmlFor="weight-kg">{t('desk.weight.label')}</label>
        <input id="weight-kg" ref={input} value={text} onChange={(e) => setText(e.target.value)} inputMode="decimal" autoComplete="off" />
        {w.error && (
          <p role="alert" className="warn">
            {t(w.error)}
          </p>
        )}
        {w.busy && <p aria-live="polite">{t('desk.weight.weighing')}</p>}
        <div className="row">
          <button type="submit">{t('desk.weight.add')}</button>
          <button type="button" disabled={w.busy} onClick={() => void session.weigh()}>
            {t('desk.weight.scale')}
          </button>
          <button type="button" className="secondary" onClick={() => void session.closeDesk()}>
            {t('desk.weight.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}

function HeldDialog() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const held = useTillState().desk.held;
  const money = useMoney();
  const time = (at: number) => new Date(at).toLocaleTimeString(localeOf(i18n.language), { hour: '2-digit', minute: '2-digit' });
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    first.current?.focus();
  }, []);
  return (
    <div role="dialog" aria-modal="true" aria-label={t('desk.heldTitle')} className="dialog">
      <div className="dialog-body">
        <h2>{t('desk.heldTitle')}</h2>
        {held.length === 0 && <p className="hint">{t('desk.heldEmpty')}</p>}
        <ul className="held-list">
          {held.map((h, i) => (
            <li key={h.id}>
              <span>
                {t('desk.heldRow', { time: time(h.heldAt), lines: h.lines, amount: money(h.subtotal) })}
                {h.firstName ? `, ${t('desk.heldCustomer', { name: h.firstName })}` : ''}
              </span>
              <button type="button" ref={i === 0 ? first : undefined} onClick={() => void session.resumeHeld(h.id)}>
                {t('desk.resume')}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="secondary" onClick={() => void session.closeDesk()}>
          {t('desk.close')}
        </button>
      </div>
    </div>
  );
}

/** A desk dialog with a form: its title, its fields, the submit button and Close (Esc). */
function FormDialog({
  title,
  submitLabel,
  canSubmit = true,
  onSubmit,
  children,
}: {
  title: string;
  submitLabel: string;
  canSubmit?: boolean;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const session = useSession();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <div role="dialog" aria-modal="true" aria-label={title} className="dialog">
      <form onSubmit={submit}>
        <h2>{title}</h2>
        {children}
        <div className="row">
          <button type="submit" disabled={!canSubmit}>
            {submitLabel}
          </button>
          <button type="button" className="secondary" onClick={() => void session.closeDesk()}>
            {t('desk.close')}
          </button>
        </div>
      </form>
    </div>
  );
}

function PriceDialog() {
  const { t } = useTranslation();
  const session = useSession();
  const { desk, sale } = useTillState();
  const edit = desk.priceEdit!;
  const name = sale.items.find((i) => i.lineId === edit.lineId)?.product.name ?? '';
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, []);
  const title = edit.kind === 'price' ? t('desk.price.title', { name }) : t('desk.price.discountTitle', { name });
  return (
    <FormDialog title={title} submitLabel={t('desk.price.next')} onSubmit={() => void session.submitPriceEdit(text)}>
      <label htmlFor="manual-price">{edit.kind === 'price' ? t('desk.price.label') : t('desk.price.discountLabel')}</label>
      <input id="manual-price" ref={input} value={text} onChange={(e) => setText(e.target.value)} inputMode="decimal" autoComplete="off" />
    </FormDialog>
  );
}

function ApprovalDialog() {
  const { t } = useTranslation();
  const session = useSession();
  const { desk, sale } = useTillState();
  const a = desk.approval!;
  const money = useMoney();
  const name = a.action === 'returnNoReceipt' ? '' : (sale.items.find((i) => i.lineId === a.lineId)?.product.name ?? '');
  const what =
    a.action === 'returnNoReceipt'
      ? t('desk.approval.returnNoReceipt', { count: a.lines.length, amount: money(a.refundKopecks) })
      : a.action === 'voidLine'
        ? t('desk.approval.voidLine', { name })
        : a.action === 'priceChange'
          ? t('desk.approval.priceChange', { name, price: money(a.priceKopecks) })
          : t('desk.approval.manualDiscount', { name, percent: a.percent });
  const [pin, setPin] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, []);
  const submit = () => {
    void session.approve({ pin });
    setPin('');
  };
  return (
    <FormDialog title={t('desk.approval.title')} submitLabel={t('desk.approval.confirm')} canSubmit={!a.busy && pin.length >= 4} onSubmit={submit}>
      <p>{what}</p>
      <p className="hint">{t('desk.approval.hint')}</p>
      <label htmlFor="supervisor-pin">{t('desk.approval.pin')}</label>
      <input
        id="supervisor-pin"
        ref={input}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        value={pin}
        onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
      />
      {a.error && (
        <p role="alert" className="warn">
          {t(a.error)}
        </p>
      )}
      {a.busy && <p aria-live="polite">{t('desk.approval.checking')}</p>}
    </FormDialog>
  );
}

function ConfirmDialog() {
  const { t } = useTranslation();
  const session = useSession();
  const c = useTillState().desk.confirm!;
  const text = c.kind === 'changeCashierMidSale' ? t('desk.confirm.changeCashierMidSale') : t('desk.confirm.heldAtShiftClose', { count: c.count });
  return (
    <div role="alertdialog" aria-modal="true" aria-label={text} className="dialog">
      <div className="dialog-body">
        <p>{text}</p>
        <div className="row">
          <button type="button" onClick={() => void session.answer(true)}>
            {t('desk.confirm.yes')}
          </button>
          <button type="button" className="secondary" onClick={() => void session.answer(false)}>
            {t('desk.confirm.no')}
          </button>
        </div>
      </div>
    </div>
  );
}
