import { formatRoubles } from '../../../core/money';
import type { SaleEvent } from '../../protocol/events';
import { PHONE_CODE_ERRORS, PhoneCodeSent, PhoneCodeVerified, phoneSpendAllowance, type PhoneCodeRequest } from '../../protocol/phoneCodes';
import type { ApiAnswer, ApiCaller } from '../api';
import type { PhoneCodeView, SaleCustomer, SaleView, TillState } from './tillState';

/**
 * The SMS code dialog at the till (issue 13, High 2). Two uses:
 * - spend: bonuses of a customer found only by a typed phone. Online, the spend waits for the
 *   code read out by the customer (or a card scan); offline, or when no code can be sent, it is
 *   capped at the chain's allowance (programme.phoneSpendAllowanceKopecks).
 * - register: a registration names a phone another customer has. Online it goes ahead only
 *   with that phone's code (the server then merges); a cancelled dialog refuses it with a
 *   message. Offline it becomes a customer of its own that head office may merge later.
 * The server checks all of it again; the till never holds the code, only the confirmation.
 */
export interface PhoneCodeHost {
  state(): TillState;
  set(patch: Partial<TillState>): void;
  setSale(patch: Partial<SaleView>, persist?: boolean): void;
  notice(key: string, params?: Record<string, string | number>, tone?: 'warn' | 'info'): void;
  api: ApiCaller;
  now(): number;
  /** Apply a spend through the session's own path (it calls back into gateRedeem, now confirmed). */
  setRedeem(kopecks: number): Promise<number>;
  /** Finish the registration waiting for its code, now with the confirmation. */
  finishRegistration(confirmation: string): Promise<void>;
}

type Sent = { ok: true; sent: PhoneCodeSent } | { ok: false; offline: boolean; code: string };

/** The error codes the dialog words; anything else reads as "could not check the code". */
const KNOWN = new Set<string>([...PHONE_CODE_ERRORS.filter((c) => c !== 'phone_not_registered'), 'offline']);
export const phoneCodeError = (code: string): string => `phoneCode.errors.${KNOWN.has(code) ? code : 'other'}`;

export class PhoneCodeFlow {
  private pendingRedeem = 0;
  private seq = 0;

  constructor(private readonly host: PhoneCodeHost) {}

  private async send(request: PhoneCodeRequest): Promise<Sent> {
    const answer: ApiAnswer = await this.host.api('POST', '/api/v1/phone-codes', undefined, request);
    if (!answer.ok) {
      // The server there but no SMS possible reads like no server: the same fallback.
      const offline = answer.offline && answer.code !== 'phone_code_resend_too_soon';
      return { ok: false, offline, code: answer.offline && answer.code.startsWith('server_') ? 'offline' : answer.code };
    }
    const sent = PhoneCodeSent.safeParse(answer.body);
    return sent.success ? { ok: true, sent: sent.data } : { ok: false, offline: false, code: 'other' };
  }

  private open(purpose: PhoneCodeView['purpose'], sent: PhoneCodeSent): void {
    this.host.set({
      phoneCode: {
        purpose,
        stage: 'entering',
        challengeId: sent.challengeId,
        maskedPhone: sent.maskedPhone,
        error: null,
        attemptsLeft: sent.attempts,
        resendAt: this.host.now() + sent.resendAfterSeconds * 1000,
        seq: ++this.seq,
      },
    });
  }

  /**
   * What a spend may be for the sale's customer right now (called inside the session's serial
   * intent). A typed-phone customer without a confirmation: online, the dialog opens and the
   * spend waits (0 for now); otherwise the allowance.
   */
  async gateRedeem(redeem: number): Promise<number> {
    const s = this.host.state();
    const c = s.sale.customer;
    if (!c || c.via !== 'phone' || c.confirmation || redeem <= 0) return redeem;
    const allowance = phoneSpendAllowance(s.catalogue?.programme ?? {});
    if (s.sync.link !== 'serverDown' && s.sync.link !== 'hostDown') {
      const sent = await this.send({ purpose: 'spend', customerId: c.customer.id });
      if (sent.ok) {
        this.pendingRedeem = redeem;
        this.open('spend', sent.sent);
        return 0;
      }
      if (!sent.offline) this.host.notice(phoneCodeError(sent.code));
    }
    if (redeem > allowance) this.host.notice('phoneCode.allowanceOnly', { max: formatRoubles(allowance) }, 'info');
    return Math.min(redeem, allowance);
  }

