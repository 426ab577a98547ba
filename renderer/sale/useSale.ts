import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Offer, PricedReceipt, Programme } from '../../core/engine';
import { randomId, receiptNumber } from '../../sync/client/ids';
import { commitSale, enqueue, shownBalance } from '../../sync/client/outbox';
import { isQuotaError } from '../../sync/client/storageError';
import type { CardLinkEvent, SaleEvent } from '../../sync/protocol/events';
import type { PaymentAnswer } from '../../sync/protocol/host';
import { addProduct, customerPanel, priceDraft, saleContext, saleEvent, setQuantity, type BasketItem, type CustomerPanelInfo } from '../../sync/client/saleDraft';
import type { LocalCustomer, TillDb } from '../../sync/client/tillDb';
import type { TerminalInfo } from '../../sync/protocol/schemas';

export interface Receipt {
  receiptId: string;
  method: 'cash' | 'card';
  /** Paid by a bank card not yet linked to the customer found by card or phone: offer to link it. */
  linkOffer: { customerId: string; name: string; tokenHash: string; last4: string } | null;
  paid: number;
  change: number;
  redeemed: number;
  accrued: number;
  customerName: string | null;
  /** The customer's spendable balance after this sale, as the till now shows it. */
  newBalance: number | null;
}

export type SaleError = { kind: 'unknownProduct'; code: string } | { kind: 'noCatalogue' } | { kind: 'storage'; message: string; /** The disk or the browser's quota is full: no sale can be saved until space is freed. */ full: boolean; /** The card was charged already: paying again reuses that approval. */ cardApproved?: boolean } | { kind: 'declined'; reason: string };

