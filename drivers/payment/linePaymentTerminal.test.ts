import { describe, expect, it } from 'vitest';
import { bankCardLookupKey } from '../../core/lookupKey';
import { FakeClock } from '../testing/fakeClock';
import { flush } from '../testing/flush';
import { LinePaymentTerminal } from './linePaymentTerminal';

const SECRET = 's3cret';

function rig() {
  const clock = new FakeClock();
  const written: string[] = [];
  const diagnostics: Array<[string, string]> = [];
  const t = new LinePaymentTerminal(
    { write: async (d) => void written.push(d) },
    { lookupSecret: SECRET, responseTimeoutMs: 1_000, clock, onDiagnostic: (c, m) => diagnostics.push([c, m]) },
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
