import { afterEach, describe, expect, it } from 'vitest';
import { bankCardLookupKey } from '../../core/lookupKey';
import { createDeviceManager, type DeviceManager } from '../manager';
import { createSocatPair, type SocatPair } from '../testing/socatPair';
import { until } from '../testing/flush';
import { approveWith, presentCard, startFakeTerminal, type FakeTerminal, type FakeTerminalOptions } from './fakeTerminal';

/** The payment adapter over a real pty pair, with the fake terminal on the other end. */
const SECRET = 'chain-secret';
let pair: SocatPair | undefined;
let manager: DeviceManager | undefined;
let terminal: FakeTerminal | undefined;

afterEach(async () => {
  await manager?.stop();
  await terminal?.close();
  await pair?.dispose();
  manager = undefined;
  terminal = undefined;
  pair = undefined;
});

async function rig(decide: Parameters<typeof startFakeTerminal>[1], responseTimeoutMs = 2_000, options: FakeTerminalOptions = {}) {
  pair = await createSocatPair();
  terminal = await startFakeTerminal(pair.a, decide, options);
  manager = createDeviceManager({
    config: { devices: [{ id: 'pos1', type: 'payment-terminal', path: pair.b, responseTimeoutMs }], autoDetect: { serial: false, hid: false } },
    lookupSecret: SECRET,
  });
  await manager.start();
  await until(() => manager?.list()[0]?.status === 'connected');
  return manager.paymentTerminal('pos1');
}

describe('serial payment terminal over a pty pair', () => {
  it('approved: the till gets the RRN, the hash of the PAN and the last four', async () => {
    const pos = await rig(approveWith('4111111111111111', '1111', '424242424242'));
    const result = await pos.pay(99_90, 'R-1');
    expect(result).toEqual({ approved: true, rrn: '424242424242', tokenHash: await bankCardLookupKey(SECRET, '4111111111111111'), last4: '1111' });
    expect(terminal?.received).toEqual(['PAY R-1 9990']);
  });

  it('declined: the reason comes through', async () => {
    const pos = await rig(({ receiptId }) => `DECLINED ${receiptId} insufficient funds`);
    expect(await pos.pay(100, 'R-2')).toEqual({ approved: false, declineReason: 'insufficient funds' });
  });

  it('timeout: a silent terminal gives "timeout" and is told to cancel', async () => {
    const pos = await rig(() => null, 300);
    expect(await pos.pay(100, 'R-3')).toEqual({ approved: false, declineReason: 'timeout' });
    await until(() => terminal?.received.includes('CANCEL R-3') === true);
  });

  it('refund: the money goes back to the card of the original payment, once even if asked twice', async () => {
    let refunds = 0;
    const pos = await rig(approveWith('4111111111111111', '1111', '424242424242'), 2_000, {
      refund: (req) => {
        refunds++;
        return req.originalRrn === '424242424242'
          ? `OK ${req.receiptId} ${String(500_000_000_000 + refunds)} 4111111111111111 1111`
          : `DECLINED ${req.receiptId} original not found`;
      },
    });
    const paid = await pos.pay(99_90, 'R-1');
    const refunded = await pos.refund(99_90, 'RET-1', paid.rrn ?? '');
    expect(refunded).toEqual({ approved: true, rrn: '500000000001', tokenHash: paid.tokenHash, last4: '1111' });
    // The till retries after a lost answer with the same receipt id: the same refund, not a second one.
    expect(await pos.refund(99_90, 'RET-1', paid.rrn ?? '')).toEqual(refunded);
    expect(refunds).toBe(1);
    expect(await pos.refund(100, 'RET-2', '999')).toEqual({ approved: false, declineReason: 'original not found' });
    expect(terminal?.received).toEqual(['PAY R-1 9990', 'REFUND RET-1 9990 424242424242', 'REFUND RET-1 9990 424242424242', 'REFUND RET-2 100 999']);
  });

  it('card read before payment: the customer is found by the same hash the payment will carry', async () => {
    const pos = await rig(approveWith('tok_card_of_ivan', '1111'), 2_000, { read: presentCard('tok_card_of_ivan', '1111') });
    const read = await pos.readCard('ID-1');
    expect(read).toEqual({ ok: true, tokenHash: await bankCardLookupKey(SECRET, 'token:tok_card_of_ivan'), last4: '1111' });
    expect((await pos.pay(100, 'R-9')).tokenHash).toBe(read.ok ? read.tokenHash : null);
  });
});
