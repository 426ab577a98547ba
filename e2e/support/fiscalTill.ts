import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeTerminal, type Decide, type DecideRefund, type FakeTerminal } from '../../drivers/payment/fakeTerminal';
import { AtolSimulator } from '../../drivers/testing/atolSimulator';
import { createSocatPair, type SocatPair } from '../../drivers/testing/socatPair';
import { startTillHost, type RunningHost, type RunningServer } from './processes';

/** A till with a card terminal on a socat pair (the fake terminal plays it) and an ATOL register (the simulator). */
export interface FiscalTill {
  host: RunningHost;
  pair: SocatPair;
  terminal: FakeTerminal;
  sim: AtolSimulator;
  stop(): Promise<void>;
}

/** Start one such till of `storeId`: the terminal answers payments with `pay` and refunds with `refund`. */
export async function startFiscalTill(server: RunningServer, pay: Decide, refund: DecideRefund, storeId = 1): Promise<FiscalTill> {
  const sim = await AtolSimulator.start({ port: 0 });
  const pair = await createSocatPair();
  const terminal = await startFakeTerminal(pair.a, pay, { refund });
  const config = join(pair.dir, 'devices.json');
  writeFileSync(
    config,
    JSON.stringify({
      devices: [{ id: 'pinpad', type: 'payment-terminal', path: pair.b }],
      autoDetect: { serial: false, hid: false },
      fiscal: { kind: 'atol-web', url: sim.url, pollIntervalMs: 50, taskTimeoutMs: 20_000 },
    }),
  );
  const host = await startTillHost(server, storeId, { env: { LT_DEVICE_CONFIG: config } });
  return {
    host,
    pair,
    terminal,
    sim,
    async stop() {
      await host.stop();
      await terminal.close();
      await pair.dispose();
      await sim.close();
    },
  };
}
