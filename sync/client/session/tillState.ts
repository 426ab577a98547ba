import type { Offer, PricedReceipt, Programme } from '../../../core/engine';
import type { SaleCoupon } from '../coupons';
import type { DeviceInfo, HostStatus } from '../../protocol/host';
import type { FindResult } from '../findCustomer';
import type { PullProgress } from '../pull';
import type { SaleFiscal } from '../../protocol/events';
import type { BasketItem, DraftFiscal, DraftPayment, LocalCustomer, SaleCertificates, SignedIn } from '../records';
import type { CustomerPanelInfo } from '../saleDraft';
import type { TillMode } from './tillMode';
import { EMPTY_DESK, type DeskView } from './deskState';

/** A message for the cashier: an i18n key and its values, never prose made in code. */
export interface Notice {
  key: string;
  params?: Record<string, string | number>;
  tone: 'warn' | 'info';
  seq: number;
}

/** Why the till cannot talk to the server, named by cause: each needs a different person to act. */
export type Link = 'unknown' | 'online' | 'serverDown' | 'hostDown' | 'revoked' | 'notEnrolled';

export interface SyncView {
  progress: PullProgress | null;
  running: boolean;
  link: Link;
  lastSyncAt: number | null;
  /** Events in the outbox waiting for the server, and those it refused (kept, shown). */
  waiting: number;
  rejected: number;
  offlineSince: number | null;
  catalogueAt: number | null;
  cached: number | null;
  /** What failed: a pull code ('offline', 'storage_full', ...) or 'push'; the screen words it per language. */
  errorCode: string | null;
  /** The last failure as it happened (English, for diagnostics and logs only). */
  error: string | null;
}

export type SaleError =
  | { kind: 'unknownProduct'; code: string }
  | { kind: 'noCatalogue' }
  | { kind: 'storage'; message: string; full: boolean; cardApproved?: boolean }
  | { kind: 'declined'; reason: string };

export interface Receipt {
  receiptId: string;
  method: 'cash' | 'card';
  linkOffer: { customerId: string; name: string; tokenHash: string; last4: string } | null;
  paid: number;
  change: number;
  redeemed: number;
  accrued: number;
  customerName: string | null;
  newBalance: number | null;
  /** The fiscal document, when the till has a register. */
  fiscal?: SaleFiscal | null;
  /** Gift certificates that paid part of it, with what stays on each (issue 16). */
  certificates?: SaleCertificates['parts'] | undefined;
  /** Coupons for the next purchase this sale earned (issue 16), with their first and last day; absent: none. */
  nextOrderCoupons?: { code: string; days: { from: string; to: string } | null }[] | undefined;
}

export interface SaleCustomer {
  customer: LocalCustomer;
  via: 'card' | 'phone' | 'bank';
  /** A typed-phone customer confirmed by an SMS code: the server's proof for this sale's spend (phoneCode.ts). */
  confirmation?: string;
}

/** The SMS code dialog (phoneCode.ts): a typed-phone spend, or a registration naming a known phone. */
export interface PhoneCodeView {
  purpose: 'spend' | 'register';
  stage: 'entering' | 'checking' | 'sending';
  challengeId: string;
  maskedPhone: string;
  /** An i18n key (phoneCode.errors.*), or null. */
  error: string | null;
  attemptsLeft: number;
  /** When "send again" may be pressed (the till's clock, ms). */
  resendAt: number;
  seq: number;
}

/** The sale on screen: exactly what the draft in IndexedDB holds, plus what is derived from it. */
export interface SaleView {
  items: BasketItem[];
  customer: SaleCustomer | null;
  /** Spendable now: the server's balance plus this till's unacknowledged deltas. */
  available: number | null;
  redeem: number;
  priced: PricedReceipt | null;
  panel: CustomerPanelInfo | null;
  /** The last lookup that found nobody (or something that is not a customer), for the customer panel. */
  lookup: Exclude<FindResult, { kind: 'found' }> | null;
  lookupBusy: boolean;
  error: SaleError | null;
  payment: DraftPayment | null;
  /** A card payment whose outcome the host could not tell (host restarted mid-payment): the cashier checks the terminal's slip. */
  unresolvedPayment: boolean;
  cardDecline: string | null;
  /** A paid sale being fiscalised (kept in the draft until its document is stored). */
  fiscal: DraftFiscal | null;
  /** Why the register did not fiscalise it yet: a code the screen words (fiscal.errors.*). */
  fiscalError: string | null;
  /** The customer's phone (E.164) or e-mail for an electronic receipt, typed in the payment dialog. */
  receiptContact: string | null;
  /** A marked product waiting for its DataMatrix scan before it joins the basket. */
  marking: MarkingPrompt | null;
  /** Coupons accepted for this sale (sync/client/coupons.ts); absent: none. */
  coupons?: SaleCoupon[];
  /** Gift certificates paying part of it (certificateDesk.ts); absent: none. */
  certificates?: SaleCertificates | undefined;
}

