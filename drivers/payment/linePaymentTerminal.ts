import { bankCardLookupKey } from '../../core/lookupKey';
import type { Clock, TimerHandle } from '../clock';
import { redactDigits } from '../redact';
import { FrameReader } from '../serial/frameReader';
import { formatCancel, formatPay, MAX_LINE_LENGTH, parseReply, validPayRequest, type CardRef } from './lineProtocol';
import type { PaymentResult, PaymentTerminal } from './paymentTerminal';

/**
 * The line protocol of PROTOCOL.md over any byte link (a serial port in production).
 * One payment at a time. A PAN sent by the terminal is hashed the moment it is parsed;
 * only the hash and the last four digits reach the result.
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

interface Pending {
  receiptId: string;
  timer: TimerHandle;
  resolve(result: PaymentResult): void;
}

/** Receipts that timed out are remembered for a while so that a late approval is noticed. */
const CANCELLED_MEMORY = 32;

export class LinePaymentTerminal implements PaymentTerminal {
  private pending: Pending | null = null;
  private readonly cancelled: string[] = [];
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
    if (this.disposed) return Promise.resolve({ approved: false, declineReason: 'terminal-unavailable' });
    if (!validPayRequest(receiptId, amountKopecks)) return Promise.resolve({ approved: false, declineReason: 'invalid-request' });
    if (this.pending) return Promise.resolve({ approved: false, declineReason: 'busy' });
    return new Promise<PaymentResult>((resolve) => {
      const timer = this.options.clock.setTimeout(() => this.timeout(receiptId), this.options.responseTimeoutMs);
      this.pending = { receiptId, timer, resolve };
      this.link.write(formatPay(receiptId, amountKopecks)).catch(() => this.finish(receiptId, { approved: false, declineReason: 'terminal-unavailable' }));
    });
  }

  /** The link is gone: a payment in flight is reported as not approved. */
  dispose(): void {
    this.disposed = true;
    this.reader.dispose();
    const p = this.pending;
    if (p) this.finish(p.receiptId, { approved: false, declineReason: 'terminal-unavailable' });
  }

  private timeout(receiptId: string): void {
    if (this.pending?.receiptId !== receiptId) return;
    this.remember(receiptId);
    // Ask the terminal to abandon it; if it approves anyway, line() reports a late approval.
    this.link.write(formatCancel(receiptId)).catch(() => undefined);
    this.finish(receiptId, { approved: false, declineReason: 'timeout' });
  }

  private finish(receiptId: string, result: PaymentResult): void {
    const p = this.pending;
    if (!p || p.receiptId !== receiptId) return;
    this.pending = null;
    this.options.clock.clearTimeout(p.timer);
    p.resolve(result);
  }

  private remember(receiptId: string): void {
    this.cancelled.push(receiptId);
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
        if (pending?.receiptId !== reply.receiptId) {
          if (this.cancelled.includes(reply.receiptId)) {
            // Our own receipt id and an RRN (at most 12 characters): shown as they are, since
            // staff need both to reverse the payment.
            this.options.onDiagnostic(
              'late-approval',
              `terminal approved receipt ${reply.receiptId} (rrn ${reply.rrn}) after the till gave up on it: reverse it on the terminal`,
              { verbatim: true },
            );
          } else {
            this.options.onDiagnostic('unexpected-reply', `terminal answered for receipt ${reply.receiptId}, which is not being paid`);
          }
          return;
        }
        // Answered: the timeout must not fire (and send CANCEL) while the card is hashed.
        this.options.clock.clearTimeout(pending.timer);
        const { receiptId, rrn, card } = reply;
        let last4 = reply.last4;
        if (card.kind === 'pan') last4 = card.pan.slice(-4);
        this.cardHash(card).then(
          (tokenHash) => {
            const result: PaymentResult = { approved: true, rrn };
            if (tokenHash) result.tokenHash = tokenHash;
            if (last4) result.last4 = last4;
            this.finish(receiptId, result);
          },
          () => this.finish(receiptId, { approved: true, rrn }),
        );
        return;
      }
      case 'declined':
        if (pending?.receiptId !== reply.receiptId) {
          this.options.onDiagnostic('unexpected-reply', `terminal declined receipt ${reply.receiptId}, which is not being paid`);
          return;
        }
        this.finish(reply.receiptId, { approved: false, declineReason: redactDigits(reply.reason) });
        return;
      case 'error': {
        const target = reply.receiptId ?? pending?.receiptId;
        if (target && pending?.receiptId === target) {
          this.finish(target, { approved: false, declineReason: `terminal-error: ${redactDigits(reply.reason)}` });
        } else {
          this.options.onDiagnostic('terminal-error', redactDigits(reply.reason));
        }
        return;
      }
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
