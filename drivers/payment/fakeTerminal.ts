import { pathToFileURL } from 'node:url';
import { nodeSerialBackend, type SerialLink } from '../serial/serialTransport';

/**
 * A stand-in payment terminal for tests and demos: opens the far end of a serial pair
 * (e.g. a socat pty) and answers PAY, REFUND and READ lines as told. Speaks PROTOCOL.md.
 */
export interface PayRequest {
  receiptId: string;
  amountKopecks: number;
}

export interface RefundRequest extends PayRequest {
  originalRrn: string;
}

export interface ReadRequest {
  requestId: string;
}

/** A reply line without its LF, or null to stay silent (to test timeouts). */
export type Decide = (req: PayRequest) => string | null;
export type DecideRefund = (req: RefundRequest) => string | null;
export type DecideRead = (req: ReadRequest) => string | null;

export interface FakeTerminalOptions {
  baudRate?: number;
  /** Answers REFUND; by default an ERROR saying refunds are not simulated. */
  refund?: DecideRefund;
  /** Answers READ; by default an ERROR saying card reads are not simulated. */
  read?: DecideRead;
}

export interface FakeTerminal {
  /** Every line received from the till, in order. */
  readonly received: string[];
  close(): Promise<void>;
}

export async function startFakeTerminal(path: string, decide: Decide, options: number | FakeTerminalOptions = {}): Promise<FakeTerminal> {
  const opts: FakeTerminalOptions = typeof options === 'number' ? { baudRate: options } : options;
  const link: SerialLink = await nodeSerialBackend.open({ path, baudRate: opts.baudRate ?? 9600, dataBits: 8, parity: 'none', stopBits: 1 });
  const received: string[] = [];
  // A real terminal answers a repeated REFUND with the result of the first one, never refunding twice.
  const refunds = new Map<string, string | null>();
  const answer = (line: string): string | null => {
    let m = /^PAY (\S+) (\d+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) return decide({ receiptId: m[1], amountKopecks: Number(m[2]) });
    m = /^REFUND (\S+) (\d+) (\S+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined) {
      const receiptId = m[1];
      const earlier = refunds.get(receiptId);
      if (earlier) return earlier;
      const reply = opts.refund ? opts.refund({ receiptId, amountKopecks: Number(m[2]), originalRrn: m[3] }) : `ERROR ${receiptId} refunds are not simulated`;
      if (reply?.startsWith('OK ')) refunds.set(receiptId, reply);
      return reply;
    }
    m = /^READ (\S+)$/.exec(line);
    if (m?.[1] !== undefined) return opts.read ? opts.read({ requestId: m[1] }) : `ERROR ${m[1]} card reads are not simulated`;
    return null;
  };
  let buffer = '';
  link.onData((chunk) => {
    buffer += Buffer.from(chunk).toString('latin1');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      received.push(line);
      const reply = answer(line);
      if (reply !== null) link.write(`${reply}\n`).catch(() => undefined);
    }
  });
  return { received, close: () => link.close() };
}

/** The usual behaviour: approve (a payment or a refund), sending the card as `card` (a PAN, a token or "-"). */
export function approveWith(card: string, last4: string, rrn = '000123456789'): (req: { receiptId: string }) => string {
  return ({ receiptId }) => `OK ${receiptId} ${rrn} ${card} ${last4}`;
}

/** A card read answered with `card` (a PAN or a token). */
export function presentCard(card: string, last4: string): DecideRead {
  return ({ requestId }) => `CARD ${requestId} ${card} ${last4}`;
}

// Run by hand against a socat pty (e.g. for a demo till):
//   npx tsx drivers/payment/fakeTerminal.ts /tmp/pty-a
// approves every payment and refund with a token card and answers card reads with the same
// card; amounts ending in 13 kopecks are declined.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: fakeTerminal.ts <serial path>');
    process.exitCode = 2;
  } else {
    const approve = approveWith('tok_demo_card_0001', '4242');
    const declineOdd = (req: PayRequest) => (req.amountKopecks % 100 === 13 ? `DECLINED ${req.receiptId} demo decline` : approve(req));
    let refundRrn = 900_000_000_000;
    startFakeTerminal(path, declineOdd, {
      refund: (req) =>
        req.amountKopecks % 100 === 13 ? `DECLINED ${req.receiptId} demo decline` : approveWith('tok_demo_card_0001', '4242', String(++refundRrn))(req),
      read: presentCard('tok_demo_card_0001', '4242'),
    }).then(
      () => console.log(`fake payment terminal listening on ${path}`),
      (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      },
    );
  }
}