export interface MarkingPrompt {
  productId: string;
  name: string;
  busy: boolean;
  /** Why the last code was refused: a code the screen words (marking.errors.*, fiscal.errors.*). */
  error: string | null;
}

/** The last shift action on the register (X report, Z report, open shift), for the manager screen. */
export interface FiscalShiftView {
  action: 'openShift' | 'reportX' | 'closeShift' | 'openCashDrawer';
  busy: boolean;
  ok: boolean | null;
  error: string | null;
  shiftNumber: number | null;
  documentNumber: number | null;
  receiptsCount: number | null;
  seq: number;
}

/** The F4 screen: the receipt the arrow keys selected (null: the newest) and the last copy printed (Ctrl+P). */
export interface HistoryView {
  selected: string | null;
  copy: { receiptId: string; busy: boolean; ok: boolean | null; error: string | null; seq: number } | null;
}

export interface CashierView {
  loaded: boolean;
  required: boolean;
  current: SignedIn | null;
}

export interface TillState {
  phase: 'starting' | 'hostError' | 'notEnrolled' | 'ready';
  hostError: { code: string; message: string } | null;
  status: HostStatus | null;
  revoked: boolean;
  mode: TillMode;
  /** The mode an overlay (manager, diagnostics, rejected list) returns to. */
  under: TillMode;
  sale: SaleView;
  receipt: Receipt | null;
  catalogue: { programme: Programme; offers: Offer[] } | null;
  notice: Notice | null;
  sync: SyncView;
  devices: DeviceInfo[];
  cashier: CashierView;
  camera: boolean;
  /** Bumped to ask the screen to focus a field (F2, F5). */
  focus: { target: 'identify' | 'product'; seq: number } | null;
  /** A registration in progress: what it started from, and a card scanned into it. */
  registration: { phone?: string; card?: string; seq: number } | null;
  returnOf: { no: string; seq: number } | null;
  managerScan: { text: string; seq: number } | null;
  /** What a scan put into the customer field (a card number; never a bank card's). */
  lookupText: { text: string; seq: number } | null;
  /** Bumped by F5 on screens that can refresh (diagnostics). */
  refresh: number;
  /** Unsent events of earlier enrolments of this till, moved into this one (shown once). */
  carriedOver: number;
  fiscalShift: FiscalShiftView | null;
  /** Search, quick keys, quantities, weights, held sales, approvals (saleDesk.ts). */
  desk: DeskView;
  /** A marking code scanned on the return screen, for the return being prepared. */
  returnMarking: { code: string; seq: number } | null;
  /** The SMS code dialog, while it is open. */
  phoneCode: PhoneCodeView | null;
  history: HistoryView;
}

export const EMPTY_SALE: SaleView = {
  items: [],
  customer: null,
  available: null,
  redeem: 0,
  priced: null,
  panel: null,
  lookup: null,
  lookupBusy: false,
  error: null,
  payment: null,
  unresolvedPayment: false,
  cardDecline: null,
  fiscal: null,
  fiscalError: null,
  receiptContact: null,
  marking: null,
};

export const INITIAL_STATE: TillState = {
  phase: 'starting',
  hostError: null,
  status: null,
  revoked: false,
  mode: 'setup',
  under: 'selling',
  sale: EMPTY_SALE,
  receipt: null,
  catalogue: null,
  notice: null,
  sync: {
    progress: null,
    running: false,
    link: 'unknown',
    lastSyncAt: null,
    waiting: 0,
    rejected: 0,
    offlineSince: null,
    catalogueAt: null,
    cached: null,
    errorCode: null,
    error: null,
  },
  devices: [],
  cashier: { loaded: false, required: false, current: null },
  camera: false,
  focus: null,
  registration: null,
  returnOf: null,
  managerScan: null,
  carriedOver: 0,
  refresh: 0,
  lookupText: null,
  fiscalShift: null,
  desk: EMPTY_DESK,
  returnMarking: null,
  phoneCode: null,
  history: { selected: null, copy: null },
};
