import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import type { ReceiptRecord } from '../../sync/client/outbox';
import { soldCertificateCode } from '../../core/loyalty/certificates';
import { previewReturn, refundSplit, returnable } from '../../sync/client/returns';
import { markingMatchesProduct, parseMarkingCode } from '../../core/fiscal/markingCode';
import type { TillDb } from '../../sync/client/tillDb';
import { localeOf } from '../i18n';
import { declineText } from './declineReason';
import { NoReceiptReturn } from './NoReceiptReturn';
import { useSession, useTillState } from '../session/useTillSession';

/**
 * Return goods from a receipt of any till of the store (found here or at the server): choose lines
 * and quantities, scan the marking code of each marked piece again, see the bonus effect, confirm.
 * A card-paid sale is refunded to the card through the terminal.
 */
export function ReturnPanel({ db, receiptNo }: { db: TillDb; receiptNo: string | null }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const money = (k: number) => formatRoubles(k, localeOf(i18n.language));
  const [number, setNumber] = useState(receiptNo ?? '');
  const [receipt, setReceipt] = useState<ReceiptRecord | null>(null);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'done'; text: string } | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [products, setProducts] = useState<Map<string, { ean: string | null; marked: boolean }>>(new Map());
  const [codes, setCodes] = useState<Record<string, string>>({});
  const [noReceipt, setNoReceipt] = useState(false);
  const { status, returnMarking } = useTillState();
  const fiscal = status?.fiscal != null;
  useEffect(() => {
    if (!receipt) return;
    const ids = receipt.event.sale.lines.map((l) => l.productId);
    void db.products.bulkGet(ids).then((ps) => {
      setNames(new Map(ps.flatMap((p) => (p ? [[p.id, p.name] as [string, string]] : []))));
      setProducts(new Map(ps.flatMap((p) => (p ? [[p.id, { ean: p.ean, marked: p.marked === true }] as const] : []))));
    });
  }, [db, receipt]);

  const open = async (no: string) => {
    const found = await session.findReturnReceipt(no);
    setReceipt(found.ok ? found.receipt : null);
    setQty({});
    setCodes({});
    // A receipt returned in full shows its lines with nothing to choose: say why.
    const spent = found.ok && [...returnable(found.receipt).values()].every((left) => left === 0);
    if (!found.ok) setMessage({ kind: 'error', text: t(`return.lookup.${found.reason}`, { number: no }) });
    else setMessage(spent ? { kind: 'error', text: t('return.allReturned', { number: found.receipt.receiptId }) } : null);
  };
  // Keyboard first: a receipt just opened puts the cursor on its first line still returnable.
  const lineTable = useRef<HTMLTableElement>(null);
  useEffect(() => {
    if (receipt) lineTable.current?.querySelector<HTMLInputElement>('tbody input:not(:disabled)')?.focus();
  }, [receipt]);
  useEffect(() => {
    if (receiptNo) {
      setNumber(receiptNo);
      void open(receiptNo);
    }
  }, [receiptNo]); // eslint-disable-line react-hooks/exhaustive-deps

  const left = receipt ? returnable(receipt) : new Map<string, number>();
  // Marked pieces need their code scanned again (with a register to check it): one per line.
  const markedLine = (lineId: string) => {
    const l = receipt?.event.sale.lines.find((x) => x.lineId === lineId);
    return fiscal && l !== undefined && (receipt?.markingCodes?.[lineId] !== undefined || products.get(l.productId)?.marked === true);
  };
  const codeProblem = (lineId: string): string | null => {
    const text = codes[lineId]?.trim() ?? '';
    if (!text) return 'marking.errors.needed';
    const parsed = parseMarkingCode(text);
    if (!parsed) return 'marking.errors.notMarking';
    const l = receipt?.event.sale.lines.find((x) => x.lineId === lineId);
    const sold = receipt?.markingCodes?.[lineId];
    if (sold && !sold.includes(parsed.code)) return 'marking.errors.notSold';
    if (!sold && !markingMatchesProduct(parsed, products.get(l?.productId ?? '')?.ean ?? null)) return 'marking.errors.otherProduct';
    return null;
  };
  // A code scanned on this screen goes to the first chosen marked line still without one.
  useEffect(() => {
    if (!returnMarking) return;
    const target = Object.entries(qty).find(([lineId, n]) => n > 0 && markedLine(lineId) && !codes[lineId]?.trim());
    if (target) setCodes((c) => ({ ...c, [target[0]]: returnMarking.code }));
  }, [returnMarking?.seq]); // eslint-disable-line react-hooks/exhaustive-deps
  // Pieces are chosen by count; a weighed line is returned whole (what is left of its weight).
  const weighedLine = (lineId: string) => receipt?.event.sale.lines.find((x) => x.lineId === lineId)?.weighed === true;
  const chosen = Object.entries(qty)
    .map(([lineId, n]) => ({ lineId, quantityMilli: weighedLine(lineId) ? (n > 0 ? (left.get(lineId) ?? 0) : 0) : n * 1000 }))
    .filter((l) => l.quantityMilli > 0);
  let preview = null;
  let previewError: string | null = null;
  // Gift certificates paid part of the sale: their share goes back onto them, not to the customer.
  let split: ReturnType<typeof refundSplit> | null = null;
  if (receipt && chosen.length > 0) {
    try {
      preview = previewReturn(receipt, chosen);
      split = refundSplit(receipt, preview.totals.refund);
    } catch {
      // The engine's reason is for developers; the cashier is told what to do, in their language.
      previewError = receipt.priced ? t('return.previewFailed') : t('return.legacyReceipt', { number: receipt.receiptId });
    }
  }

  // A double click commits once: the second finds the return busy (here and in the session).
  const missing = chosen.map((l) => l.lineId).filter((id) => markedLine(id) && codeProblem(id) !== null);
  const confirm = async () => {
    if (!receipt || !preview || busy || missing.length > 0) return;
    setBusy(true);
    const marking = Object.fromEntries(chosen.filter((l) => markedLine(l.lineId)).map((l) => [l.lineId, [parseMarkingCode(codes[l.lineId] ?? '')!.code]]));
    const res = await session.commitReturn(receipt, chosen, marking);
    setBusy(false);
    if (!res) return;
    if (res.ok) {
      const done = t(res.card ? 'return.doneCard' : 'return.done', { refund: money(res.refund) });
      const text = res.toCertificates ? `${done} ${t('return.toCertificates', { amount: money(res.toCertificates) })}` : done;
      setMessage({ kind: 'done', text: res.resumed ? `${t('return.resumedHere')} ${text}` : text });
      setReceipt(null);
      setQty({});
      setCodes({});
    } else if (res.message.startsWith('fiscal:')) {
      const code = res.message.slice('fiscal:'.length);
      setMessage({ kind: 'error', text: t('fiscal.returnBlocked', { reason: t(`fiscal.errors.${code}`, { defaultValue: code }) }) });
    } else if (res.message.startsWith('certificateBack:')) {
      const code = res.message.slice('certificateBack:'.length);
      const reason = code === 'insufficient' ? t('return.certificateSpent') : t(`certificate.refused.${code}`, { defaultValue: code });
      setMessage({ kind: 'error', text: t('return.certificateBack', { reason }) });
    } else if (res.message.startsWith('certificate:')) {
      const code = res.message.slice('certificate:'.length);
      setMessage({ kind: 'error', text: t('return.certificateFailed', { reason: t(`certificate.refused.${code}`, { defaultValue: code }) }) });
    } else if (res.message.startsWith('refund:')) {
      const code = res.message.slice('refund:'.length);
      setMessage({ kind: 'error', text: t('return.refundFailed', { reason: code === 'noReference' ? t('return.noReference') : declineText(code, t) }) });
    } else setMessage({ kind: 'error', text: t('return.failed', { message: res.message }) });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void open(number);
  };

  return (
    <section className="sale" aria-label={t('return.title')}>
      <h2>{t('return.title')}</h2>
      <form onSubmit={submit} className="row">
        <label htmlFor="return-number" className="visually-hidden">
          {t('return.number')}
        </label>
        <input id="return-number" value={number} onChange={(e) => setNumber(e.target.value)} placeholder={t('return.number')} autoComplete="off" autoFocus />
        <button type="submit">{t('return.find')}</button>
        <button type="button" className="secondary" aria-pressed={noReceipt} onClick={() => setNoReceipt((v) => !v)}>
          {t('return.noReceipt.open')}
        </button>
      </form>
      {noReceipt && <NoReceiptReturn db={db} />}
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'warn' : 'sync-done'}>
          {message.text}
        </p>
      )}
      {receipt && (
        <>
          <table className="basket" aria-label={t('return.lines')} ref={lineTable}>
            <thead>
              <tr>
                <th>{t('sale.product')}</th>
                <th>{t('return.sold')}</th>
                <th>{t('return.toReturn')}</th>
              </tr>
            </thead>
            <tbody>
              {receipt.event.sale.lines.map((l) => {
                const remaining = Math.floor((left.get(l.lineId) ?? 0) / 1000);
                // A gift certificate sold is no catalogue product: named as on the sale screen, not by its id.
                const certificate = soldCertificateCode(l.productId);
                const name = certificate !== null ? t('certificate.line', { code: certificate }) : (names.get(l.productId) ?? l.productId);
                return (
                  <tr key={l.lineId}>
                    <td>{name}</td>
                    <td>{l.quantityMilli / 1000}</td>
                    <td>
                      {markedLine(l.lineId) && (qty[l.lineId] ?? 0) > 0 && (
                        <input
                          value={codes[l.lineId] ?? ''}
                          aria-label={t('return.markingOf', { name })}
                          placeholder={t('marking.code')}
                          autoComplete="off"
                          onChange={(e) => setCodes((c) => ({ ...c, [l.lineId]: e.target.value }))}
                        />
                      )}
                      {l.weighed ? (
                        <input
                          type="checkbox"
                          checked={(qty[l.lineId] ?? 0) > 0}
                          disabled={(left.get(l.lineId) ?? 0) === 0}
                          aria-label={t('return.quantityOf', { name })}
                          title={t('return.wholeWeight')}
                          onChange={(e) => setQty((q) => ({ ...q, [l.lineId]: e.target.checked ? 1 : 0 }))}
                        />
                      ) : (
                        <input
                          type="number"
                          min={0}
                          max={remaining}
                          value={qty[l.lineId] ?? 0}
                          disabled={remaining === 0}
                          aria-label={t('return.quantityOf', { name })}
                          onChange={(e) => setQty((q) => ({ ...q, [l.lineId]: Math.max(0, Math.min(remaining, Number(e.target.value) || 0)) }))}
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {previewError && (
            <p role="alert" className="warn">
              {previewError}
            </p>
          )}
          {preview && (
            <dl className="totals" aria-label={t('return.effect')}>
              <dt>{t('return.refund')}</dt>
              <dd aria-label={t('return.refund')}>{money(split!.money)}</dd>
              {split!.money < preview.totals.refund && (
                <>
                  <dt>{t('return.toCertificate')}</dt>
                  <dd aria-label={t('return.toCertificate')}>{money(preview.totals.refund - split!.money)}</dd>
                </>
              )}
              {receipt.customerId && (
                <>
                  <dt>{t('return.restored')}</dt>
                  <dd aria-label={t('return.restored')}>{money(preview.totals.restoredBonus)}</dd>
                  <dt>{t('return.reversed')}</dt>
                  <dd aria-label={t('return.reversed')}>{money(preview.totals.reversedAccrual)}</dd>
                </>
              )}
            </dl>
          )}
          {missing.length > 0 && (
            <p role="alert" className="warn">
              {t('return.markingNeeded')}
            </p>
          )}
          <button type="button" className="pay" disabled={!preview || busy || missing.length > 0} onClick={() => void confirm()}>
            {t('return.confirm')}
          </button>
        </>
      )}
    </section>
  );
}