  /**
   * A registration names a phone the till found a customer for. Returns 'sent' (the dialog is
   * open; `finishRegistration` follows a right code), 'offline' (register as a customer of its
   * own, for head office), 'free' (the server knows nobody with the phone), or an error code.
   */
  async startRegistration(phone: string): Promise<'sent' | 'offline' | 'free' | string> {
    const link = this.host.state().sync.link;
    if (link === 'serverDown' || link === 'hostDown') return 'offline';
    const sent = await this.send({ purpose: 'register', phone });
    if (sent.ok) {
      this.open('register', sent.sent);
      return 'sent';
    }
    if (sent.code === 'phone_not_registered') return 'free';
    return sent.offline ? 'offline' : sent.code;
  }

  /** The code the customer read out. Enter twice, or a code typed while one is checked, is one check. */
  async submit(code: string): Promise<void> {
    const view = this.host.state().phoneCode;
    if (!view || view.stage !== 'entering') return;
    if (!/^\d{6}$/.test(code)) return this.update({ error: 'phoneCode.errors.sixDigits' });
    this.update({ stage: 'checking', error: null });
    const answer = await this.host.api('POST', `/api/v1/phone-codes/${view.challengeId}/verify`, undefined, { code });
    const now = this.host.state().phoneCode;
    if (!now || now.seq !== view.seq) return; // cancelled meanwhile
    if (!answer.ok) {
      const attemptsLeft =
        answer.code === 'phone_code_wrong' ? Math.max(0, view.attemptsLeft - 1) : answer.code === 'phone_code_attempts_exhausted' ? 0 : view.attemptsLeft;
      return this.update({ stage: 'entering', error: phoneCodeError(answer.offline ? 'offline' : answer.code), attemptsLeft });
    }
    const verified = PhoneCodeVerified.safeParse(answer.body);
    if (!verified.success) return this.update({ stage: 'entering', error: phoneCodeError('other') });
    this.host.set({ phoneCode: null });
    if (view.purpose === 'register') return this.host.finishRegistration(verified.data.confirmation);
    const sale = this.host.state().sale;
    if (!sale.customer || sale.customer.via !== 'phone') return;
    const confirmed: SaleCustomer = { ...sale.customer, confirmation: verified.data.confirmation };
    this.host.setSale({ customer: confirmed });
    this.host.notice('phoneCode.confirmed', undefined, 'info');
    await this.host.setRedeem(this.pendingRedeem);
  }

  async resend(): Promise<void> {
    const view = this.host.state().phoneCode;
    if (!view || view.stage !== 'entering' || this.host.now() < view.resendAt) return;
    const sale = this.host.state().sale;
    this.update({ stage: 'sending', error: null });
    const request: PhoneCodeRequest | null =
      view.purpose === 'spend' && sale.customer
        ? { purpose: 'spend', customerId: sale.customer.customer.id }
        : view.purpose === 'register' && this.registrationPhone
          ? { purpose: 'register', phone: this.registrationPhone }
          : null;
    if (!request) return this.cancel();
    const sent = await this.send(request);
    if (sent.ok) return this.open(view.purpose, sent.sent);
    this.update({ stage: 'entering', error: phoneCodeError(sent.offline ? 'offline' : sent.code) });
  }

  /** Esc: no code. A spend stays at nothing; a registration is refused with a message (registerRefused). */
  cancel(): void {
    const view = this.host.state().phoneCode;
    if (!view) return;
    this.host.set({ phoneCode: null });
    this.pendingRedeem = 0;
    if (view.purpose === 'spend') this.host.notice('phoneCode.spendCancelled', undefined, 'info');
    else this.host.notice('phoneCode.registerRefused');
  }

  /** The spend's customer changed (a card scanned instead, another lookup): close without a message. */
  cancelQuietly(): void {
    if (this.host.state().phoneCode?.purpose !== 'spend') return;
    this.host.set({ phoneCode: null });
    this.pendingRedeem = 0;
  }

  /** The phone of the registration waiting for its code (for "send again"). */
  registrationPhone: string | null = null;

  private update(patch: Partial<PhoneCodeView>): void {
    const view = this.host.state().phoneCode;
    if (view) this.host.set({ phoneCode: { ...view, ...patch } });
  }
}

/** How the sale's customer was identified, for the server's check of a spend (SaleEvent.identity). */
export function withSaleIdentity(event: SaleEvent, buyer: SaleCustomer | null): SaleEvent {
  if (!buyer) return event;
  if (buyer.via === 'phone') return { ...event, identity: { via: 'phone', ...(buyer.confirmation ? { confirmation: buyer.confirmation } : {}) } };
  if (buyer.via === 'card') {
    const card = buyer.customer.keys.find((k) => k.startsWith('card:'))?.slice(5);
    return card && /^\d{6,19}$/.test(card) ? { ...event, identity: { via: 'card', card } } : event;
  }
  return event.payment.bankKey ? { ...event, identity: { via: 'bank' } } : event;
}
