import { describe, expect, it } from 'vitest';
import { bankCardLookupKey } from '../../core/lookupKey';
import { FakeClock } from '../testing/fakeClock';
import { flush } from '../testing/flush';
import { LinePaymentTerminal } from './linePaymentTerminal';

const SECRET = 's3cret';

function rig(lookupSecret = SECRET) {
  const clock = new FakeClock();
  const written: string[] = [];
  const diagnostics: Array<[string, string]> = [];
  const t = new LinePaymentTerminal(
    { write: async (d) => void written.push(d) },
    { lookupSecret, responseTimeoutMs: 1_000, clock, onDiagnostic: (c, m) => diagnostics.push([c, m]) },
  );
  const reply = (line: string) => t.push(Buffer.from(`${line}\n`, 'latin1'));
  return { clock, written, diagnostics, t, reply };
}

describe('LinePaymentTerminal', () => {
  it('hashes a PAN sent by the terminal; the result carries only hash and last four', async () => {
    const { t, reply, written } = rig();
    const paying = t.pay(150_00, 'R1');
    expect(written).toEqual(['PAY R1 15000\n']);
    reply('OK R1 000111222333 4111111111111111 1111');
    const result = await paying;
    expect(result).toEqual({ approved: true, rrn: '000111222333', tokenHash: await bankCardLookupKey(SECRET, '4111111111111111'), last4: '1111' });
    expect(JSON.stringify(result)).not.toContain('4111111111111111');
  });

  it('one payment at a time', async () => {
    const { t } = rig();
    void t.pay(100, 'R1');
    expect(await t.pay(100, 'R2')).toEqual({ approved: false, declineReason: 'busy' });
  });

  it('times out, cancels on the terminal, and reports a late approval for IT', async () => {
    const { t, clock, reply, written, diagnostics } = rig();
    const paying = t.pay(100, 'R1');
    clock.advance(1_000);
    expect(await paying).toEqual({ approved: false, declineReason: 'timeout' });
    expect(written).toEqual(['PAY R1 100\n', 'CANCEL R1\n']);
    reply('OK R1 999 - -');
    expect(diagnostics.map((d) => d[0])).toEqual(['late-approval']);
  });

  it('ignores replies for other receipts; answers for this one still count', async () => {
    const { t, reply, diagnostics } = rig();
    const paying = t.pay(100, 'R2');
    reply('DECLINED R1 stale');
    reply('DECLINED R2 card blocked 4111 1111 1111 1111');
    expect(await paying).toEqual({ approved: false, declineReason: 'card blocked [redacted]' });
    expect(diagnostics.map((d) => d[0])).toEqual(['unexpected-reply']);
  });

  it('does not repeat a malformed line, which may hold card data', async () => {
    const { t, reply, diagnostics, clock } = rig();
    const paying = t.pay(100, 'R1');
    reply('OK R1 4111111111111111');
    reply('OK R1 1 4111111111111111 11');
    clock.advance(1_000);
    expect((await paying).approved).toBe(false);
    expect(JSON.stringify(diagnostics)).not.toContain('4111111111111111');
    expect(diagnostics.filter((d) => d[0] === 'bad-reply')).toHaveLength(2);
  });

  it('a terminal lost mid-payment is reported as unavailable, not left hanging', async () => {
    const { t } = rig();
    const paying = t.pay(100, 'R1');
    t.dispose();
    expect(await paying).toEqual({ approved: false, declineReason: 'terminal-unavailable' });
    await flush();
  });

  it('rejects invalid requests without talking to the terminal', async () => {
    const { t, written } = rig();
    expect(await t.pay(-5, 'R1')).toEqual({ approved: false, declineReason: 'invalid-request' });
    expect(await t.pay(5, 'bad id')).toEqual({ approved: false, declineReason: 'invalid-request' });
    expect(written).toEqual([]);
  });
});

