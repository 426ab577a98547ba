import { classifyCard, parseTracks } from '../../../core/cardTracks';
import { PaymentAnswer, PaymentOutcome, HostStatus, ApiResult, CardReadAnswer, type HostRequest } from '../../protocol/host';
import type { DeviceEvent } from '../../../core/scan';
import { toApiAnswer, type ApiCaller } from '../api';
import { currentCashier, isCashiersOwnCard, needsCashier, recordRegistrationOffered, signIn, signOut, type SignInResult } from '../cashiers';
import { findCustomer, findCustomerByBankCard, type FindResult } from '../findCustomer';
import { randomId, receiptNumber } from '../ids';
import { commitSale, enqueue, shownBalance } from '../outbox';
import type { DraftRecord, LocalCustomer, OutboxRecord, PendingNoReceiptReturn, PendingReturn, ReceiptRecord } from '../records';
import { registerCustomer, welcomeFor, type RegistrationForm } from '../registration';
import { checkRegistration, validPhone, type RegistrationProblems } from '../registrationCheck';
import { findStoreReceipt, type FoundReceipt } from '../returnsRemote';
import { soldCertificateCode } from '../../../core/loyalty/certificates';
import { releaseCertificate, takeBackCertificate } from '../certificates';
import { shiftTotals, type ShiftTotals } from '../returns';
import { beginReturn, commitNothing, commitReturn, previewReturn, receiptsWithPendingReturn, refundSplit, savePendingReturn } from '../returns';
import { LINE_MAX_MILLI, customerPanel, priceDraft, saleContext, saleEvent, setQuantity, type SaleContext } from '../saleDraft';
import { isQuotaError } from '../storageError';
import { contextTables, loadContext, recordSaleEffect } from '../customerContext';
import { couponForSale, recordNextOrderCoupons, withNextOrderCoupons } from '../coupons';
import { couponDays } from '../../../core/fiscal/couponText';
import { recordFeedback } from '../feedback';
import type { CustomerContext } from '../../../core/loyalty/customerContext';
import { TillDb } from '../tillDb';
import type { CardLinkEvent, SaleEvent, SaleFiscal } from '../../protocol/events';
import type { RegisterShiftTotals } from '../../protocol/fiscal';
import { indexOffers, priceReturn, type PricedReceipt } from '../../../core/engine';
import {
  cashMovement,
  fiscaliseReturn,
  fiscaliseSale,
  registerTotals,
  returnReceipt,
  shiftAction,
  shiftStatus,
  validateMarking,
  type FiscalStepDeps,
} from './fiscalStep';
import { shiftMismatches, type ShiftMismatch } from './shiftReconcile';
import { fiscalProduct } from './fiscalProduct';
import { markingMatchesProduct, parseMarkingCode } from '../../../core/fiscal/markingCode';
import { keyIntent, type KeyIntent } from './keymap';
import { deskLayer } from './deskState';
import { parseProductEntry } from './productEntry';
import { SaleDesk, type DeskHost, type NoReceiptOutcome } from './saleDesk';
import { CertificateDesk, certificatesPaid, eventCertificates, moneyDue } from './certificateDesk';
import { PhoneCodeFlow, phoneCodeError, withSaleIdentity } from './phoneCode';
import { withFeedbackToken } from '../feedbackLink';
import { beginNoReceiptReturn, commitNoReceiptReturn, pendingNoReceiptReturns, saveNoReceiptMarker, type NoReceiptLine } from '../approvals';
import { identify as identifyCode } from '../../../core/identify';
import { parseRoubles } from '../../../core/money';
import { bankCardLookupKey, phoneLookupKeys } from '../../../core/lookupKey';
import type { ProductItem } from '../../protocol/pull';
import { carryOverEarlierEnrolments } from './reenrol';
import { moveSelection, printReceiptCopy, shiftReceipts } from './receiptCopy';
import { fixRejected, rejectedEvents, type RejectedView } from './rejected';
import { routeScan, type ScanInput, type ScanRefusal } from './scanRouter';
import { SyncLoops, onThreadPull, type PullRunner } from './syncLoops';
import { EMPTY_SALE, INITIAL_STATE, type FiscalShiftView, type Link, type Receipt, type SaleView, type TillState } from './tillState';
import { isPaying, OVERLAY_MODES, type TillMode } from './tillMode';
import { realTimers, type Timers } from './timers';

/** The host as the session sees it: Electron's IPC or the browser host, or a fake in tests. */
export interface TillHost {
  request(req: HostRequest): Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>;
  onDeviceEvent(listener: (e: DeviceEvent) => void): () => void;
}

export interface SessionOptions {
  host: TillHost;
  /** Opens the database of one terminal identity. */
  openDb?: (name: string) => TillDb;
  /** Names of this machine's till databases (earlier enrolments), for carrying unsent events over. */
  databaseNames?: () => Promise<string[]>;
  pull?: PullRunner;
  timers?: Timers;
  now?: () => number;
  every?: { pullMs: number; pushMs: number };
  /** This till's app version, reported to the server on the heartbeat. */
  appVersion?: string;
}

type Listener = () => void;

export const DB_PREFIX = 'loyalty-till-';

/** What became of a return: `message` is a code the screen words (fiscal:…, refund:…) or an error's text. */
export type ReturnOutcome =
  /** `refund` is the money given back; `toCertificates` what went back onto gift certificates that paid part of the sale. */
  { ok: true; refund: number; card: boolean; resumed: boolean; toCertificates?: number } | { ok: false; message: string; resumed?: boolean };

/**
 * The till's runtime: one state machine that owns the shift, the open sale, the payment, the
 * pull and push loops and lookups. The screen renders `getState()` and sends intents; it keeps
 * nothing that matters. Every intent runs in order (`serial`), so Enter twice, a scan under a
 * dialog or a reload mid-payment cannot interleave with a checkout.
 */
/** Scans refused because of the screen they came on, and the screens where that still holds. */
const REFUSED_ON: Record<string, readonly TillMode[]> = {
  'scan.refused.paymentInProgress': ['payingCash', 'payingCard'],
  'scan.refused.notInManager': ['manager'],
  'scan.refused.finishReturnFirst': ['returning'],
  'scan.refused.closeScreenFirst': ['rejected', 'registering'],
  'scan.refused.signInFirst': ['signIn'],
};

export class TillSession {
  private state: TillState = INITIAL_STATE;
  private readonly listeners = new Set<Listener>();
  private db: TillDb | null = null;
  private loops: SyncLoops | null = null;
  private ctx: SaleContext | null = null;
  /** Pricing context per customer on the sale (customerContext.ts), loaded when they come on it. */
  private readonly contexts = new Map<string, CustomerContext>();
  private queue: Promise<unknown> = Promise.resolve();
  private draftWrites: Promise<unknown> = Promise.resolve();
  private noticeSeq = 0;
  private saleSeq = 0;
  private offeredIn = -1;
  private unsubscribeDevices: (() => void) | null = null;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly api: ApiCaller;
  /** A typed phone's lookup keys: the host makes them (Argon2id at native speed, its secrets). */
  private readonly phoneKeys = async (e164: string, refresh: boolean): Promise<string[]> => {
    const res = await this.opts.host.request({ op: 'phoneKeys', e164, ...(refresh ? { refresh } : {}) });
    const keys = res.ok ? (res.value as { keys?: unknown }).keys : null;
    if (Array.isArray(keys)) return keys.filter((k): k is string => typeof k === 'string');
    // The host away (restarting): the page makes the keys itself from the secrets the till holds,
    // slower (WebAssembly) but right; an empty answer would tell the cashier "not found" and invite
    // a duplicate registration (found by the model test).
    const secrets = this.state.status?.terminal?.phoneSecrets;
    return secrets?.length ? phoneLookupKeys(secrets, e164) : [];
  };
  private statusTimer: unknown = null;
  private closed = false;

  constructor(private readonly opts: SessionOptions) {
    this.timers = opts.timers ?? realTimers;
    this.now = opts.now ?? Date.now;
    this.api = this.makeApi();
    this.desk = new SaleDesk(this.deskHost());
    this.certificates = new CertificateDesk({
      state: () => this.state,
      setSale: (patch, persist) => this.setSale(patch, persist),
      notice: (key, params, tone) => this.notice(key, params, tone),
      api: (...args) => this.api(...args),
      newReceiptId: () => receiptNumber(this.state.status!.terminal!.terminalId, this.now()),
      draftWritten: async () => void (await this.draftWrites),
    });
    this.phoneCode = new PhoneCodeFlow({
      state: () => this.state,
      set: (patch) => this.set(patch),
      setSale: (patch, persist) => this.setSale(patch, persist),
      notice: (key, params, tone) => this.notice(key, params, tone),
      api: (...args) => this.api(...args),
      now: () => this.now(),
      setRedeem: (kopecks) => this.setRedeem(kopecks),
      finishRegistration: async (phoneConfirmation) => void (this.waitingForCode && (await this.register({ ...this.waitingForCode, phoneConfirmation }))),
    });
  }

  /** The SMS code dialog: a typed-phone spend, a registration naming a known phone (phoneCode.ts). */
  readonly phoneCode: PhoneCodeFlow;
  private waitingForCode: RegistrationForm | null = null;

  /** Search, quick keys, quantities, weights, held sales and approvals (saleDesk.ts). */
  readonly desk: SaleDesk;

  /** Gift certificates sold on the sale and taken as its payment (certificateDesk.ts). */
  private readonly certificates: CertificateDesk;

  /** A gift certificate scanned or typed to be sold: a line at its nominal, once the server says it is unsold. */
  sellCertificate(text: string): Promise<boolean> {
    return this.serial(() => this.certificates.sell(text));
  }

  /** An electronic certificate sold to the customer's phone (online only); the till keeps no phone after the request. */
  sellElectronicCertificate(nominalRubles: number, phone: string): Promise<boolean> {
    return this.serial(() => this.certificates.sellElectronic(nominalRubles, phone));
  }

  /** In the payment dialog: a gift certificate pays what it can of the goods, held at the server at once. */
  payWithCertificate(text: string): Promise<boolean> {
    return this.serial(() => this.certificates.pay(text));
  }

  private deskHost(): DeskHost {
    return {
      state: () => this.state,
      set: (patch) => this.set(patch),
      setSale: (patch, persist) => this.setSale(patch, persist),
      notice: (key, params, tone) => this.notice(key, params, tone),
      serial: (fn) => this.serial(fn),
      db: () => this.db,
      now: () => this.now(),
      api: (...args) => this.api(...args),
      weigh: () => this.opts.host.request({ op: 'weigh' }),
      draftWritten: async () => void (await this.draftWrites),
      paying: () => isPaying(this.state.mode),
      pushSoon: () => this.loops?.pushSoon(),
      returnNoReceipt: (lines, manager) => this.returnNoReceiptNow(lines, manager),
    };
  }

  // ---- store interface (useSyncExternalStore) ----
  getState = (): TillState => this.state;
  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  get database(): TillDb | null {
    return this.db;
  }

  private set(patch: Partial<TillState> | ((s: TillState) => Partial<TillState>)): void {
    const next = typeof patch === 'function' ? patch(this.state) : patch;
    const leftMode = next.mode !== undefined && next.mode !== this.state.mode;
    this.state = { ...this.state, ...next };
    // A quantity typed before a scan belongs to the screen it was typed on: leaving it drops the
    // quantity (found by the model test: `2*` typed, the scan went to the return screen, and the
    // next sale's product came in twice).
    if (leftMode && this.state.desk.quantityPrefix !== null) this.state = { ...this.state, desk: { ...this.state.desk, quantityPrefix: null } };
    // Not enrolled (revoked while an intent was finishing): the setup screen, whatever that intent
    // says (found by the model test: a checkout that learnt of the revocation set 'selling' again,
    // and scans on the setup screen went into a sale nobody could see).
    if (this.state.phase === 'notEnrolled' && this.state.mode !== 'setup' && this.state.mode !== 'diagnostics') this.state = { ...this.state, mode: 'setup' };
    for (const l of this.listeners) l();
  }

  private setSale(patch: Partial<SaleView>, persist = true): void {
    const sale = { ...this.state.sale, ...patch };
    if (sale.customer) this.wantContext(sale.customer.customer);
    sale.priced = this.price(sale);
    sale.panel =
      this.ctx && sale.customer
        ? customerPanel(
            this.ctx,
            {
              id: sale.customer.customer.id,
              tier: sale.customer.customer.tier,
              birthday: sale.customer.customer.birthday ?? null,
              context: this.contexts.get(sale.customer.customer.id),
            },
            new Date(this.now()),
            sale.priced ? sale.priced.lines.reduce((sum, l) => sum + (l.excluded ? 0 : l.amount), 0) : 0,
          )
        : null;
    this.set({ sale });
    if (persist) this.persistDraft();
  }

