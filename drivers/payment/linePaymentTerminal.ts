import { bankCardLookupKey } from '../../core/lookupKey';
import type { Clock, TimerHandle } from '../clock';
import { redactDigits } from '../redact';
import { FrameReader } from '../serial/frameReader';
import {
  formatCancel,
  formatPay,
  formatRead,
  formatRefund,
  MAX_LINE_LENGTH,
  parseReply,
  RECEIPT_ID,
  validPayRequest,
  validRefundRequest,
  type CardRef,
} from './lineProtocol';
import type { CardReadResult, PaymentResult, PaymentTerminal } from './paymentTerminal';

/**
 * The line protocol of PROTOCOL.md over any byte link (a serial port in production).
 * One request (payment, refund or card read) at a time. A PAN sent by the terminal is hashed
 * the moment it is parsed; only the hash and the last four digits reach the result.
 */
export interface ByteLink {
  write(data: string): Promise<void>;
}

export interface LinePaymentTerminalOptions {
  lookupSecret: string;
  responseTimeoutMs: number;
  clock: Clock;
  /** Protocol trouble worth telling IT about (late approvals, garbled lines); never card data. */
  onDiagnostic(code: string, message: string, opts?: { verbatim?: boolean }): void;
}

type Operation = 'pay' | 'refund' | 'read';

/** How a request ended, before it is shaped into the answer its caller expects. */
type Outcome =
  | { kind: 'approved'; rrn: string; tokenHash: string | null; last4: string | null }
  | { kind: 'card'; tokenHash: string; last4: string | null }
  | { kind: 'failed'; reason: string };

interface Pending {
  id: string;
  op: Operation;
  timer: TimerHandle;
  settle(outcome: Outcome): void;
}

/** Requests that timed out are remembered for a while so that a late answer is noticed. */
const CANCELLED_MEMORY = 32;

function paymentAnswer(o: Outcome): PaymentResult {
  if (o.kind === 'failed') return { approved: false, declineReason: o.reason };
  if (o.kind === 'card') return { approved: false, declineReason: 'terminal-error: a card read answered a payment' };
  const result: PaymentResult = { approved: true, rrn: o.rrn };
  if (o.tokenHash) result.tokenHash = o.tokenHash;
  if (o.last4) result.last4 = o.last4;
  return result;
}

function cardReadAnswer(o: Outcome): CardReadResult {
  if (o.kind === 'failed') return { ok: false, reason: o.reason };
  if (o.kind === 'approved') return { ok: false, reason: 'terminal-error: a payment answered a card read' };
  return o.last4 ? { ok: true, tokenHash: o.tokenHash, last4: o.last4 } : { ok: true, tokenHash: o.tokenHash };
}

export class LinePaymentTerminal implements PaymentTerminal {
  private pending: Pending | null = null;
  private readonly cancelled: Array<{ id: string; op: Operation }> = [];
  private readonly reader: FrameReader;
  private disposed = false;

  constructor(
    private readonly link: ByteLink,
    private readonly options: LinePaymentTerminalOptions,
  ) {
    this.reader = new FrameReader({ suffix: 'LF', maxFrameLength: MAX_LINE_LENGTH, interByteTimeoutMs: 2_000 }, options.clock, {
      onFrame: (bytes) => this.line(bytes),
      onDropped: (code, message) => options.onDiagnostic(code, message),
    });
  }