describe('LinePaymentTerminal refunds', () => {
  it('refunds to the card of the original payment and answers like a payment', async () => {
    const { t, reply, written } = rig();
    const refunding = t.refund(49_90, 'RET-1', '424242424242');
    expect(written).toEqual(['REFUND RET-1 4990 424242424242\n']);
    reply('OK RET-1 500000000001 4111111111111111 1111');
    const result = await refunding;
    expect(result).toEqual({ approved: true, rrn: '500000000001', tokenHash: await bankCardLookupKey(SECRET, '4111111111111111'), last4: '1111' });
    expect(JSON.stringify(result)).not.toContain('4111111111111111');
  });

  it('a declined refund says why; an invalid one never reaches the terminal', async () => {
    const { t, reply, written } = rig();
    const refunding = t.refund(100, 'RET-2', '1');
    reply('DECLINED RET-2 original not found');
    expect(await refunding).toEqual({ approved: false, declineReason: 'original not found' });
    expect(await t.refund(100, 'RET-3', '4111111111111111')).toEqual({ approved: false, declineReason: 'invalid-request' });
    expect(await t.refund(-1, 'RET-3', '1')).toEqual({ approved: false, declineReason: 'invalid-request' });
    expect(written).toEqual(['REFUND RET-2 100 1\n']);
  });

  it('shares the one-request-at-a-time rule with payments and card reads', async () => {
    const { t } = rig();
    void t.pay(100, 'R1');
    expect(await t.refund(100, 'RET-1', '1')).toEqual({ approved: false, declineReason: 'busy' });
    expect(await t.readCard('ID-1')).toEqual({ ok: false, reason: 'busy' });
  });

  it('a refund that goes through after a timeout is reported as done, so that it is not refunded twice', async () => {
    const { t, clock, reply, written, diagnostics } = rig();
    const refunding = t.refund(100, 'RET-1', '1');
    clock.advance(1_000);
    expect(await refunding).toEqual({ approved: false, declineReason: 'timeout' });
    expect(written.at(-1)).toBe('CANCEL RET-1\n');
    reply('OK RET-1 777 - -');
    expect(diagnostics).toEqual([
      ['late-approval', 'terminal refunded receipt RET-1 (rrn 777) after the till gave up on it: the refund went through; do not refund it again'],
    ]);
  });
});

describe('LinePaymentTerminal card read before payment', () => {
  it('answers the same hash as a payment with the same card, and never the card number', async () => {
    const { t, reply, written } = rig();
    const reading = t.readCard('ID-1');
    expect(written).toEqual(['READ ID-1\n']);
    reply('CARD ID-1 4111111111111111 1111');
    const read = await reading;
    expect(read).toEqual({ ok: true, tokenHash: await bankCardLookupKey(SECRET, '4111111111111111'), last4: '1111' });
    expect(JSON.stringify(read)).not.toContain('4111111111111111');

    const paying = t.pay(100, 'R1');
    reply('OK R1 1 4111111111111111 1111');
    expect((await paying).tokenHash).toBe(read.ok && read.tokenHash);
  });

  it('a token is hashed as for payments, apart from PAN hashes', async () => {
    const { t, reply } = rig();
    const reading = t.readCard('ID-1');
    reply('CARD ID-1 tok_abcdef12 -');
    expect(await reading).toEqual({ ok: true, tokenHash: await bankCardLookupKey(SECRET, 'token:tok_abcdef12') });
  });

  it('a till without the lookup secret does not ask the customer for a card', async () => {
    const { t, written } = rig('');
    expect(await t.readCard('ID-1')).toEqual({ ok: false, reason: 'not-enrolled' });
    expect(written).toEqual([]);
  });

  it('times out with CANCEL; a card presented late is ignored quietly', async () => {
    const { t, clock, reply, written, diagnostics } = rig();
    const reading = t.readCard('ID-1');
    clock.advance(1_000);
    expect(await reading).toEqual({ ok: false, reason: 'timeout' });
    expect(written).toEqual(['READ ID-1\n', 'CANCEL ID-1\n']);
    reply('CARD ID-1 tok_abcdef12 4242');
    expect(diagnostics).toEqual([]);
  });

  it('the customer cancelling on the terminal is a failed read with its reason; an approval is no card read', async () => {
    const { t, reply, diagnostics } = rig();
    const reading = t.readCard('ID-1');
    reply('DECLINED ID-1 cancelled by customer');
    expect(await reading).toEqual({ ok: false, reason: 'cancelled by customer' });
    const again = t.readCard('ID-2');
    reply('OK ID-2 1 tok_abcdef12 4242');
    reply('ERROR ID-2 no card reader');
    expect(await again).toEqual({ ok: false, reason: 'terminal-error: no card reader' });
    expect(diagnostics.map((d) => d[0])).toEqual(['unexpected-reply']);
  });

  it('unplugged while waiting for the card: terminal-unavailable', async () => {
    const { t } = rig();
    const reading = t.readCard('ID-1');
    t.dispose();
    expect(await reading).toEqual({ ok: false, reason: 'terminal-unavailable' });
    expect(await t.readCard('ID-2')).toEqual({ ok: false, reason: 'terminal-unavailable' });
  });
});
