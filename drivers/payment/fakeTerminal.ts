import { pathToFileURL } from 'node:url';
import { nodeSerialBackend, type SerialLink } from '../serial/serialTransport';

/**
 * A stand-in payment terminal for tests and demos: opens the far end of a serial pair
 * (e.g. a socat pty) and answers PAY lines as `decide` says. Speaks PROTOCOL.md.
 */
export interface PayRequest {
  receiptId: string;
  amountKopecks: number;
}

/** A reply line without its LF, or null to stay silent (to test timeouts). */
export type Decide = (req: PayRequest) => string | null;

export interface FakeTerminal {
  /** Every line received from the till, in order. */
  readonly received: string[];
  close(): Promise<void>;
}

export async function startFakeTerminal(path: string, decide: Decide, baudRate = 9600): Promise<FakeTerminal> {
  const link: SerialLink = await nodeSerialBackend.open({ path, baudRate, dataBits: 8, parity: 'none', stopBits: 1 });
  const received: string[] = [];
  let buffer = '';
  link.onData((chunk) => {
    buffer += Buffer.from(chunk).toString('latin1');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      received.push(line);
      const m = /^PAY (\S+) (\d+)$/.exec(line);
      if (!m || m[1] === undefined || m[2] === undefined) continue;
      const reply = decide({ receiptId: m[1], amountKopecks: Number(m[2]) });
      if (reply !== null) link.write(`${reply}\n`).catch(() => undefined);
    }
  });
  return { received, close: () => link.close() };
}

/** The usual behaviour: approve, sending the card as `card` (a PAN, a token or "-"). */
export function approveWith(card: string, last4: string, rrn = '000123456789'): Decide {
  return ({ receiptId }) => `OK ${receiptId} ${rrn} ${card} ${last4}`;
}

// Run by hand against a socat pty (e.g. for a demo till):
//   npx tsx drivers/payment/fakeTerminal.ts /tmp/pty-a
// approves every payment with a token card; amounts ending in 13 kopecks are declined.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: fakeTerminal.ts <serial path>');
    process.exitCode = 2;
  } else {
    const approve = approveWith('tok_demo_card_0001', '4242');
    startFakeTerminal(path, (req) => (req.amountKopecks % 100 === 13 ? `DECLINED ${req.receiptId} demo decline` : approve(req))).then(
      () => console.log(`fake payment terminal listening on ${path}`),
      (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      },
    );
  }
}