  /** Bytes from the terminal. */
  push(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  pay(amountKopecks: number, receiptId: string): Promise<PaymentResult> {
    if (!validPayRequest(receiptId, amountKopecks)) return this.refuse('invalid-request', paymentAnswer);
    return this.request('pay', receiptId, formatPay(receiptId, amountKopecks), paymentAnswer);
  }

  refund(amountKopecks: number, receiptId: string, originalRrn: string): Promise<PaymentResult> {
    if (!validRefundRequest(receiptId, amountKopecks, originalRrn)) return this.refuse('invalid-request', paymentAnswer);
    return this.request('refund', receiptId, formatRefund(receiptId, amountKopecks, originalRrn), paymentAnswer);
  }

  readCard(requestId: string): Promise<CardReadResult> {
    if (!RECEIPT_ID.test(requestId)) return this.refuse('invalid-request', cardReadAnswer);
    // Without the lookup secret the card could not be looked up: do not make the customer present it.
    if (!this.options.lookupSecret) return this.refuse('not-enrolled', cardReadAnswer);
    return this.request('read', requestId, formatRead(requestId), cardReadAnswer);
  }

  /** The link is gone: a request in flight is answered as not done. */
  dispose(): void {
    this.disposed = true;
    this.reader.dispose();
    const p = this.pending;
    if (p) this.finish(p.id, { kind: 'failed', reason: 'terminal-unavailable' });
  }

  private refuse<T>(reason: string, shape: (o: Outcome) => T): Promise<T> {
    return Promise.resolve(shape({ kind: 'failed', reason: this.disposed ? 'terminal-unavailable' : reason }));
  }

  private request<T>(op: Operation, id: string, line: string, shape: (o: Outcome) => T): Promise<T> {
    if (this.disposed) return this.refuse('terminal-unavailable', shape);
    if (this.pending) return this.refuse('busy', shape);
    return new Promise<T>((resolve) => {
      const timer = this.options.clock.setTimeout(() => this.timeout(id), this.options.responseTimeoutMs);
      this.pending = { id, op, timer, settle: (o) => resolve(shape(o)) };
      this.link.write(line).catch(() => this.finish(id, { kind: 'failed', reason: 'terminal-unavailable' }));
    });
  }

  private timeout(id: string): void {
    const p = this.pending;
    if (p?.id !== id) return;
    this.remember(id, p.op);
    // Ask the terminal to abandon it; if it goes through anyway, line() reports a late approval.
    this.link.write(formatCancel(id)).catch(() => undefined);
    this.finish(id, { kind: 'failed', reason: 'timeout' });
  }

  private finish(id: string, outcome: Outcome): void {
    const p = this.pending;
    if (!p || p.id !== id) return;
    this.pending = null;
    this.options.clock.clearTimeout(p.timer);
    p.settle(outcome);
  }

  private remember(id: string, op: Operation): void {
    this.cancelled.push({ id, op });
    if (this.cancelled.length > CANCELLED_MEMORY) this.cancelled.shift();
  }

  private line(bytes: Uint8Array): void {
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    bytes.fill(0);
    const reply = parseReply(text);
    const pending = this.pending;
    switch (reply.kind) {
      case 'invalid':
        // The line itself is not repeated: it may hold card data.
        this.options.onDiagnostic('bad-reply', `ignored a malformed ${text.length}-character line from the terminal`);
        return;
      case 'ok': {
        if (pending?.id !== reply.receiptId || pending.op === 'read') {
          this.lateOrUnexpected(reply.receiptId, reply.rrn);
          return;
        }
        // Answered: the timeout must not fire (and send CANCEL) while the card is hashed.
        this.options.clock.clearTimeout(pending.timer);
        const { receiptId, rrn, card } = reply;
        const last4 = card.kind === 'pan' ? card.pan.slice(-4) : reply.last4;
        this.cardHash(card).then(
          (tokenHash) => this.finish(receiptId, { kind: 'approved', rrn, tokenHash, last4 }),
          () => this.finish(receiptId, { kind: 'approved', rrn, tokenHash: null, last4 }),
        );
        return;
      }
      case 'card': {
        if (pending?.id !== reply.requestId || pending.op !== 'read') {
          // A card presented after the till stopped waiting identifies no one: nothing to do.
          if (!this.cancelled.some((c) => c.id === reply.requestId && c.op === 'read')) {
            this.options.onDiagnostic('unexpected-reply', `terminal sent a card read for request ${reply.requestId}, which is not waiting for one`);
          }
          return;
        }
        this.options.clock.clearTimeout(pending.timer);
        const { requestId, card } = reply;
        const last4 = card.kind === 'pan' ? card.pan.slice(-4) : reply.last4;
        this.cardHash(card).then(
          (tokenHash) => this.finish(requestId, tokenHash ? { kind: 'card', tokenHash, last4 } : { kind: 'failed', reason: 'not-enrolled' }),
          () => this.finish(requestId, { kind: 'failed', reason: 'card-hash-failed' }),
        );
        return;
      }
      case 'declined':
        if (pending?.id !== reply.receiptId) {
          this.options.onDiagnostic('unexpected-reply', `terminal declined request ${reply.receiptId}, which is not in progress`);
          return;
        }
        this.finish(reply.receiptId, { kind: 'failed', reason: redactDigits(reply.reason) });
        return;
      case 'error': {
        const target = reply.receiptId ?? pending?.id;
        if (target && pending?.id === target) {
          this.finish(target, { kind: 'failed', reason: `terminal-error: ${redactDigits(reply.reason)}` });
        } else {
          this.options.onDiagnostic('terminal-error', redactDigits(reply.reason));
        }
        return;
      }
    }
  }

  /** An approval nobody is waiting for: money moved after the till gave up, or a stray line. */
  private lateOrUnexpected(id: string, rrn: string): void {
    const late = [...this.cancelled].reverse().find((c) => c.id === id && c.op !== 'read');
    if (late) {
      // Our own receipt id and an RRN (at most 12 characters): shown as they are, since staff
      // need both to reverse the payment or to check the refund.
      const message =
        late.op === 'refund'
          ? `terminal refunded receipt ${id} (rrn ${rrn}) after the till gave up on it: the refund went through; do not refund it again`
          : `terminal approved receipt ${id} (rrn ${rrn}) after the till gave up on it: reverse it on the terminal`;
      this.options.onDiagnostic('late-approval', message, { verbatim: true });
    } else {
      this.options.onDiagnostic('unexpected-reply', `terminal answered for receipt ${id}, which is not being paid`);
    }
  }

  private async cardHash(card: CardRef): Promise<string | null> {
    // A till not yet enrolled has no lookup secret: the payment stands, the card cannot be looked up.
    if (!this.options.lookupSecret) return null;
    switch (card.kind) {
      case 'none':
        return null;
      case 'pan':
        return bankCardLookupKey(this.options.lookupSecret, card.pan);
      case 'token':
        // A terminal token is not a PAN; the prefix keeps its hash apart from every PAN hash.
        return bankCardLookupKey(this.options.lookupSecret, `token:${card.token}`);
    }
  }
}