/** One sale at a time: basket, customer, bonuses, payment, and the durable checkout. */
export function useSale(db: TillDb | null, terminal: TerminalInfo | null, online: boolean) {
  const [catalogue, setCatalogue] = useState<{ programme: Programme; offers: Offer[] } | null>(null);
  const [items, setItems] = useState<BasketItem[]>([]);
  const [customer, setCustomer] = useState<LocalCustomer | null>(null);
  const [available, setAvailable] = useState<number | null>(null);
  const [redeem, setRedeem] = useState<number>(0);
  // A card payment the bank approved but the till could not save yet (storage full): the retry
  // saves the sale with this approval instead of charging the card a second time.
  const approvedCard = useRef<{ amount: number; receiptId: string; answer: PaymentAnswer } | null>(null);
  const [error, setError] = useState<SaleError | null>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);

  const reloadCatalogue = useCallback(async () => {
    if (!db) return;
    const [p, offers] = await Promise.all([db.programme.get('current'), db.offers.toArray()]);
    setCatalogue(p ? { programme: p.programme, offers: offers.map((o) => o.offer) } : null);
  }, [db]);
  useEffect(() => {
    void reloadCatalogue();
  }, [reloadCatalogue]);

  const refreshBalance = useCallback(async (c: LocalCustomer | null) => {
    if (!db || !c) return setAvailable(null);
    setAvailable((await shownBalance(db, c.id, { available: c.balance, pending: c.pending })).available);
  }, [db]);

  const chooseCustomer = useCallback(
    (c: LocalCustomer | null) => {
      setCustomer(c);
      setRedeem(0);
      void refreshBalance(c);
    },
    [refreshBalance],
  );

  const ctx = useMemo(
    () => (catalogue && terminal ? saleContext(terminal, catalogue.programme, catalogue.offers, online) : null),
    [catalogue, terminal, online],
  );
  const draftCustomer = customer && available !== null ? { id: customer.id, tier: customer.tier, available, birthday: customer.birthday ?? null } : null;

  // Offers for this customer in person and their birthday, for the panel; the engine decides which apply.
  const panel: CustomerPanelInfo | null = useMemo(
    () => (ctx && customer ? customerPanel(ctx, { id: customer.id, tier: customer.tier, birthday: customer.birthday ?? null }, new Date()) : null),
    [ctx, customer],
  );

  // Priced on every change: the engine takes well under a millisecond for a normal basket.
  const priced: PricedReceipt | null = useMemo(() => {
    if (!ctx || items.length === 0) return null;
    return priceDraft(ctx, items, draftCustomer, redeem, 'draft', new Date()).priced;
  }, [ctx, items, draftCustomer?.id, draftCustomer?.available, redeem]); // eslint-disable-line react-hooks/exhaustive-deps

  const addByCode = useCallback(
    async (code: string): Promise<boolean> => {
      if (!db) return false;
      const product = (await db.products.where('ean').equals(code).first()) ?? (await db.products.get(code));
      if (!product) {
        setError(catalogue ? { kind: 'unknownProduct', code } : { kind: 'noCatalogue' });
        return false;
      }
      setError(null);
      setReceipt(null);
      setItems((list) => addProduct(list, product));
      return true;
    },
    [db, catalogue],
  );

  const changeQuantity = useCallback((lineId: string, quantityMilli: number) => setItems((list) => setQuantity(list, lineId, quantityMilli)), []);

  /** Commit the sale as paid; resolves once it is durable on this till. */
  const finish = useCallback(
    async (buyer: LocalCustomer | null, buyerAvailable: number | null, receiptId: string, now: Date, payment: SaleEvent['payment'], change: number, linkOffer: Receipt['linkOffer']): Promise<Receipt | null> => {
      if (!db || !ctx) return null;
      const who = buyer && buyerAvailable !== null ? { id: buyer.id, tier: buyer.tier, available: buyerAvailable, birthday: buyer.birthday ?? null } : null;
      const { input, priced: final } = priceDraft(ctx, items, who, who && buyer === customer ? redeem : 0, receiptId, now);
      const event = saleEvent(input, final, { ...payment, amountKopecks: final.totals.payable }, now);
      try {
        await commitSale(db, { event, priced: final });
      } catch (err) {
        // The basket, customer and bonuses stay as they were, so the same sale can be paid again once storage works.
        setError({ kind: 'storage', message: err instanceof Error ? err.message : String(err), full: isQuotaError(err) });
        return null;
      }
      setError(null);
      const after = buyer ? await shownBalance(db, buyer.id, { available: buyer.balance, pending: buyer.pending }) : null;
      const done: Receipt = {
        receiptId, method: payment.method, linkOffer,
        paid: final.totals.payable,
        change,
        redeemed: final.totals.redeemed,
        accrued: final.totals.accrued,
        customerName: buyer?.firstName ?? null,
        newBalance: after?.available ?? null,
      };
      setReceipt(done);
      setItems([]);
      setRedeem(0);
      setCustomer(null);
      setAvailable(null);
      return done;
    },
    [db, ctx, items, redeem, customer],
  );

  /** Pay in cash. */
  const payCash = useCallback(
    async (tendered: number): Promise<Receipt | null> => {
      if (!ctx || !terminal || !priced || tendered < priced.totals.payable) return null;
      const now = new Date();
      return finish(customer, available, receiptNumber(terminal.terminalId, now.getTime()), now, { method: 'cash', amountKopecks: priced.totals.payable }, tendered - priced.totals.payable, null);
    },
    [ctx, terminal, priced, customer, available, finish],
  );

  /**
   * Pay by bank card on the payment terminal. The card can identify the customer (its keyed
   * hash), and a card not yet linked to the customer found by phone or card is offered for linking.
   */
  const payCard = useCallback(
    async (pay: (amount: number, receiptId: string) => Promise<PaymentAnswer>, findByBankCard: (hash: string) => Promise<LocalCustomer | null>): Promise<Receipt | { declined: string } | null> => {
      if (!db || !ctx || !terminal || !priced) return null;
      const now = new Date();
      const kept = approvedCard.current?.amount === priced.totals.payable ? approvedCard.current : null;
      const receiptId = kept?.receiptId ?? receiptNumber(terminal.terminalId, now.getTime());
      const answer = kept?.answer ?? (await pay(priced.totals.payable, receiptId));
      if (!answer.approved) return { declined: answer.declineReason ?? '' };
      approvedCard.current = { amount: priced.totals.payable, receiptId, answer };
      let buyer = customer;
      let buyerAvailable = available;
      let linkOffer: Receipt['linkOffer'] = null;
      if (answer.tokenHash) {
        if (!customer) {
          const found = await findByBankCard(answer.tokenHash);
          if (found) {
            // Paid already: the card's owner earns on this sale, but only if member pricing would not change the amount.
            const shown = await shownBalance(db, found.id, { available: found.balance, pending: found.pending });
            const check = priceDraft(ctx, items, { id: found.id, tier: found.tier, available: shown.available, birthday: found.birthday ?? null }, 0, receiptId, now).priced;
            if (check.totals.payable === priced.totals.payable) {
              buyer = found;
              buyerAvailable = shown.available;
            }
          }
        } else if (!customer.keys.includes(`bank:${answer.tokenHash}`)) {
          linkOffer = { customerId: customer.id, name: customer.firstName, tokenHash: answer.tokenHash, last4: answer.last4 ?? '????' };
        }
      }
      const done = await finish(buyer, buyerAvailable, receiptId, now, { method: 'card', amountKopecks: priced.totals.payable, ...(answer.tokenHash ? { bankKey: answer.tokenHash } : {}) }, 0, linkOffer);
      if (done) approvedCard.current = null;
      else setError((e) => (e?.kind === 'storage' ? { ...e, cardApproved: true } : e));
      return done;
    },
    [db, ctx, terminal, priced, customer, available, items, finish],
  );

  /** Link the bank card just paid with to the customer, through the outbox. */
  const linkCard = useCallback(
    async (offer: NonNullable<Receipt['linkOffer']>) => {
      if (!db) return;
      const event: CardLinkEvent = { eventId: randomId(), occurredAt: new Date().toISOString(), type: 'cardLink', customerId: offer.customerId, kind: 'bank', key: offer.tokenHash };
      await enqueue(db, event);
      setReceipt((r) => (r ? { ...r, linkOffer: null } : r));
    },
    [db],
  );

  const reset = useCallback(() => {
    setItems([]);
    setRedeem(0);
    setCustomer(null);
    setAvailable(null);
    setError(null);
  }, []);

  return {
    items, customer, available, redeem, setRedeem, priced, error, receipt, ready: ctx !== null, catalogue, panel,
    addByCode, changeQuantity, chooseCustomer, payCash, payCard, linkCard, reset, reloadCatalogue, dismissReceipt: () => setReceipt(null),
  };
}
