import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COPY_HEADER, copyMoney } from '../../../core/fiscal/receiptCopy';
import { AtolSimulator } from '../../../drivers/testing/atolSimulator';
import { fiscalTill, type FiscalTill } from '../../../electron/host/testing/fiscalTill';
import type { RealServer } from '../../../electron/host/testing/realServer';
import { startSessionServer } from '../../../electron/host/testing/tillHostProcess';
import { demoProduct } from '../../server/demoSeed';
import type { TillWorld } from './testing/tillWorld';

/** A non-fiscal copy of a past receipt from the receipts screen (F4, Ctrl+P), printed on the register simulator. */

let server: RealServer;
let sim: AtolSimulator;
beforeAll(async () => {
  server = await startSessionServer();
  sim = await AtolSimulator.start({ port: 0 });
});
afterAll(async () => {
  await sim?.close();
  await server?.close();
});
const tills: FiscalTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.dispose();
  sim.reset();
});

const BREAD = demoProduct(2);

async function sell(w: TillWorld, loaves: number): Promise<{ receiptId: string; payable: number }> {
  for (let i = 0; i < loaves; i++) {
    await w.run(w.session.scan({ kind: 'text', text: BREAD.ean }));
    await w.settle();
  }
  const payable = w.state.sale.priced!.totals.payable;
  await w.run(w.session.openPay());
  const receipt = await w.run(w.session.payCash(payable));
  expect(receipt).toBeTruthy();
  w.session.dismissReceipt();
  await w.tick(1_000); // the next receipt's number is made of the clock
  return { receiptId: receipt!.receiptId, payable };
}

async function press(w: TillWorld, key: string) {
  expect(w.session.key(key)).toBe(true);
  await w.settle();
}

const fiscalCounters = () => ({ documents: sim.state().documents.length, received: { ...sim.state().received } });

describe('receipt copy from the receipts screen', () => {
  it('Ctrl+P prints the selected receipt as non-fiscal text; no fiscal document is made; paper out is said', async () => {
    const t = await fiscalTill(server, sim);
    tills.push(t);
    const w = t.world;
    const older = await sell(w, 1);
    const newer = await sell(w, 2);
    const fiscalised = (await w.db.journal.get(older.receiptId))!.event.fiscal!;
    expect(fiscalised.documentNumber).toBeGreaterThan(0);

    await press(w, 'F4');
    expect(w.state.mode).toBe('history');
    const before = fiscalCounters();
    // Nothing selected: the newest receipt.
    await press(w, 'Ctrl+P');
    expect(w.state.history.copy).toMatchObject({ receiptId: newer.receiptId, ok: true, busy: false });
    let printed = sim.state().printed.at(-1)!;
    expect(printed[0]).toBe(COPY_HEADER);
    expect(printed).toContain(`Чек № ${newer.receiptId}`);
    expect(printed.find((l) => l.startsWith('ИТОГ'))?.endsWith(` ${copyMoney(newer.payable)}`)).toBe(true);

    // Arrow down: the older receipt, with its fiscal document's numbers.
    await press(w, 'ArrowDown');
    expect(w.state.history.selected).toBe(older.receiptId);
    await press(w, 'Ctrl+P');
    expect(w.state.history.copy).toMatchObject({ receiptId: older.receiptId, ok: true });
    printed = sim.state().printed.at(-1)!;
    expect(printed).toContain(`Чек № ${older.receiptId}`);
    expect(printed.find((l) => l.startsWith('ФД №'))?.endsWith(` ${fiscalised.documentNumber}`)).toBe(true);
    expect(printed.find((l) => l.startsWith('ФП'))?.endsWith(` ${fiscalised.fiscalSign}`)).toBe(true);
    expect(printed.every((l) => l.length <= 48)).toBe(true);
    expect(printed.join('\n')).toContain(BREAD.name);

    sim.setFaults({ paperOut: true });
    const count = sim.state().printed.length;
    await press(w, 'Ctrl+P');
    expect(w.state.history.copy).toMatchObject({ receiptId: older.receiptId, ok: false, error: 'paperOut' });
    expect(sim.state().printed).toHaveLength(count);
    sim.setFaults({ paperOut: false });

    // Copies print no fiscal document: the register's counters and its fiscal tasks are as they were.
    const after = fiscalCounters();
    expect(after.documents).toBe(before.documents);
    for (const task of ['sell', 'sellReturn', 'openShift', 'closeShift']) expect(after.received[task] ?? 0, task).toBe(before.received[task] ?? 0);
    expect(sim.state().invalidTasks).toEqual([]);
  });
});