  /** Load a customer's pricing context once, then price the sale again with it. */
  private wantContext(customer: LocalCustomer): void {
    const db = this.db;
    const programme = this.ctx?.programme;
    // Never while a payment runs: its sale is priced with the context it had when the payment opened.
    if (!db || !programme || this.contexts.has(customer.id) || isPaying(this.state.mode)) return;
    void this.contextOf(customer).then(
      () => this.state.sale.customer?.customer.id === customer.id && this.setSale({}, false),
      () => undefined,
    );
  }

  private async contextOf(customer: LocalCustomer): Promise<CustomerContext | undefined> {
    const known = this.contexts.get(customer.id);
    if (known || !this.db || !this.ctx) return known;
    const loaded = await loadContext(this.db, this.ctx.programme, customer.id, customer.tier, this.now());
    this.contexts.set(customer.id, loaded);
    return loaded;
  }

  private notice(key: string, params?: Record<string, string | number>, tone: 'warn' | 'info' = 'warn'): void {
    this.set({ notice: { key, tone, seq: ++this.noticeSeq, ...(params ? { params } : {}) } });
  }

  /** Intents run one at a time, in the order they came. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every intent, draft write and push round so far has finished (tests). */
  async idle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.queue;
      await this.cardWait;
      await this.draftWrites;
      await this.loops?.settled();
    }
  }

  // ---- start-up ----
  async start(): Promise<void> {
    this.unsubscribeDevices = this.opts.host.onDeviceEvent((e) => this.onDeviceEvent(e));
    await this.refreshHost();
    this.watchHost();
  }

  /**
   * Work no caller waits for. Once this page has closed (a reload), its database is closed and
   * what was left of that work fails: the next page takes it up from the database. Any other
   * failure still surfaces.
   */
  private background(work: Promise<unknown>): void {
    work.catch((e: unknown) => {
      if (!this.closed) throw e;
    });
  }

  close(): void {
    this.closed = true;
    this.loops?.stop();
    this.unsubscribeDevices?.();
    this.timers.clear(this.statusTimer);
    this.db?.close();
  }

  /** The host's status every few seconds: the status bar names a host that went away. */
  private watchHost(): void {
    this.statusTimer = this.timers.set(() => {
      if (this.closed) return;
      void this.opts.host.request({ op: 'status' }).then((res) => {
        if (!res.ok && res.error.code === 'host_unreachable') this.setLink('hostDown');
        else if (res.ok && this.state.sync.link === 'hostDown') this.setLink('unknown');
        // Started while the host was away: open the till now that it answers, without a reload
        // (found by the model test: the till stayed on "host unreachable" until the page was reloaded).
        if (res.ok && this.state.phase === 'hostError') this.background(this.serial(() => this.refreshHost()));
        const s = res.ok ? HostStatus.safeParse(res.value) : null;
        if (s?.success) this.set({ devices: s.data.devices });
        this.watchHost();
      });
    }, 5_000);
  }

  private async refreshHost(): Promise<void> {
    const res = await this.opts.host.request({ op: 'status' });
    if (!res.ok) {
      this.set({ phase: 'hostError', hostError: res.error });
      this.setLink(res.error.code === 'host_unreachable' ? 'hostDown' : 'unknown');
      return;
    }
    const parsed = HostStatus.safeParse(res.value);
    if (!parsed.success) {
      this.set({ phase: 'hostError', hostError: { code: 'bad_host_answer', message: 'The till host gave an unexpected status.' } });
      return;
    }
    const status = parsed.data;
    this.set({ status, devices: status.devices });
    if (!status.enrolled || !status.terminal) {
      this.set({ phase: 'notEnrolled', mode: 'setup' });
      this.setLink('notEnrolled');
      return;
    }
    await this.openTill(status);
  }

  private async openTill(status: HostStatus): Promise<void> {
    const terminal = status.terminal!;
    this.loops?.stop();
    this.db?.close();
    // One database per terminal identity, so a re-enrolled till never mixes caches; unsent
    // events of an earlier identity are carried over below, never dropped.
    const db = (this.opts.openDb ?? ((n) => new TillDb(n)))(`${DB_PREFIX}${terminal.terminalId}`);
    this.db = db;
    const carried = this.opts.databaseNames
      ? await carryOverEarlierEnrolments(db, this.opts.openDb ?? ((n) => new TillDb(n)), await this.opts.databaseNames(), DB_PREFIX)
      : 0;
    await this.loadCatalogue();
    await this.refreshCashier();
    const start: TillMode = this.state.cashier.required && !this.state.cashier.current ? 'signIn' : 'selling';
    // Diagnostics opened (F12) while the till was still starting stays open, the till under it
    // (it closed by itself a moment later: found by the re-enrol e2e under load).
    const opened: Partial<TillState> = this.state.mode === 'diagnostics' ? { mode: 'diagnostics', under: start } : { mode: start };
    this.set({ phase: 'ready', revoked: false, carriedOver: carried, ...opened });
    // What is shown is what this database holds: never a sale left in memory from another enrolment.
    this.set({ sale: { ...EMPTY_SALE } });
    this.desk.reset();
    await this.restoreDraft();
    this.background(this.serial(() => this.resumeReturns()));
    await this.desk.refreshHeld();
    // After the draft's own notice: a basket carried over with the events must not hide this one.
    if (carried > 0) this.notice('reenrol.carried', { count: carried }, 'info');
    // The status bar's "last sync" survives a reload: the customers' cursor was stored by the last
    // pull that got through (found walking the till: a reload offline said "ещё не было").
    const pulled = await db.syncState.get('customers');
    if (pulled?.complete && this.state.sync.lastSyncAt === null) this.setSync({ lastSyncAt: pulled.updatedAt });
    this.loops = new SyncLoops(
      db,
      this.api,
      {
        cashiersPulled: () => this.background(this.refreshCashier()),
        pullStarted: (existing) => this.setSync({ running: true, ...(existing ? { progress: existing } : {}) }),
        pullProgress: (progress) => {
          this.setSync({ progress });
          this.setLink('online');
        },
        pullDone: (outcome, catalogueStored, cached) => {
          this.setSync({
            running: false,
            ...(outcome.ok ? { lastSyncAt: this.now(), error: null, errorCode: null } : { error: outcome.message, errorCode: outcome.code }),
            ...(catalogueStored ? { catalogueAt: this.now() } : {}),
            ...(cached !== null ? { cached } : {}),
          });
          if (outcome.ok) this.setLink('online');
          else if (outcome.offline) this.setLink('serverDown');
          // Not while a payment runs: the sale being paid stays priced as at the payment's start.
          if (outcome.ok && !this.state.sale.payment && !isPaying(this.state.mode)) {
            this.contexts.clear();
            if (this.state.sale.customer) this.setSale({}, false);
          }
          if (catalogueStored)
            this.background(
              this.loadCatalogue().then(() => {
                this.setSale({}, false);
                this.finishApprovedCard();
              }),
            );
        },
        pushed: (outcome, stats) => {
          this.setSync({ ...stats, ...(outcome.ok ? {} : { error: outcome.message, errorCode: 'push' }) });
          if (outcome.ok && outcome.sent > 0) this.setLink('online');
          if (!outcome.ok && outcome.offline) this.setLink('serverDown');
        },
      },
      this.timers,
      this.opts.pull ?? onThreadPull,
      this.opts.every,
      this.opts.appVersion,
    );
    this.loops.start();
  }

  private setSync(patch: Partial<TillState['sync']>): void {
    this.set((s) => ({ sync: { ...s.sync, ...patch } }));
  }

  private setLink(link: Link): void {
    const s = this.state.sync;
    if (s.link === link) return;
    const wasOnline = this.online();
    const away = link === 'serverDown' || link === 'hostDown';
    this.setSync({ link, offlineSince: away ? (s.offlineSince ?? this.now()) : null });
    // Bonuses spendable depend on it (the offline allowance): the sale on screen is priced again.
    if (this.ctx && this.online() !== wasOnline) this.setSale({}, false);
  }

  /**
   * Whether the till can reach the server, as pricing needs it: offline, a customer spends at
   * most the offline allowance, which the server accepts whatever was spent elsewhere. (It was
   * fixed when the catalogue loaded, so a till that knew the server was away priced as online.)
   */
  private online(): boolean {
    const link = this.state.sync.link;
    return link !== 'serverDown' && link !== 'hostDown';
  }

  private pricing(online: boolean = this.online()): SaleContext {
    return { ...this.ctx!, online };
  }

  private makeApi(): ApiCaller {
    return async (method, path, query, body) => {
      const res = await this.opts.host.request({ op: 'api', method, path, ...(query ? { query } : {}), ...(body !== undefined ? { body } : {}) });
      if (!res.ok) {
        if (res.error.code === 'host_unreachable') this.setLink('hostDown');
        return { ok: false, offline: res.error.code === 'host_unreachable', status: 0, code: res.error.code, message: res.error.message };
      }
      const parsed = ApiResult.safeParse(res.value);
      if (!parsed.success) return { ok: false, offline: false, status: 0, code: 'bad_host_answer', message: 'The till host gave an unexpected answer.' };
      const answer = toApiAnswer(parsed.data.status, parsed.data.body);
      if (!answer.ok && answer.code === 'credential_rejected') {
        // The server no longer knows this terminal: stop and ask IT to enrol it again. The
        // database stays: its unsent events go out under the next enrolment.
        this.loops?.stop();
        // An approval waiting for the manager goes with the screen it was asked on: nothing was
        // approved, and a return without a receipt is asked again after re-enrolment (model test).
        if (this.state.desk.approval) this.desk.cancelApproval();
        this.set({ phase: 'notEnrolled', revoked: true, mode: 'setup' });
        this.setLink('revoked');
      } else if (answer.ok) this.setLink('online');
      // A 503 in the server's own words (its SMS provider failing) came from a server that is there:
      // only the host's own "cannot reach it" (server_unreachable, a certificate refused) or a bare
      // gateway status says the server is gone (found walking the till:
      // an SMS not sent turned the status bar to "Нет связи с сервером" and priced sales offline).
      else if (answer.offline && (answer.code.startsWith('server_') || answer.code.startsWith('http_'))) this.setLink('serverDown');
      return answer;
    };
  }

  private async loadCatalogue(): Promise<void> {
    const db = this.db;
    const terminal = this.state.status?.terminal;
    if (!db || !terminal) return;
    const [p, offers] = await Promise.all([db.programme.get('current'), db.offers.toArray()]);
    const catalogue = p ? { programme: p.programme, offers: offers.map((o) => o.offer) } : null;
    this.ctx = catalogue ? saleContext(terminal, catalogue.programme, catalogue.offers, this.state.sync.link !== 'serverDown') : null;
    this.set({ catalogue });
    await this.desk.catalogueLoaded();
  }

  async refreshCashier(): Promise<void> {
    const db = this.db;
    if (!db) return;
    const [required, current] = await Promise.all([needsCashier(db), currentCashier(db)]);
    const mode = this.state.mode;
    const needs = required && !current;
    this.set({
      cashier: { loaded: true, required, current },
      ...(needs && !isPaying(mode) && mode !== 'setup' ? { mode: 'signIn' as TillMode } : {}),
      ...(!needs && mode === 'signIn' ? { mode: 'selling' as TillMode } : {}),
    });
  }

  // ---- the durable draft ----
  private persistDraft(): void {
    const db = this.db;
    if (!db) return;
    const s = this.state.sale;
    const record: DraftRecord = {
      key: 'current',
      items: s.items,
      customer: s.customer,
      redeem: s.redeem,
      payment: s.payment,
      fiscal: s.fiscal,
      updatedAt: this.now(),
      ...(this.state.desk.totalShown ? { totalShown: true } : {}),
      ...(s.coupons?.length ? { coupons: s.coupons } : {}),
      ...(s.certificates?.parts.length ? { certificates: s.certificates } : {}),
    };
    const empty = s.items.length === 0 && !s.customer && !s.payment && !s.fiscal && !s.certificates?.parts.length;
    this.draftWrites = this.draftWrites
      .then(async () => {
        if (empty) await db.draft.delete('current');
        else await db.draft.put(record);
      })
      .catch(() => this.notice('sale.draftNotSaved'));
  }

  private async restoreDraft(): Promise<void> {
    const db = this.db;
    if (!db) return;
    const d = await db.draft.get('current');
    if (!d) return;
    const available = d.customer
      ? (await shownBalance(db, d.customer.customer.id, { available: d.customer.customer.balance, pending: d.customer.customer.pending })).available
      : null;
    this.setSale(
      {
        items: d.items,
        customer: d.customer,
        redeem: d.redeem,
        available,
        payment: d.payment,
        fiscal: d.fiscal ?? null,
        ...(d.coupons?.length ? { coupons: d.coupons } : {}),
        ...(d.certificates?.parts.length ? { certificates: d.certificates } : {}),
      },
      false,
    );
    if (d.items.length > 0 || d.customer) this.notice('sale.restored', { count: d.items.length }, 'info');
    if (d.totalShown) this.desk.totalShown();
    // Settled outside the intent queue (the host may still be waiting for the customer's PIN).
    if (d.payment) this.cardWait = this.resumeCardPayment(d.payment);
    // A cash sale paid but not yet fiscalised: ask the register again with the stored marker.
    else if (d.fiscal) {
      this.set({ mode: 'payingCash' });
      this.background(this.serial(() => this.retryFiscalNow()));
    }
    // Certificates held for its payment: back in the payment dialog, to pay the rest or give them back.
    else if (d.certificates?.parts.length) this.set({ mode: 'payingCash' });
  }

  /** After a reload mid-payment: ask the host what the terminal answered, never charge again blindly. */
  private async resumeCardPayment(payment: NonNullable<DraftRecord['payment']>): Promise<void> {
    if (payment.stage === 'approved') {
      this.set({ mode: 'payingCard' });
      await this.serial(() => this.completeCard(payment, payment.answer ?? {}));
      return;
    }
    this.set({ mode: 'payingCard' });
    for (;;) {
      const res = await this.opts.host.request({ op: 'paymentOutcome', receiptId: payment.receiptId });
      const outcome = res.ok ? PaymentOutcome.safeParse(res.value) : null;
      if (!outcome?.success || outcome.data.state === 'unknown') {
        // The host restarted mid-payment: only the terminal's slip can tell. The cashier says which.
        this.setSale({ unresolvedPayment: true });
        return;
      }
      if (outcome.data.state === 'answered') {
        const answer = outcome.data.answer;
        await this.serial(async () => {
          if (answer.approved) await this.completeCard(payment, answer);
          else {
            this.setSale({ payment: null, cardDecline: answer.declineReason ?? '' });
            this.set({ mode: 'payingCash' });
          }
        });
        return;
      }
      await new Promise<void>((r) => this.timers.set(() => r(), 500));
      if (this.closed) return;
    }
  }

  /** The cashier read the terminal's slip for a payment the host lost track of. */
  resolveUnknownPayment(charged: boolean): Promise<void> {
    return this.serial(async () => {
      const payment = this.state.sale.payment;
      if (!payment || !this.state.sale.unresolvedPayment) return;
      this.setSale({ unresolvedPayment: false });
      if (charged) await this.completeCard(payment, {});
      else {
        this.setSale({ payment: null });
        this.set({ mode: 'payingCash' });
      }
    });
  }

  /** A coupon code typed or scanned for the open sale (issue 16): checked against this till's list, offline too. */
  applyCoupon(text: string): Promise<boolean> {
    return this.serial(async () => {
      const sale = this.state.sale;
      const who = sale.customer?.customer;
      if (!this.db) return false;
      const res = await couponForSale(this.db, text, {
        customer: who ? { id: who.id, segments: (await this.contextOf(who))?.segments ?? [] } : null,
        coupons: sale.coupons ?? [],
        offers: this.ctx?.offers ?? null,
        nowMs: this.now(),
        offlineAllowance: this.online() ? undefined : this.ctx?.programme.offlineSingleUseCoupons,
      });
      if (!res.ok) {
        this.notice(`coupon.refused.${res.reason}`);
        return false;
      }
      // Written with the draft: a reload or a hold keeps the coupon with its sale.
      this.setSale({ coupons: [...(sale.coupons ?? []), res.coupon] });
      this.notice('coupon.applied', { code: res.coupon.code }, 'info');
      return true;
    });
  }

  /** The customer's rating of the purchase just made (issue 16): queued as an event, one per receipt. */
  rateReceipt(receiptId: string, rating: number): Promise<boolean> {
    return this.serial(async () => {
      if (!this.db || this.state.receipt?.receiptId !== receiptId) return false;
      await recordFeedback(this.db, { receiptId, rating, cashierId: this.state.cashier.current?.cashierId ?? null, now: this.now() });
      this.loops?.pushSoon();
      return true;
    });
  }

  // ---- pricing ----
  private price(sale: SaleView) {
    if (!this.ctx || sale.items.length === 0) return null;
    // A sale at the card terminal shows what is being charged: priced as at the payment's start.
    const paying = sale.payment?.available !== undefined ? sale.payment : null;
    const available = paying ? (paying.available ?? null) : sale.available;
    const c =
      sale.customer && available !== null
        ? {
            id: sale.customer.customer.id,
            tier: sale.customer.customer.tier,
            available,
            birthday: sale.customer.customer.birthday ?? null,
            context: paying?.context !== undefined ? (paying.context ?? undefined) : this.contexts.get(sale.customer.customer.id),
            coupons: sale.coupons,
          }
        : null;
    return priceDraft(this.pricing(paying?.online), sale.items, c, sale.redeem, 'draft', new Date(paying?.startedAt ?? this.now())).priced;
  }

  // ---- input: keys and scans ----
  /** One key from the one listener. Returns true when the till used it (the screen then prevents its default). */
  key(key: string, opts: { typing?: boolean } = {}): boolean {
    if (this.state.phoneCode) return false; // the code dialog takes its own keys
    const mode = this.state.mode;
    const receiptShown = this.state.receipt !== null;
    const intent = keyIntent(mode, key, { receiptShown, typing: opts.typing ?? false, layer: deskLayer(this.state.desk) });
    if (!intent) return false;
    // A key means what it meant on the screen the cashier saw. If an intent queued before it has
    // changed the screen meanwhile, it means nothing now (found by the model test: Esc pressed
    // twice on the return screen closed it, then cleared the sale's customer and bonuses).
    this.background(
      this.serial(async () => {
        if (this.state.mode === mode && (this.state.receipt !== null) === receiptShown) await this.doKey(intent);
      }),
    );
    return true;
  }

  /**
   * A scan refused because of the screen it came on is history once the cashier leaves that screen:
   * "close the manager screen (Esc)" still shown on the sale screen sends them looking for it (found
   * walking the till). A payment that ends by itself keeps it: that scan was dropped, and says so.
   */
  private async doKey(intent: KeyIntent): Promise<void> {
    const from = this.state.mode;
    await this.doKeyNow(intent);
    const n = this.state.notice;
    if (this.state.mode !== from && n && !(REFUSED_ON[n.key]?.includes(this.state.mode) ?? true)) this.set({ notice: null });
  }

  private async doKeyNow(intent: KeyIntent): Promise<void> {
    const mode = this.state.mode;
    switch (intent) {
      case 'toSale':
        return this.set({ mode: 'selling' });
      case 'toReturn':
        return this.set({ mode: 'returning' });
      case 'toHistory':
        return this.set({ mode: 'history' });
      case 'toRejected':
        return this.set({ mode: 'rejected', under: mode });
      case 'focusIdentify':
        return this.set({ mode: mode === 'selling' ? mode : 'selling', focus: { target: 'identify', seq: (this.state.focus?.seq ?? 0) + 1 } });
      case 'focusProduct':
        return this.set({ mode: 'selling', focus: this.productFocus() });
      case 'openPay':
        return this.openPayment();
      case 'payByCard':
        if (mode === 'selling') await this.openPayment();
        return this.payByCard();
      case 'cancel':
        return this.cancel();
      case 'toggleManager':
        return this.set(mode === 'manager' ? { mode: this.state.under } : { mode: 'manager', under: OVERLAY_MODES.has(mode) ? this.state.under : mode });
      case 'toggleDiagnostics':
        return this.set(
          mode === 'diagnostics' ? { mode: this.state.under } : { mode: 'diagnostics', under: OVERLAY_MODES.has(mode) ? this.state.under : mode },
        );
      case 'toggleCamera':
        return this.set({ camera: !this.state.camera });
      case 'changeCashier':
        return this.changeCashier();
      case 'nextSale':
        return this.set({ receipt: null });
      case 'refresh':
        return this.set({ refresh: this.state.refresh + 1 });
      case 'fiscalReportX':
        return void this.fiscalShift('reportX');
      case 'printCopy':
        return void this.printReceiptCopy();
      case 'lineUp':
      case 'lineDown':
        if (mode === 'history') return this.selectReceipt(intent === 'lineUp' ? -1 : 1);
        return this.deskKey(intent);
      default:
        return this.deskKey(intent);
    }
  }

  /** Esc: closes what is on top, one layer at a time; it never clears a customer along with a dialog. */
  private async cancel(): Promise<void> {
    const mode = this.state.mode;
    // Paid, waiting for its fiscal document: the money is taken, the dialog cannot be closed.
    if (mode === 'payingCash' && this.state.sale.fiscal) return;
    // Certificates taken for this payment go back first; offline they stay and so does the dialog.
    if (mode === 'payingCash' && !(await this.certificates.release())) return;
    if (mode === 'payingCash') {
      // The payment is over (its refused scans' notice goes with it, in set); the cursor goes back to the product field.
      this.set({ mode: 'selling', focus: this.productFocus() });
      return this.setSale({ cardDecline: null }, false);
    }
    if (OVERLAY_MODES.has(mode)) return this.set({ mode: this.state.under });
    if (mode === 'registering') return this.set({ mode: 'selling', registration: null });
    if ((mode === 'selling' || mode === 'returning') && this.closeDeskLayer()) return mode === 'selling' ? this.set({ focus: this.productFocus() }) : undefined;
    if (mode === 'selling' && this.state.sale.marking) return this.setSale({ marking: null }, false);
    if (mode === 'returning' || mode === 'history') return this.set({ mode: 'selling' });
    if (mode === 'selling') {
      if (this.state.receipt) return this.set({ receipt: null });
      // Esc on the sale screen clears the customer field: said on screen, since bonuses go too.
      if (this.state.sale.customer) this.notice('identify.cleared', undefined, 'info');
      this.setSale({ customer: null, available: null, redeem: 0, lookup: null });
    }
  }

  /** Asks the screen to put the cursor in the product field (where a typed code goes), as F5 does. */
  private productFocus(): TillState['focus'] {
    return { target: 'product', seq: (this.state.focus?.seq ?? 0) + 1 };
  }

  /** A scan from any source, routed by mode (scanRouter.ts). */
  scan(input: ScanInput): Promise<void> {
    // Under a payment a scan is refused at once, with its notice, not queued behind the payment
    // (found by the model test: a product scanned at the PIN prompt waited silently and, once the
    // card was approved, opened a new sale over the receipt the customer was waiting for).
    if (isPaying(this.state.mode)) {
      this.refuse('paymentInProgress');
      return Promise.resolve();
    }
    return this.serial(async () => {
      // A supervisor's card read while the approval waits: read as the manager screen reads one, so
      // a product, a customer's card or a receipt stays what it is (found by the model test: a
      // product scanned under the approval dialog was sent to the server as a manager card and lost).
      if (this.state.desk.approval && (this.state.mode === 'selling' || this.state.mode === 'returning') && input.kind === 'text') {
        // A card is digits alone: a phone ("+7…") read under the dialog is not a manager's card.
        const card = input.text.trim();
        const terminal = this.state.status?.terminal;
        const asManager = routeScan('manager', input, terminal?.cardPrefix ?? '27', terminal?.scaleBarcodes);
        if (asManager.do === 'managerCard' && /^\d{6,19}$/.test(card)) return void (await this.desk.approve({ card }));
      }
      // A marked product waits for its DataMatrix: the next scan is its code, whatever it reads.
      if (input.kind === 'text' && this.state.sale.marking && this.state.mode === 'selling') return this.markingCodeNow(input.text);
      if (input.kind === 'text' && this.state.mode === 'returning' && parseMarkingCode(input.text))
        return this.set({ returnMarking: { code: input.text, seq: (this.state.returnMarking?.seq ?? 0) + 1 } });
      const terminal = this.state.status?.terminal;
      const effect = routeScan(this.state.mode, input, terminal?.cardPrefix ?? '27', this.desk.scaleBarcodes() ?? terminal?.scaleBarcodes);
      // The weight dialog waits for its product: another product scanned meanwhile would land
      // behind it unseen (found walking the till), so it is refused until Enter or Esc.
      if (this.state.desk.weighing && (effect.do === 'addProduct' || effect.do === 'addWeighed')) return this.refuse('weightFirst');
      switch (effect.do) {
        case 'ignore':
          return;
        case 'refuse':
          return this.refuse(effect.reason);
        case 'addProduct':
          await this.addProductNow(effect.code);
          return;
        case 'addWeighed':
          await this.addLabelNow(effect);
          return;
        case 'identify':
          return this.identifyNow(effect.text, true);
        case 'identifyBankCard':
          return this.identifyBankNow(effect.tokenHash);
        case 'openReturn':
          return this.set({ mode: 'returning', returnOf: { no: effect.receiptNo, seq: (this.state.returnOf?.seq ?? 0) + 1 } });
        case 'registrationCard':
          return this.registrationCard(effect.cardNumber);
        case 'managerCard':
          return this.set({ managerScan: { text: effect.text, seq: (this.state.managerScan?.seq ?? 0) + 1 } });
        case 'certificate':
          return void (await this.certificates.scanned(effect.code));
      }
    });
  }

  /** A keyboard-wedge burst: a stripe's tracks are read here, and a bank card's number goes nowhere. */
  wedge(text: string): Promise<void> {
    if (!/^[%;]/.test(text)) return this.scan({ kind: 'text', text });
    const read = classifyCard(parseTracks(text));
    if (read.kind === 'loyalty') return this.scan({ kind: 'loyaltyCard', cardNumber: read.cardNumber });
    const secret = this.state.status?.terminal?.lookupSecret;
    if (read.kind === 'bank' && secret) {
      // A wedge reader is the driver here: the number becomes its keyed hash at once and goes no
      // further, so the customer is identified before the charge (bonuses, member prices).
      return bankCardLookupKey(secret, read.pan).then(
        (tokenHash) => this.scan({ kind: 'bankCard', tokenHash, last4: read.last4 }),
        // No key could be made here (the page refused WebAssembly once): the card was read all the
        // same, and the cashier is told so instead of nothing happening.
        () => this.serial(async () => this.notice('card.bankNotLoyalty')),
      );
    }
    return this.serial(async () => this.notice(read.kind === 'bank' ? 'card.bankNotLoyalty' : 'card.unreadable'));
  }

  private onDeviceEvent(e: DeviceEvent): void {
    if (e.kind === 'status') {
      this.set((s) => {
        const next = { deviceId: e.deviceId, deviceType: e.deviceType, status: e.status, lastEventAt: e.at };
        const known = s.devices.some((d) => d.deviceId === e.deviceId);
        return { devices: known ? s.devices.map((d) => (d.deviceId === e.deviceId ? { ...d, ...next } : d)) : [...s.devices, next] };
      });
      return;
    }
    if (e.kind === 'scan') this.background(this.scan({ kind: 'text', text: e.text }));
    if (e.kind === 'card')
      this.background(
        this.scan(e.cardKind === 'loyalty' ? { kind: 'loyaltyCard', cardNumber: e.cardNumber } : { kind: 'bankCard', tokenHash: e.tokenHash, last4: e.last4 }),
      );
  }

  private refuse(reason: ScanRefusal): void {
    // A `4*` typed for the refused scan goes with it: it must not land on whatever comes next
    // (found by the model test: a scan refused under the weight dialog left 4* for a quick key).
    this.desk.clearQuantityPrefix();
    this.notice(`scan.refused.${reason}`);
  }

  // ---- the sale ----
  /** A typed product code (the product field); routed like a scan in the selling modes. */
  addProduct(code: string): Promise<boolean> {
    return this.serial(async () => {
      if (isPaying(this.state.mode)) {
        this.refuse('paymentInProgress');
        return false;
      }
      return this.addProductNow(code.trim());
    });
  }

  /**
   * A code from the product field or a scan. `3*code` (or a `3*` typed before) sets the quantity;
   * `measured` is a weight or count the code itself carried (a scale label).
   */
  private async addProductNow(text: string, measured: number | null = null): Promise<boolean> {
    const db = this.db;
    if (!db) return false;
    const entry = parseProductEntry(text);
    if (entry.kind === 'bad') {
      this.notice(entry.reason === 'tooMuch' ? 'desk.quantityTooMuch' : 'desk.badQuantity');
      return false;
    }
    if (entry.kind === 'prefix') return this.desk.setQuantityPrefix(text);
    const code = entry.code;
    const product = (await db.products.where('ean').equals(code).first()) ?? (await db.products.get(code));
    if (!product) {
      // "Unknown product" only once this store's products are all here: while they are still
      // loading (a new enrolment) it is "no catalogue yet", as the model test found it wrongly said.
      const loaded = this.state.catalogue !== null && (await db.syncState.get('products'))?.complete === true;
      this.setSale({ error: loaded ? { kind: 'unknownProduct', code: code.slice(0, 40) } : { kind: 'noCatalogue' } }, false);
      // A typed `4*` was meant for this product: the cashier starts over after the error, and the
      // quantity never lands silently on whatever is scanned later (found by the model test, seed 36).
      this.desk.clearQuantityPrefix();
      return false;
    }
    if (this.state.mode === 'history') this.set({ mode: 'selling' });
    this.set({ receipt: null, notice: null });
    if (product.marked && this.state.status?.fiscal) {
      // Marked goods join the basket only with their DataMatrix, one piece per line: no quantity.
      this.desk.clearQuantityPrefix();
      this.setSale({ error: null, marking: { productId: product.id, name: product.name, busy: false, error: null } }, false);
      return true;
    }
    return this.desk.place(product, measured ?? entry.quantityMilli);
  }

  /**
   * An in-store scale label: the item code is the digits of the product's code in the catalogue
   * (leading zeros optional); a weight label gives the line's grams, a price label the grams that price buys.
   */
  private async addLabelNow(label: { itemCode: string; grams?: number | undefined; priceKopecks?: number | undefined }): Promise<boolean> {
    const db = this.db;
    if (!db) return false;
    const product = this.desk.productByItemCode(label.itemCode);
    if (!product) {
      this.setSale({ error: { kind: 'unknownProduct', code: label.itemCode } }, false);
      this.desk.clearQuantityPrefix();
      return false;
    }
    const unit = product.priceKopecks;
    const milli = label.grams ?? (label.priceKopecks !== undefined && unit > 0 ? Math.round((label.priceKopecks * 1000) / unit) : 0);
    if (!product.weighed || milli <= 0) {
      this.notice('desk.labelNotWeighed', { name: product.name });
      return false;
    }
    if (this.state.mode === 'history') this.set({ mode: 'selling' });
    this.set({ receipt: null, notice: null });
    return this.desk.putLine(product, Math.min(milli, LINE_MAX_MILLI));
  }

  /** A marking code typed or pasted into the prompt (a 2D scanner in keyboard mode). */
  enterMarkingCode(text: string): Promise<void> {
    return this.serial(() => this.markingCodeNow(text));
  }

  cancelMarking(): Promise<void> {
    return this.serial(async () => this.setSale({ marking: null }, false));
  }

  private async markingCodeNow(text: string): Promise<void> {
    const prompt = this.state.sale.marking;
    const db = this.db;
    if (!prompt || prompt.busy || !db) return;
    const refuse = (error: string) => this.setSale({ marking: { ...prompt, busy: false, error } }, false);
    const product = await db.products.get(prompt.productId);
    if (!product) return this.setSale({ marking: null }, false);
    const parsed = parseMarkingCode(text);
    if (!parsed) return refuse('marking.errors.notMarking');
    if (!markingMatchesProduct(parsed, product.ean)) return refuse('marking.errors.otherProduct');
    if (this.state.sale.items.some((i) => i.markingCodes?.includes(parsed.code))) return refuse('marking.errors.duplicate');
    const deps = this.fiscalDeps();
    if (!deps) return this.setSale({ marking: null }, false);
    this.setSale({ marking: { ...prompt, busy: true, error: null } }, false);
    const checked = await validateMarking(deps, parsed.code, 'sell');
    if (!checked.ok) return refuse(`fiscal.errors.${checked.error}`);
    const line = { lineId: randomId(), product, quantityMilli: 1_000, markingCodes: [parsed.code] };
    this.setSale({ marking: null, items: [...this.state.sale.items, line] });
  }

  changeQuantity(lineId: string, quantityMilli: number): Promise<void> {
    return this.serial(() => this.changeQuantityNow(lineId, quantityMilli));
  }

  private changeQuantityNow(lineId: string, quantityMilli: number): Promise<void> {
    return (async () => {
      if (isPaying(this.state.mode)) return this.refuse('paymentInProgress');
      // A line gone already (removed by a key pressed twice, or a stale screen): nothing to void or
      // approve (found by the model test: it asked the manager to void a line of an empty basket).
      if (!this.state.sale.items.some((i) => i.lineId === lineId)) return;
      // Voiding a line after the customer saw the total needs a supervisor (saleDesk.ts).
      if (quantityMilli <= 0 && this.desk.needsApproval({ action: 'voidLine', lineId })) return;
      // A marked line is one scanned piece: another piece is scanned as a line of its own.
      if (quantityMilli > 1_000 && this.state.sale.items.some((i) => i.lineId === lineId && i.markingCodes)) return this.notice('marking.onePerLine');
      this.setSale({ items: setQuantity(this.state.sale.items, lineId, Math.max(0, Math.min(quantityMilli, LINE_MAX_MILLI))) });
    })();
  }

  /** Bonuses to spend: capped to what the engine allows; the screen shows the capped value. */
  /** The contact for an electronic receipt (core/fiscal/receiptContact.ts), or null for none; kept until the sale ends. */
  setReceiptContact(contact: string | null): void {
    if (this.state.sale.receiptContact !== contact) this.setSale({ receiptContact: contact }, false);
  }

  setRedeem(kopecks: number): Promise<number> {
    return this.serial(async () => {
      if (isPaying(this.state.mode)) {
        this.refuse('paymentInProgress');
        return this.state.sale.redeem;
      }
      const max = this.state.sale.priced?.maxRedeemable ?? 0;
      const redeem = await this.phoneCode.gateRedeem(Math.max(0, Math.min(Math.floor(kopecks), max)));
      this.setSale({ redeem });
      return redeem;
    });
  }

  /** Typed in the customer field (phone or card number), or a scan routed here. */
  identify(text: string): Promise<void> {
    return this.serial(async () => {
      // The revocation may land between Enter and this turn (found by the model test): the setup
      // screen is up and the sale waits for the next enrolment as it was, not with a new customer.
      if (this.state.phase !== 'ready' || this.state.mode === 'setup' || this.state.mode === 'signIn') return;
      if (isPaying(this.state.mode)) return this.refuse('paymentInProgress');
      // A product code typed in the customer field goes to the product field: the basket, not a lookup.
      if (await this.isProductCode(text.trim())) {
        this.set({ focus: this.productFocus() });
        await this.addProductNow(text.trim());
        return;
      }
      return this.identifyNow(text);
    });
  }

  private async isProductCode(text: string): Promise<boolean> {
    if (!this.db || !text) return false;
    const terminal = this.state.status?.terminal;
    if (identifyCode(text, { cardPrefix: terminal?.cardPrefix ?? '27' }).kind === 'product') return true;
    return /^\d+\*/.test(text) || (await this.db.products.get(text)) !== undefined;
  }

  /** `shown`: a scan's text goes into the customer field, so the cashier sees what was read. */
  private async identifyNow(text: string, shown = false): Promise<void> {
    const db = this.db;
    const terminal = this.state.status?.terminal;
    if (!db || !terminal || !text.trim()) return;
    this.setSale({ lookupBusy: true }, false);
    if (shown) this.set({ lookupText: { text, seq: (this.state.lookupText?.seq ?? 0) + 1 } });
    const result = await findCustomer({ db, phoneKeys: this.phoneKeys, cardPrefix: terminal.cardPrefix, api: this.api }, text);
    await this.applyLookup(result);
  }

  private async identifyBankNow(tokenHash: string): Promise<void> {
    const db = this.db;
    const terminal = this.state.status?.terminal;
    if (!db || !terminal) return;
    this.setSale({ lookupBusy: true }, false);
    const result = await findCustomerByBankCard({ db, phoneKeys: this.phoneKeys, cardPrefix: terminal.cardPrefix, api: this.api }, tokenHash);
    if (result.kind === 'found') return this.applyLookup(result);
    // A bank card linked to nobody (or that the server could not be asked about): the cashier is
    // told what was read and what to do. The sale's customer stays: it is likely their own card,
    // offered for linking when they pay with it (it was silent: issue 15's slow wedge reader).
    this.setSale({ lookupBusy: false }, false);
    this.notice('card.bankNotLoyalty');
  }

  private async applyLookup(result: FindResult): Promise<void> {
    const db = this.db!;
    if (result.kind === 'found') {
      const { available } = await shownBalance(db, result.customer.id, { available: result.customer.balance, pending: result.customer.pending });
      const changed = this.state.sale.customer?.customer.id !== result.customer.id;
      if (changed && this.state.sale.redeem > 0) this.notice('identify.redeemReset', undefined, 'info');
      // "Customer removed" no longer holds once a customer is on the sale again.
      else if (this.state.notice?.key === 'identify.cleared') this.set({ notice: null });
      this.setSale({
        customer: { customer: result.customer, via: result.via },
        available,
        redeem: changed ? 0 : this.state.sale.redeem,
        lookup: null,
        lookupBusy: false,
      });
      // The cashier's own card or phone: a sale to themselves, which head office sees as well (issue 13).
      if (changed && (await isCashiersOwnCard(db, result.customer.keys, result.customer.id))) this.notice('cashier.ownCard');
      return;
    }
    // Nobody found: the cashier is identifying someone else now, so the previous customer leaves
    // the sale (the screen never shows "not found" while the sale still belongs to someone).
    if (result.kind === 'notFound' && this.state.sale.customer) {
      if (this.state.sale.redeem > 0) this.notice('identify.redeemReset', undefined, 'info');
      this.setSale({ customer: null, available: null, redeem: 0, lookup: result, lookupBusy: false });
    } else this.setSale({ lookup: result, lookupBusy: false }, false);
    if (result.kind === 'notFound' && this.offeredIn !== this.saleSeq) {
      // The register choice shows for a customer nobody could find: counted once per sale.
      this.offeredIn = this.saleSeq;
      await recordRegistrationOffered(db, result.via).then(
        () => this.loops?.pushSoon(),
        () => undefined,
      );
    }
  }

  clearCustomer(): Promise<void> {
    return this.serial(async () => {
      if (isPaying(this.state.mode)) return this.refuse('paymentInProgress');
      this.setSale({ customer: null, available: null, redeem: 0, lookup: null });
    });
  }

  // ---- payment ----
  openPay(): Promise<void> {
    return this.serial(() => this.openPayment());
  }

  private async openPayment(): Promise<void> {
    if (this.state.mode !== 'selling') return;
    // Goods in the basket but no total yet (the programme is still loading): say so, not nothing.
    if (!this.state.sale.priced) return void (this.state.sale.items.length > 0 && this.notice('pay.notPriced'));
    // The total shown is final: priced with the customer's context loaded, which stays as it is
    // until the payment ends (a pull meanwhile does not re-price it; found by the model test).
    // (A page closing meanwhile closes its database: the read fails, and the payment opens priced as it is.)
    const customer = this.state.sale.customer?.customer;
    if (customer) await this.contextOf(customer).catch(() => undefined);
    this.setSale({ cardDecline: null }, false);
    this.desk.totalShown();
    this.set({ mode: 'payingCash' });
  }

  cancelPay(): Promise<void> {
    return this.serial(async () => {
      if (this.state.mode === 'payingCash') await this.cancel();
    });
  }

  /** Cash: Enter twice pays once, since the second Enter finds the till no longer paying. */
  payCash(tendered: number): Promise<Receipt | null> {
    return this.serial(async () => {
      const priced = this.state.sale.priced;
      // Paid already, waiting for its fiscal document: Enter retries that, it never makes a new sale.
      if (this.state.sale.fiscal) return this.retryFiscalNow();
      const due = moneyDue(this.state.sale);
      if (this.state.mode !== 'payingCash' || !priced || !Number.isSafeInteger(tendered) || tendered < due) return null;
      if (tendered > Math.max(priced.totals.payable * 100, 10_000_000)) {
        this.notice('pay.tenderedTooMuch');
        return null;
      }
      const now = new Date(this.now());
      const terminal = this.state.status!.terminal!;
      return this.checkout(
        this.state.sale.certificates?.receiptId ?? receiptNumber(terminal.terminalId, now.getTime()),
        now,
        { method: 'cash', amountKopecks: due, ...eventCertificates(this.state.sale) },
        tendered - due,
        null,
        this.state.sale.customer,
        this.state.sale.available,
      );
    });
  }

  /**
   * Card on the terminal. The draft records the payment before the terminal is asked. The wait
   * for the customer's PIN runs outside the intent queue, so a scan meanwhile is refused at once
   * with a message (the mode says a payment runs) instead of waiting to land in the next sale.
   */
  payCard(): Promise<void> {
    return this.serial(() => this.payByCard());
  }

  private async payByCard(): Promise<void> {
    const priced = this.state.sale.priced;
    if (this.state.sale.fiscal) return void (await this.retryFiscalNow());
    if (this.state.mode !== 'payingCash' || !priced) return;
    const terminal = this.state.status!.terminal!;
    const now = this.now();
    const due = moneyDue(this.state.sale);
    const kept = this.state.sale.payment?.stage === 'approved' && this.state.sale.payment.amountKopecks === due ? this.state.sale.payment : null;
    if (kept) return this.completeCard(kept, kept.answer ?? {});
    // Certificates paid it all: nothing for the terminal to charge.
    if (due === 0) return this.notice('certificate.nothingForCard');
    const payment = {
      receiptId: this.state.sale.certificates?.receiptId ?? receiptNumber(terminal.terminalId, now),
      amountKopecks: due,
      stage: 'charging' as const,
      startedAt: now,
      available: this.state.sale.available,
      online: this.online(),
      context: this.state.sale.customer ? (this.contexts.get(this.state.sale.customer.customer.id) ?? null) : null,
    };
    this.set({ mode: 'payingCard' });
    this.setSale({ payment, cardDecline: null });
    await this.draftWrites;
    this.cardWait = this.opts.host
      .request({ op: 'pay', amountKopecks: payment.amountKopecks, receiptId: payment.receiptId })
      .then((res) => this.serial(() => this.onCardAnswer(payment, res)));
  }

  /** A card payment being waited for (the terminal, or the host after a reload); tests await it. */
  private cardWait: Promise<void> | null = null;

  private async onCardAnswer(payment: NonNullable<DraftRecord['payment']>, res: Awaited<ReturnType<TillHost['request']>>): Promise<void> {
    this.cardWait = null;
    if (this.state.sale.payment?.receiptId !== payment.receiptId) return;
    const parsed = res.ok ? PaymentAnswer.safeParse(res.value) : null;
    const answer = parsed?.success
      ? parsed.data
      : {
          approved: false,
          declineReason: res.ok ? 'bad answer from the till host' : res.error.code === 'host_unreachable' ? 'host-unreachable' : res.error.message,
        };
    if (!answer.approved) {
      if (!res.ok && res.error.code === 'host_unreachable') {
        // The host may have sent it to the terminal before it went away: find out, never guess.
        this.setSale({ unresolvedPayment: true });
        return;
      }
      this.setSale({ payment: null, cardDecline: answer.declineReason ?? '' });
      this.set({ mode: 'payingCash' });
      return;
    }
    const approved = { ...payment, stage: 'approved' as const, answer: { tokenHash: answer.tokenHash, last4: answer.last4, rrn: answer.rrn } };
    this.setSale({ payment: approved });
    await this.completeCard(approved, approved.answer);
  }

  private async completeCard(
    payment: NonNullable<DraftRecord['payment']>,
    answer: { tokenHash?: string | undefined; last4?: string | undefined },
  ): Promise<void> {
    const db = this.db;
    if (!db) return;
    if (!this.ctx) {
      // Approved, but the sale cannot be priced before this database has its catalogue (a till
      // enrolled again mid-payment): kept as approved and finished when the catalogue arrives
      // (found by the model test: the slip's answer was dropped and the till waited for ever).
      if (payment.stage !== 'approved') this.setSale({ payment: { ...payment, stage: 'approved', answer } });
      this.notice('sale.noCatalogue');
      return;
    }
    const sale = this.state.sale;
    // Priced as it was charged: with the balance and at the time of the payment. A balance learnt
    // meanwhile (another till's spending, acknowledged after a reload) must not re-price a sale
    // already paid (found with a second till selling to the same customer: the receipt said
    // 1481.70 paid by card, no bonuses spent, for 1037.19 charged with 444.51 in bonuses).
    const frozen = payment.available !== undefined ? payment.available : sale.available;
    let buyer = sale.customer;
    let buyerAvailable = frozen;
    let linkOffer: Receipt['linkOffer'] = null;
    const now = new Date(payment.startedAt);
    if (answer.tokenHash) {
      if (!buyer) {
        const terminal = this.state.status!.terminal!;
        const found = await findCustomerByBankCard({ db, phoneKeys: this.phoneKeys, cardPrefix: terminal.cardPrefix, api: this.api }, answer.tokenHash);
        if (found.kind === 'found') {
          const shown = await shownBalance(db, found.customer.id, { available: found.customer.balance, pending: found.customer.pending });
          const check = priceDraft(
            this.pricing(payment.online),
            sale.items,
            {
              id: found.customer.id,
              tier: found.customer.tier,
              available: shown.available,
              birthday: found.customer.birthday ?? null,
              context: await this.contextOf(found.customer),
            },
            0,
            payment.receiptId,
            now,
          ).priced;
          // Paid already: the card's owner earns on this sale only if member pricing would not change the amount.
          if (check.totals.payable === payment.amountKopecks) {
            buyer = { customer: found.customer, via: 'bank' };
            buyerAvailable = shown.available;
          }
        }
      } else if (!buyer.customer.keys.includes(`bank:${answer.tokenHash}`)) {
        // Offered only for a card no other customer holds: the server refuses that link, and it
        // would wait in the refused list for ever (found by the model test).
        const terminal = this.state.status!.terminal!;
        const holder = await findCustomerByBankCard({ db, phoneKeys: this.phoneKeys, cardPrefix: terminal.cardPrefix, api: this.api }, answer.tokenHash);
        if (holder.kind !== 'found' || holder.customer.id === buyer.customer.id) {
          linkOffer = { customerId: buyer.customer.id, name: buyer.customer.firstName, tokenHash: answer.tokenHash, last4: answer.last4 ?? '????' };
        }
      }
    }
    await this.checkout(
      payment.receiptId,
      now,
      {
        method: 'card',
        amountKopecks: payment.amountKopecks,
        ...eventCertificates(sale),
        ...(answer.tokenHash ? { bankKey: answer.tokenHash } : {}),
        // Kept with the sale so a return from any till refunds to this card.
        ...(payment.answer?.rrn && /^[A-Za-z0-9]{1,12}$/.test(payment.answer.rrn) ? { rrn: payment.answer.rrn } : {}),
      },
      0,
      linkOffer,
      buyer,
      buyerAvailable,
      payment.amountKopecks,
      frozen,
      payment.online,
      payment.context,
    );
  }

  /**
   * Commit the sale: journal, outbox, balance delta and the draft's removal in ONE strict
   * transaction. Only then does the screen say "done". The charged amount must equal the total.
   */
  private async checkout(
    receiptId: string,
    now: Date,
    payment: SaleEvent['payment'],
    change: number,
    linkOffer: Receipt['linkOffer'],
    buyer: SaleView['customer'],
    buyerAvailable: number | null,
    charged?: number,
    saleAvailable: number | null = this.state.sale.available,
    online: boolean = this.online(),
    /** The sale's customer's context the card payment was priced with (undefined: as loaded now). */
    saleContext?: CustomerContext | null,
  ): Promise<Receipt | null> {
    const db = this.db;
    if (!db || !this.ctx) return null;
    const sale = this.state.sale;
    const contextOf = async (c: LocalCustomer) =>
      saleContext !== undefined && c.id === sale.customer?.customer.id ? (saleContext ?? undefined) : this.contextOf(c);
    const who =
      buyer && buyerAvailable !== null
        ? {
            id: buyer.customer.id,
            tier: buyer.customer.tier,
            available: buyerAvailable,
            birthday: buyer.customer.birthday ?? null,
            context: await contextOf(buyer.customer),
            coupons: buyer.customer.id === sale.customer?.customer.id ? sale.coupons : undefined,
          }
        : null;
    const redeem = who && buyer?.customer.id === sale.customer?.customer.id ? sale.redeem : 0;
    let { input, priced } = priceDraft(this.pricing(online), sale.items, who, redeem, receiptId, now);
    const byCertificates = certificatesPaid(sale);
    if (charged !== undefined && priced.totals.payable - byCertificates !== charged) {
      // The card was charged for the sale as it was: price it exactly so, without the late customer.
      ({ input, priced } = priceDraft(
        this.pricing(online),
        sale.items,
        sale.customer && saleAvailable !== null
          ? {
              id: sale.customer.customer.id,
              tier: sale.customer.customer.tier,
              available: saleAvailable,
              birthday: sale.customer.customer.birthday ?? null,
              context: await contextOf(sale.customer.customer),
            }
          : null,
        sale.redeem,
        receiptId,
        now,
      ));
      buyer = sale.customer;
    }
    // A card's amount is the money the terminal took, never a figure priced after it.
    let event = withFeedbackToken(
      withSaleIdentity(saleEvent(input, priced, { ...payment, amountKopecks: charged ?? priced.totals.payable - byCertificates }, now), buyer),
      this.desk.feedbackBaseUrl(),
    );
    // The next-order coupons the sale earns go on its event: the receipt prints them (coupons.ts).
    event = withNextOrderCoupons(this.pricing(online), event, priced);
    const fiscalised = await this.fiscalStep(receiptId, event, priced, change, buyer);
    if (!fiscalised) return null;
    ({ event, priced } = fiscalised);
    try {
      await this.draftWrites;
      await db.transaction('rw', [db.journal, db.outbox, db.balanceDeltas, db.ackedBalances, db.shift, db.tally, db.draft, ...contextTables(db)], async () => {
        await commitSale(db, { event, priced, now: now.getTime() });
        await recordNextOrderCoupons(db, event);
        // The sale's purchase, spend and offer uses count for this customer's next sale at once.
        await recordSaleEffect(db, event, priced, this.ctx?.limited ?? []);
        const codes = this.state.sale.fiscal?.markingCodes;
        if (codes && Object.keys(codes).length > 0) await db.journal.update(receiptId, { markingCodes: codes });
        await db.draft.delete('current');
      });
    } catch (err) {
      this.setSale(
        {
          error: {
            kind: 'storage',
            message: err instanceof Error ? err.message : String(err),
            full: isQuotaError(err),
            ...(payment.method === 'card' ? { cardApproved: true } : {}),
          },
        },
        false,
      );
      this.set({ mode: 'selling' });
      return null;
    }
    const after = buyer ? await shownBalance(db, buyer.customer.id, { available: buyer.customer.balance, pending: buyer.customer.pending }) : null;
    const receipt: Receipt = {
      receiptId,
      method: payment.method,
      linkOffer,
      paid: priced.totals.payable,
      change,
      redeemed: priced.totals.redeemed,
      accrued: priced.totals.accrued,
      customerName: buyer?.customer.firstName ?? null,
      newBalance: after?.available ?? null,
      fiscal: event.fiscal ?? null,
      ...(event.nextOrderCoupons?.length
        ? { nextOrderCoupons: event.nextOrderCoupons.map((c) => ({ code: c.code, days: couponDays(event.sale.at, c) })) }
        : {}),
      ...(sale.certificates?.parts.length ? { certificates: sale.certificates.parts } : {}),
    };
    this.saleSeq++;
    if (buyer) this.contexts.delete(buyer.customer.id); // read again with this sale's effect
    this.set({ receipt, mode: 'selling', notice: null });
    this.desk.reset();
    this.state = { ...this.state, sale: { ...EMPTY_SALE } };
    this.setSale({}, false);
    this.loops?.pushSoon();
    return receipt;
  }

  /** A card payment approved while the catalogue was missing: commit it now that the sale can be priced. */
  private finishApprovedCard(): void {
    this.background(
      this.serial(async () => {
        const p = this.state.sale.payment;
        if (p?.stage === 'approved' && this.state.mode === 'payingCard' && !this.state.sale.unresolvedPayment && this.ctx)
          await this.completeCard(p, p.answer ?? {});
      }),
    );
  }

  // ---- fiscal register (fiscalStep.ts) ----
  private fiscalDeps(): FiscalStepDeps | null {
    const settings = this.state.status?.fiscal;
    if (!settings) return null;
    const products = new Map(this.state.sale.items.map((i) => [i.product.id, i.product]));
    return {
      request: (req) => this.opts.host.request(req),
      feedbackBaseUrl: this.desk.feedbackBaseUrl(),
      settings,
      products: (id) => {
        const p = products.get(id);
        return p ? fiscalProduct(p) : undefined;
      },
      cashierName: this.state.cashier.current?.name ?? this.state.status?.terminal?.terminalName ?? 'Кассир',
      bonusUnitKopecks: this.state.catalogue?.programme.bonusUnitKopecks ?? 100,
      // The chain's choice (pulled with the programme) over the device config's: fiscalStep.ts receiptSettings.
      ...(this.state.catalogue?.programme.fiscalBonuses ? { programmeBonuses: this.state.catalogue.programme.fiscalBonuses } : {}),
      ...(this.ctx ? { bonusWait: { pendingDays: this.ctx.programme.pendingDays, timeZone: this.ctx.timeZone } } : {}),
      save: async (fiscal) => {
        this.setSale({ fiscal });
        await this.draftWrites;
      },
    };
  }

  /**
   * Between payment and commit: no register, nothing changes; else the sale is frozen in the
   * draft and fiscalised once. null: blocked (paper, offline...), the draft kept, the cashier retries.
   */
  private async fiscalStep(
    receiptId: string,
    event: SaleEvent,
    priced: PricedReceipt,
    change: number,
    buyer: SaleView['customer'],
  ): Promise<{ event: SaleEvent; priced: PricedReceipt } | null> {
    const deps = this.fiscalDeps();
    if (!deps) return { event, priced };
    const kept = this.state.sale.fiscal?.receiptId === receiptId ? this.state.sale.fiscal : null;
    const markingCodes = Object.fromEntries(this.state.sale.items.flatMap((i) => (i.markingCodes ? [[i.lineId, i.markingCodes]] : [])));
    const contact = this.state.sale.receiptContact;
    const draft = kept ?? { receiptId, event, priced, change, pending: null, markingCodes, ...(contact ? { receiptContact: contact } : {}) };
    if (!kept) await deps.save(draft);
    this.setSale({ fiscalError: null }, false);
    const balanceAfter = buyer && this.state.sale.available !== null ? this.state.sale.available - draft.priced.totals.redeemed : null;
    const r = await fiscaliseSale(deps, draft, balanceAfter);
    if (r.ok) return r;
    this.setSale({ fiscal: r.draft, fiscalError: r.error });
    this.set({ mode: 'payingCash' });
    return null;
  }

  /** The cashier fixed the register (paper, power) and retries; after a restart it runs by itself. */
  retryFiscal(): Promise<void> {
    return this.serial(async () => void (await this.retryFiscalNow()));
  }

  private async retryFiscalNow(): Promise<Receipt | null> {
    const f = this.state.sale.fiscal;
    if (!f) return null;
    return this.checkout(f.receiptId, new Date(f.event.occurredAt), f.event.payment, f.change, null, this.state.sale.customer, this.state.sale.available);
  }

  /** X report, Z report (close shift), open shift or open the cash drawer on the register; the result is shown on the manager screen. */
  fiscalShift(action: FiscalShiftView['action']): Promise<void> {
    return this.serial(async () => {
      const deps = this.fiscalDeps();
      if (!deps) return;
      const seq = (this.state.fiscalShift?.seq ?? 0) + 1;
      const view = { action, busy: true, ok: null, error: null, shiftNumber: null, documentNumber: null, receiptsCount: null, seq };
      this.set({ fiscalShift: view });
      const r = await shiftAction(deps, action);
      this.set({ fiscalShift: r.ok ? { ...view, busy: false, ok: true, ...r.value } : { ...view, busy: false, ok: false, error: r.error } });
    });
  }

  /** The arrows on the receipts screen (F4): the receipt above or below the selected one. */
  private async selectReceipt(step: 1 | -1): Promise<void> {
    if (!this.db) return;
    const selected = moveSelection(await shiftReceipts(this.db, this.now()), this.state.history.selected, step);
    this.set({ history: { ...this.state.history, selected } });
  }

  /**
   * A non-fiscal copy of a receipt of the shift on the register (F4 screen: Ctrl+P or its button):
   * the one named, else the selected one, else the newest. The answer is shown on that screen.
   */
  printReceiptCopy(receiptId?: string): Promise<void> {
    return this.serial(async () => {
      const db = this.db;
      if (!db) return;
      const id = receiptId ?? this.state.history.selected ?? (await shiftReceipts(db, this.now()))[0]?.receiptId;
      const seq = (this.state.history.copy?.seq ?? 0) + 1;
      if (!id) return this.set({ history: { ...this.state.history, copy: { receiptId: '', busy: false, ok: false, error: 'notFound', seq } } });
      const view = { receiptId: id, busy: true, ok: null, error: null, seq };
      this.set({ history: { selected: id, copy: view } });
      const { terminal, fiscal } = this.state.status ?? {};
      const r = !fiscal
        ? { ok: false as const, error: 'notConfigured' }
        : await printReceiptCopy(
            { request: (req) => this.opts.host.request(req), db, storeName: terminal?.storeName, tillName: terminal?.terminalName, width: fiscal.lineWidth },
            id,
          );
      this.set({ history: { ...this.state.history, copy: { ...view, busy: false, ok: r.ok, error: r.ok ? null : r.error } } });
    });
  }

  /** Cash in or out of the drawer on the register (manager screen); answers the drawer's cash or an error code. */
  cashMovement(kind: 'cashIn' | 'cashOut', amountKopecks: number, reason: string): Promise<{ ok: true; cashInDrawer: number } | { ok: false; error: string }> {
    return this.serial(async () => {
      const deps = this.fiscalDeps();
      if (!deps) return { ok: false as const, error: 'notConfigured' };
      if (!Number.isSafeInteger(amountKopecks) || amountKopecks <= 0) return { ok: false as const, error: 'badAmount' };
      const r = await cashMovement(deps, kind, randomId(), amountKopecks, reason);
      return r.ok ? { ok: true as const, cashInDrawer: r.value.cashInDrawerKopecks } : r;
    });
  }

  /**
   * The register's shift, this till's fiscalised sales and returns in it by payment method, and the
   * register's own counters beside them with every figure on which the two disagree (manager screen).
   */
  fiscalTotals(): Promise<
    | { ok: true; shift: { state: string; number: number }; totals: ShiftTotals; register: RegisterShiftTotals | null; mismatches: ShiftMismatch[] }
    | { ok: false; error: string }
  > {
    return this.serial(async () => {
      const deps = this.fiscalDeps();
      if (!deps || !this.db) return { ok: false as const, error: 'notConfigured' };
      const s = await shiftStatus(deps);
      if (!s.ok) return s;
      const totals = await shiftTotals(this.db, s.value.number);
      const counted = await registerTotals(deps);
      const register = counted.ok ? counted.value : null;
      const mismatches = register ? shiftMismatches(totals, register, s.value.number) : [];
      return { ok: true as const, shift: { state: s.value.state, number: s.value.number }, totals, register, mismatches };
    });
  }

  dismissReceipt(): void {
    this.set({ receipt: null });
  }

  linkCard(): Promise<void> {
    return this.serial(async () => {
      const offer = this.state.receipt?.linkOffer;
      if (!this.db || !offer) return;
      const event: CardLinkEvent = {
        eventId: randomId(),
        occurredAt: new Date(this.now()).toISOString(),
        type: 'cardLink',
        customerId: offer.customerId,
        kind: 'bank',
        key: offer.tokenHash,
      };
      await enqueue(this.db, event);
      this.set((s) => ({ receipt: s.receipt ? { ...s.receipt, linkOffer: null } : null }));
      this.loops?.pushSoon();
    });
  }

  // ---- registration ----
  startRegistration(from: { phone?: string; card?: string }): Promise<void> {
    return this.serial(async () => {
      if (this.state.mode !== 'selling') return;
      this.set({ mode: 'registering', registration: { ...from, seq: (this.state.registration?.seq ?? 0) + 1 } });
    });
  }

  cancelRegistration(): Promise<void> {
    return this.serial(async () => {
      if (this.state.mode === 'registering') this.set({ mode: 'selling', registration: null });
    });
  }

  /** A loyalty card scanned into the open form: a new card fills the field; a known one is refused. */
  private async registrationCard(cardNumber: string): Promise<void> {
    const db = this.db;
    const terminal = this.state.status?.terminal;
    if (!db || !terminal) return;
    const found = await findCustomer({ db, phoneKeys: this.phoneKeys, cardPrefix: terminal.cardPrefix, api: this.api }, cardNumber);
    if (found.kind === 'found') return this.notice('register.cardTaken');
    this.set((s) => ({ registration: s.registration ? { ...s.registration, card: cardNumber, seq: s.registration.seq + 1 } : null }));
  }

  /** Register with the same checks the server applies; on success the customer joins the sale. */
  register(form: RegistrationForm): Promise<{ ok: true } | { ok: false; problems: RegistrationProblems }> {
    return this.serial(async () => {
      const db = this.db;
      const terminal = this.state.status?.terminal;
      const catalogue = this.state.catalogue;
      if (this.state.mode !== 'registering') return { ok: false, problems: {} };
      if (!db || !terminal || !catalogue) return { ok: false, problems: { firstName: 'sale.noCatalogue' } };
      const now = new Date(this.now());
      const problems = checkRegistration(form, now);
      if (form.cardNumber && !problems.cardNumber) {
        const taken = await findCustomer({ db, phoneKeys: this.phoneKeys, cardPrefix: terminal.cardPrefix, api: this.api }, form.cardNumber);
        if (taken.kind === 'found') problems.cardNumber = 'register.cardTaken';
        else if (taken.kind !== 'notFound') problems.cardNumber = 'register.badCard';
      }
      if (Object.keys(problems).length > 0) return { ok: false, problems };
      form = { ...form, phone: validPhone(form.phone)! };
      // A phone another customer has: their SMS code first; offline, a customer of its own (phoneCode.ts).
      if (!form.phoneConfirmation) {
        const owner = await findCustomer({ db, phoneKeys: this.phoneKeys, cardPrefix: terminal.cardPrefix, api: this.api }, form.phone);
        const step = owner.kind === 'found' ? await this.phoneCode.startRegistration(form.phone) : 'free';
        if (step === 'sent') {
          this.waitingForCode = form;
          this.phoneCode.registrationPhone = form.phone;
          return { ok: false, problems: {} };
        }
        if (step === 'offline') {
          form = { ...form, phoneUnconfirmed: true };
          this.notice('phoneCode.registerOffline', undefined, 'info');
        } else if (step !== 'free') return { ok: false, problems: { phone: phoneCodeError(step) } };
      }
      this.waitingForCode = null;
      const ctx = {
        storeId: terminal.storeId,
        regionId: terminal.regionId ?? 'none',
        timeZone: terminal.storeTimeZone,
        phoneKeyOf: async (e164: string) => (await this.phoneKeys(e164, false))[0] ?? null,
        ...catalogue,
      };
      try {
        const { customer: c } = await registerCustomer(db, ctx, form, now);
        const customer: LocalCustomer = {
          id: c.id,
          firstName: c.firstName,
          maskedPhone: c.maskedPhone,
          tier: c.tier,
          balance: c.balance,
          pending: c.pending,
          keys: c.cards.map((n) => `card:${n}`),
          birthday: c.birthday ?? null,
        };
        const { available } = await shownBalance(db, customer.id, { available: 0, pending: 0 });
        this.set({ mode: 'selling', registration: null });
        this.setSale({ customer: { customer, via: form.cardNumber ? 'card' : 'phone' }, available, redeem: 0, lookup: null });
        this.loops?.pushSoon();
        return { ok: true };
      } catch (err) {
        return { ok: false, problems: { firstName: isQuotaError(err) ? 'sale.storageFull' : 'register.notSaved' } };
      }
    });
  }

  welcomeBonus(): number | null {
    const terminal = this.state.status?.terminal;
    const catalogue = this.state.catalogue;
    if (!terminal || !catalogue) return null;
    return welcomeFor(
      { storeId: terminal.storeId, regionId: terminal.regionId ?? 'none', timeZone: terminal.storeTimeZone, phoneKeyOf: async () => null, ...catalogue },
      new Date(this.now()),
    ).amount;
  }

  // ---- returns ----
  private returning = false;
  /**
   * One return at a time: a double click cannot commit twice or report a failure for a success.
   * The return is stored as pending on the receipt first (returns.ts beginReturn); its own id
   * names the card refund and the fiscal return receipt, so after a failure or a crash it is
   * finished with the same id (resumeReturns), refunded and fiscalised once.
   */
  commitReturn(
    receipt: ReceiptRecord,
    lines: { lineId: string; quantityMilli: number }[],
    markingCodes: Record<string, string[]> = {},
  ): Promise<ReturnOutcome | null> {
    if (this.returning || !this.db) return Promise.resolve(null);
    this.returning = true;
    return this.serial(async () => {
      try {
        return await this.returnNow(receipt.receiptId, lines, markingCodes);
      } catch (err) {
        return { ok: false as const, message: err instanceof Error ? err.message : String(err) };
      } finally {
        this.returning = false;
      }
    });
  }

  private async returnNow(
    receiptId: string,
    lines: { lineId: string; quantityMilli: number }[],
    markingCodes: Record<string, string[]>,
  ): Promise<ReturnOutcome> {
    const db = this.db!;
    const begun = await beginReturn(db, receiptId, lines, markingCodes, this.now());
    const receipt = begun.receipt;
    let pending = begun.pending;
    const result = previewReturn(receipt, pending.lines);
    const save = async (next: PendingReturn) => {
      pending = next;
      await savePendingReturn(db, receiptId, next);
    };
    const payment = receipt.event.payment;
    const deps = this.fiscalDeps();
    if (deps && !begun.resumed) {
      // Each marked piece's code is checked with the register for the return before any money moves.
      for (const code of Object.values(pending.markingCodes).flat()) {
        const checked = await validateMarking(deps, code, 'return');
        if (!checked.ok) {
          await commitNothing(db, receiptId);
          return { ok: false, message: `fiscal:${checked.error}` };
        }
      }
    }
    // A gift certificate sold on this receipt and brought back: taken off at the server before any money moves.
    let takenBack = 0;
    for (const l of result.lines) {
      const sold = receipt.event.sale.lines.find((s) => s.lineId === l.lineId);
      const code = sold ? soldCertificateCode(sold.productId) : null;
      if (!sold || code === null || l.quantityMilli <= 0) continue;
      const nominal = Math.round((sold.unitPriceKopecks * l.quantityMilli) / 1000);
      const taken = await takeBackCertificate(this.api, code, nominal, pending.returnId, receiptId);
      if (!taken.ok) {
        // Nothing moved yet: the return is dropped (a later try of the same goods starts afresh).
        if (!begun.resumed && takenBack === 0) await commitNothing(db, receiptId);
        return { ok: false, message: `certificateBack:${taken.reason}`, resumed: begun.resumed };
      }
      takenBack++;
    }
    // Gift certificates paid part of the sale: the money goes back first, the rest onto the certificates.
    const split = refundSplit(receipt, result.totals.refund);
    if (payment.method === 'card' && split.money > 0 && !pending.refund) {
      // To the card it was paid with, against the payment's bank reference.
      if (!payment.rrn) return { ok: false, message: 'refund:noReference', resumed: begun.resumed };
      const res = await this.opts.host.request({ op: 'refund', amountKopecks: split.money, receiptId: pending.returnId, originalRrn: payment.rrn });
      const answer = res.ok ? PaymentAnswer.safeParse(res.value) : null;
      if (!answer?.success || !answer.data.approved) {
        const reason = !res.ok
          ? res.error.code === 'host_unreachable'
            ? 'host-unreachable'
            : res.error.message
          : answer?.success
            ? (answer.data.declineReason ?? '')
            : 'bad answer from the till host';
        return { ok: false, message: `refund:${reason}`, resumed: begun.resumed };
      }
      await save({ ...pending, refund: answer.data.rrn ? { rrn: answer.data.rrn } : {} });
    }
    for (const back of split.certificates) {
      // Credited at the server under the return's id: a retry after a crash is applied once.
      const part = { ...back, moveId: pending.returnId, balanceAfterKopecks: 0 };
      const credited = await releaseCertificate(this.api, part, receiptId);
      if (!credited.ok) return { ok: false, message: `certificate:${credited.reason}`, resumed: begun.resumed };
    }
    let fiscal: SaleFiscal | undefined;
    if (deps && receipt.priced) {
      // Fiscalised before it is committed: a return the register refused is not recorded.
      const ids = receipt.priced.lines.map((l) => l.productId);
      const products = new Map((await db.products.bulkGet(ids)).flatMap((p) => (p ? [[p.id, p] as const] : [])));
      const build = () =>
        returnReceipt(
          { ...deps, products: (id) => fiscalProduct(products.get(id) ?? { name: id }) },
          pending.returnId,
          receipt.priced!,
          result,
          payment.method,
          pending.markingCodes,
          result.totals.refund - split.money,
        );
      const done = await fiscaliseReturn(deps, pending.fiscal, build, (f) => save({ ...pending, fiscal: f }));
      if (!done.ok) return { ok: false, message: `fiscal:${done.error}`, resumed: begun.resumed };
      fiscal = done.value;
    }
    const { result: committed } = await commitReturn(db, { ...receipt, pendingReturn: pending }, pending.lines, new Date(this.now()), {
      returnId: pending.returnId,
      ...(fiscal ? { fiscal } : {}),
    });
    this.loops?.pushSoon();
    const toCertificates = committed.totals.refund - split.money;
    return { ok: true, refund: split.money, card: payment.method === 'card', resumed: begun.resumed, ...(toCertificates > 0 ? { toCertificates } : {}) };
  }

  /** A receipt to return: this till's, or any till's of the store through the server. */
  findReturnReceipt(receiptNo: string): Promise<FoundReceipt> {
    const db = this.db;
    if (!db) return Promise.resolve({ ok: false, reason: 'notFound' });
    return findStoreReceipt(db, this.api, receiptNo);
  }

  /**
   * Goods returned without a receipt (the return screen): a manager's card or PIN first (saleDesk.ts),
   * then cash back. An approved one left unrecorded (the register out of paper) is finished first:
   * the cashier's retry of the same goods is that return, never a second refund.
   */
  async returnWithoutReceipt(lines: NoReceiptLine[]): Promise<NoReceiptOutcome | null> {
    if (this.state.mode !== 'returning' || !this.db) return null;
    const earlier = await this.serial(() => this.finishNoReceiptReturns());
    if (earlier && (!earlier.outcome.ok || sameNoReceiptLines(earlier.lines, lines))) return earlier.outcome;
    return this.desk.requestNoReceiptReturn(lines);
  }

  /**
   * The approved return without a receipt. On a till with a register it is stored as pending
   * first, then its return receipt is printed once (at today's catalogue prices, no offers) and
   * the approval, its lines and the refund are journaled and queued for head office in the
   * transaction that removes the pending record.
   */
  private async returnNoReceiptNow(lines: NoReceiptLine[], manager: { managerId: string; managerName: string }): Promise<NoReceiptOutcome> {
    const db = this.db;
    if (!db) return { ok: false, message: 'return.noReceipt.notSaved' };
    const by = { ...manager, cashierId: this.state.cashier.current?.cashierId ?? null };
    if (!this.fiscalDeps()) {
      const made = await commitNoReceiptReturn(db, lines, by, this.now());
      return { ok: true, refund: made.refund, managerName: manager.managerName };
    }
    if (!this.ctx) return { ok: false, message: 'sale.noCatalogue' };
    return this.finishNoReceiptReturn(await beginNoReceiptReturn(db, lines, by, this.now()));
  }

  /** Print a pending return without a receipt once (its stored marker finds a receipt printed before a crash) and record it once. */
  private async finishNoReceiptReturn(p: PendingNoReceiptReturn): Promise<NoReceiptOutcome> {
    const db = this.db!;
    const deps = this.fiscalDeps();
    if (!deps) return { ok: false, message: 'fiscal:notConfigured' };
    const build = () => {
      if (!this.ctx) throw new Error('no catalogue to price the return receipt');
      const items = p.lines.map((l, i) => ({ lineId: `n${i + 1}`, product: l.product, quantityMilli: l.quantityMilli }));
      const priced = priceDraft({ ...this.pricing(), offers: indexOffers([]), limited: [] }, items, null, 0, p.returnId, new Date(p.startedAt)).priced;
      const returned = priceReturn(
        priced,
        items.map((i) => ({ lineId: i.lineId, quantityMilli: i.quantityMilli })),
        [],
      );
      const byId = new Map(p.lines.map((l) => [l.product.id, l.product]));
      return returnReceipt({ ...deps, products: (id) => fiscalProduct(byId.get(id) ?? { name: id }) }, p.returnId, priced, returned, 'cash');
    };
    const done = await fiscaliseReturn(deps, p.fiscal, build, (f) => saveNoReceiptMarker(db, p.returnId, f));
    if (!done.ok) return { ok: false, message: `fiscal:${done.error}` };
    const by = { managerId: p.managerId, managerName: p.managerName, cashierId: p.cashierId };
    const made = await commitNoReceiptReturn(db, p.lines, by, this.now(), p.returnId, done.value, true);
    this.loops?.pushSoon();
    return { ok: true, refund: made.refund, managerName: p.managerName };
  }

  /** Approved returns without a receipt left unrecorded (a crash, the register out of paper): each finished once; the last outcome. */
  private async finishNoReceiptReturns(): Promise<{ lines: NoReceiptLine[]; outcome: NoReceiptOutcome } | null> {
    const db = this.db;
    if (!db) return null;
    let last: { lines: NoReceiptLine[]; outcome: NoReceiptOutcome } | null = null;
    for (const p of await pendingNoReceiptReturns(db)) {
      const outcome = await this.finishNoReceiptReturn(p).catch((err: unknown) => ({
        ok: false as const,
        message: err instanceof Error ? err.message : String(err),
      }));
      if (outcome.ok) this.notice('return.noReceipt.resumed', { name: p.managerName }, 'info');
      else this.notice('return.noReceipt.pendingLeft', { name: p.managerName });
      last = { lines: p.lines, outcome };
      if (!outcome.ok) break;
    }
    return last;
  }

  /** After a restart: returns left between their refund and their commit are finished, once. */
  private async resumeReturns(): Promise<void> {
    const db = this.db;
    if (!db) return;
    for (const r of await receiptsWithPendingReturn(db)) {
      const p = r.pendingReturn!;
      const done = await this.returnNow(r.receiptId, p.lines, p.markingCodes).catch(() => null);
      if (done?.ok) this.notice('return.resumed', { number: r.receiptId }, 'info');
      else this.notice('return.pendingLeft', { number: r.receiptId });
    }
    await this.finishNoReceiptReturns();
  }

  // ---- the sale desk (saleDesk.ts): search, quick keys, quantities, weight, held sales, approvals ----
  private async deskKey(intent: KeyIntent): Promise<void> {
    const d = this.desk;
    if (intent.startsWith('quickKey')) return void (await this.placeProduct(d.quickKeyProduct(Number(intent.slice(8)))));
    switch (intent) {
      case 'openSearch':
        return this.state.desk.search ? d.closeSearch() : d.openSearch();
      case 'holdSale':
        // Ready for the next customer: the cursor waits in the product field (as after a resume).
        await d.hold();
        return this.set({ focus: this.productFocus() });
      case 'toggleHeld':
        return d.toggleHeldList();
      case 'priceEdit':
      case 'discountEdit': {
        const lineId = d.selectedLineId();
        if (!lineId) return;
        return this.set({ desk: { ...this.state.desk, priceEdit: { lineId, kind: intent === 'priceEdit' ? 'price' : 'discount' } } });
      }
      case 'weigh':
        return d.weighOnScale();
      case 'readBankCard':
        return this.readBankCardNow();
      case 'lineUp':
        return d.moveSelection(-1);
      case 'lineDown':
        return d.moveSelection(1);
      case 'lineMore':
        return d.stepSelected(1);
      case 'lineLess':
        return d.stepSelected(-1);
      case 'lineVoid': {
        const lineId = d.selectedLineId();
        if (lineId) await this.changeQuantityNow(lineId, 0);
        return;
      }
      case 'confirmYes':
        return this.confirmNow(true);
    }
  }

  /**
   * Ctrl+B: the customer's bank card read on the payment terminal before the charge identifies
   * them (as a swipe on a card reader does), so bonuses and member prices apply to this sale.
   */
  private async readBankCardNow(): Promise<void> {
    if (this.state.mode !== 'selling' || isPaying(this.state.mode)) return;
    this.notice('desk.cardRead.waiting', undefined, 'info');
    const res = await this.opts.host.request({ op: 'readCard', requestId: randomId() });
    const answer = res.ok ? CardReadAnswer.safeParse(res.value) : null;
    if (!answer?.success) return this.notice('desk.cardRead.failed', { reason: res.ok ? 'bad answer' : res.error.message });
    if (!answer.data.ok) return this.notice('desk.cardRead.failed', { reason: answer.data.reason });
    const { tokenHash, last4 } = answer.data;
    // After this intent: the scan takes its own turn in the queue.
    this.background(this.scan({ kind: 'bankCard', tokenHash, last4: last4 ?? '' }));
  }

  /** Esc under a desk dialog closes that dialog only. */
  private closeDeskLayer(): boolean {
    const desk = this.state.desk;
    const layer = deskLayer(desk);
    if (!layer) return false;
    if (layer === 'confirm') void this.confirmNow(false);
    else if (layer === 'approval') this.desk.cancelApproval();
    else if (layer === 'held') this.set({ desk: { ...desk, heldOpen: false } });
    else this.set({ desk: { ...desk, [layer]: null } });
    return true;
  }

  private async placeProduct(product: ProductItem | null): Promise<boolean> {
    if (!product || isPaying(this.state.mode)) return false;
    if (this.state.mode === 'history') this.set({ mode: 'selling' });
    this.set({ receipt: null, notice: null });
    return this.desk.place(product, null);
  }

  /** Type-ahead in the search box (every keystroke). */
  searchProducts(query: string): void {
    this.desk.searchFor(query);
  }

  searchMove(delta: number): void {
    this.desk.searchMove(delta);
  }

  /** Enter (or a click) on a search result: it goes on the sale in the quantity typed before. */
  pickSearchResult(index?: number): Promise<boolean> {
    return this.serial(() => this.placeProduct(this.desk.pickedProduct(index)));
  }

  quickKey(n: number): Promise<boolean> {
    return this.serial(() => this.placeProduct(this.desk.quickKeyProduct(n)));
  }

  /** The product field reads `3*`: the next code or scan comes in that quantity. */
  quantityPrefix(text: string): boolean {
    // Only the sale's product field takes a quantity.
    if (this.state.mode !== 'selling') return false;
    return this.desk.setQuantityPrefix(text);
  }

  selectLine(lineId: string): void {
    this.desk.select(lineId);
  }

  /**
   * A weight for the product waiting for it. Refused while a payment runs, the entry kept for
   * after it (found by the model test: a weight typed into the dialog left open under the cash
   * payment put a line on the sale being paid).
   */
  enterWeight(text: string): Promise<void> {
    return this.serial(async () => (isPaying(this.state.mode) ? this.refuse('paymentInProgress') : this.desk.enterWeight(text)));
  }

  weigh(): Promise<void> {
    return this.serial(async () => (isPaying(this.state.mode) ? this.refuse('paymentInProgress') : this.desk.weighOnScale()));
  }

  holdSale(): Promise<void> {
    return this.serial(() => this.desk.hold());
  }

  resumeHeld(id: string): Promise<void> {
    return this.serial(async () => {
      await this.desk.resume(id, async (customerId, fallback) => (await shownBalance(this.db!, customerId, fallback)).available);
      // Resumed: the cursor to the product field, and "Чек отложен. Отложенных чеков: N" is out of date.
      if (!this.state.desk.heldOpen) this.set({ focus: this.productFocus(), ...(this.state.notice?.key === 'desk.held' ? { notice: null } : {}) });
    });
  }

  /** The supervisor's PIN or card for the approval on screen. */
  approve(credential: { pin: string } | { card: string }): Promise<boolean> {
    return this.serial(() => this.desk.approve(credential));
  }

  /** A price (kopecks) or a percent off typed for the line in `priceEdit`: then the supervisor is asked. */
  submitPriceEdit(text: string): Promise<void> {
    return this.serial(async () => {
      const edit = this.state.desk.priceEdit;
      if (!edit) return;
      this.set({ desk: { ...this.state.desk, priceEdit: null } });
      if (edit.kind === 'discount') return this.desk.requestDiscount(edit.lineId, text);
      const kopecks = parseRoubles(text);
      return this.desk.requestPrice(edit.lineId, kopecks ?? -1);
    });
  }

  /** Close whatever desk dialog is open (its Cancel button). */
  closeDesk(): Promise<void> {
    return this.serial(async () => void this.closeDeskLayer());
  }

  /** The cashier's answer to the question on screen (Enter yes, Esc no). */
  answer(yes: boolean): Promise<void> {
    return this.serial(() => this.confirmNow(yes));
  }

  private async confirmNow(yes: boolean): Promise<void> {
    const c = this.state.desk.confirm;
    if (!c || !this.db) return;
    this.set({ desk: { ...this.state.desk, confirm: null } });
    if (!yes) return;
    if (c.kind === 'changeCashierMidSale') {
      // The open sale is held, not lost: the next cashier (or this one) resumes it from the list.
      await this.desk.hold();
      if (this.state.sale.items.length > 0) return;
      this.setSale({ customer: null, available: null, redeem: 0, lookup: null });
      return this.changeCashier();
    }
    const dropped = await this.desk.discardHeld();
    if (dropped > 0) this.notice('desk.heldDiscarded', { count: dropped }, 'info');
    await signOut(this.db);
    await this.refreshCashier();
  }

  // ---- cashier ----
  signIn(personnelNo: string, pin: string): Promise<SignInResult | null> {
    return this.serial(async () => {
      if (!this.db) return null;
      const result = await signIn(this.db, personnelNo, pin, this.now());
      // An older PBKDF2 hash: the server re-makes it with Argon2id from this PIN (issue 13); offline, next time.
      if (result.ok && result.legacyPin) void this.api('POST', '/api/v1/cashiers/pin-upgrade', undefined, { cashierId: result.cashier.cashierId, pin });
      await this.refreshCashier();
      if (result.ok) await this.openShiftAtSignIn();
      return result;
    });
  }

  /** The cashier starts work: a closed shift on the register is opened now, and the cashier told so. */
  private async openShiftAtSignIn(): Promise<void> {
    const deps = this.fiscalDeps();
    if (!deps) return;
    const s = await shiftStatus(deps);
    if (!s.ok || s.value.state !== 'closed') return;
    const opened = await shiftAction(deps, 'openShift');
    if (opened.ok) this.notice('fiscal.shiftOpenedAtSignIn', { number: opened.value.shiftNumber ?? '' }, 'info');
    else this.notice('fiscal.openShiftPrompt');
  }

  private async changeCashier(): Promise<void> {
    if (!this.db) return;
    // Mid-sale the cashier is asked first (the sale would be held); held sales left are asked about at shift close.
    if (this.state.sale.items.length > 0) return this.set({ desk: { ...this.state.desk, confirm: { kind: 'changeCashierMidSale' } } });
    if (this.state.sale.customer) return this.notice('cashier.finishSaleFirst');
    const held = await this.db.held.count();
    if (held > 0) return this.set({ desk: { ...this.state.desk, confirm: { kind: 'heldAtShiftClose', count: held } } });
    await signOut(this.db);
    await this.refreshCashier();
  }

  signOut(): Promise<void> {
    return this.serial(() => this.changeCashier());
  }

  // ---- enrolment ----
  /** Enrol with a one-time code. A failure carries the host's code, so the screen words it in the cashier's language. */
  enrol(
    serverUrl: string,
    code: string,
    deviceName: string,
    manager: { managerPin?: string; managerCard?: string } = {},
  ): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
    return this.serial(async () => {
      // Over a till its server still accepts, the host needs a store manager's PIN or card (issue 13).
      const res = await this.opts.host.request({ op: 'enrol', serverUrl, code, deviceName, ...manager });
      if (!res.ok) return { ok: false, code: res.error.code, message: res.error.message };
      await this.refreshHost();
      return { ok: true };
    });
  }

  // ---- mode switches from the screen (buttons) ----
  toMode(mode: 'selling' | 'returning' | 'history' | 'manager' | 'diagnostics' | 'rejected'): Promise<void> {
    return this.serial(async () => {
      const current = this.state.mode;
      if (isPaying(current) || current === 'setup' || current === 'signIn') {
        if (mode === 'diagnostics' && !isPaying(current)) this.set({ mode, under: current });
        return;
      }
      if (OVERLAY_MODES.has(mode as TillMode)) this.set({ mode, under: OVERLAY_MODES.has(current) ? this.state.under : current });
      else this.set({ mode });
    });
  }

  closeOverlay(): Promise<void> {
    return this.serial(async () => {
      if (OVERLAY_MODES.has(this.state.mode)) this.set({ mode: this.state.under });
    });
  }

  setCamera(open: boolean): void {
    this.set({ camera: open });
  }

  // ---- events the server refused ----
  rejected(): Promise<RejectedView[]> {
    return this.db ? rejectedEvents(this.db) : Promise.resolve([]);
  }

  fixRejected(eventId: string, fix: { email?: string | null }): Promise<{ ok: true } | { ok: false; problem: string }> {
    return this.serial(async () => {
      if (!this.db) return { ok: false as const, problem: 'rejected.cannotFix' };
      const res = await fixRejected(this.db, eventId, fix, new Date(this.now()));
      if (res.ok) {
        this.loops?.pushSoon();
        await this.refreshStats();
      }
      return res;
    });
  }

  private async refreshStats(): Promise<void> {
    if (!this.db) return;
    const [waiting, rejected] = await Promise.all([
      this.db.outbox.where('status').equals('pending').count(),
      this.db.outbox.where('status').equals('rejected').count(),
    ]);
    this.setSync({ waiting, rejected });
  }

  /** For diagnostics and the model test: the outbox as stored. */
  async outbox(): Promise<OutboxRecord[]> {
    return this.db ? this.db.outbox.toArray() : [];
  }
}

/** The same goods in the same quantities: a retry of a return without a receipt, not a new one. */
function sameNoReceiptLines(a: readonly NoReceiptLine[], b: readonly NoReceiptLine[]): boolean {
  const key = (ls: readonly NoReceiptLine[]) =>
    ls
      .filter((l) => l.quantityMilli > 0)
      .map((l) => `${l.product.id}:${l.quantityMilli}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}
