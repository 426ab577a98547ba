import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AtolSimulator } from '../../../drivers/testing/atolSimulator';
import { fiscalTill, type FiscalTill } from '../../../electron/host/testing/fiscalTill';
import type { RealServer } from '../../../electron/host/testing/realServer';
import { TEST_ADMIN } from '../../../electron/host/testing/realServer';
import { startSessionServer } from '../../../electron/host/testing/tillHostProcess';
import { demoProduct } from '../../server/demoSeed';
import type { NoReceiptLine } from '../approvals';
import type { TillWorld } from './testing/tillWorld';

/**
 * A return without a receipt on a till with a fiscal register (issue 15): the manager approves,
 * the register prints one refund receipt and the till records one return, whatever dies when.
 */

let server: RealServer;
let sim: AtolSimulator;
const MANAGER_PIN = '482913';
beforeAll(async () => {
  server = await startSessionServer();
  sim = await AtolSimulator.start({ port: 0 });
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/admin/stores/1/managers',
    headers: { authorization: `Bearer ${TEST_ADMIN}` },
    payload: { name: 'Ирина Петрова', pin: MANAGER_PIN },
  });
  expect(res.statusCode).toBeLessThan(300);
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
/** Weighed, priced per kilogram. */
const FRUIT = demoProduct(3);

async function returnScreen(): Promise<{ t: FiscalTill; lines: NoReceiptLine[]; refund: number }> {
  const t = await fiscalTill(server, sim);
  tills.push(t);
  await t.float(1_000_000);
  const w = t.world;
  const bread = (await w.db.products.get(BREAD.id))!;
  const fruit = (await w.db.products.get(FRUIT.id))!;
  w.session.key('F3');
  await w.settle();
  expect(w.state.mode).toBe('returning');
  const lines = [
    { product: bread, quantityMilli: 2_000 },
    { product: fruit, quantityMilli: 1_250 },
  ];
  return { t, lines, refund: bread.priceKopecks * 2 + Math.round((fruit.priceKopecks * 1_250) / 1000) };
}

/** The old page hangs on its lost answer, so it never settles: wait for the new page load instead. */
async function reloaded(w: TillWorld): Promise<void> {
  for (let i = 0; i < 1_000 && w.reloads === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(w.reloads).toBe(1);
}

const refundReceipts = () => sim.state().documents.filter((d) => d.kind === 'sellReturn');

/** What the till and head office recorded: returns without a receipt journaled, still pending, and at the server. */
async function recorded(t: FiscalTill) {
  const w = t.world;
  await w.settle();
  await w.waitFor(async () => (await w.db.outbox.count()) === 0, 'the return sent to head office');
  const approvals = (await w.db.approvals.toArray()).filter((a) => a.action === 'returnNoReceipt');
  const tallied = (await w.db.tally.bulkGet(approvals.map((a) => a.id))).filter(Boolean);
  const rows = await server.db.query<{ after_kopecks: string | number }>(
    `SELECT after_kopecks FROM approvals WHERE action = 'returnNoReceipt' AND event_id = ANY($1::uuid[])`,
    [approvals.map((a) => a.id)],
  );
  return { approvals, tallied: tallied.length, pending: await w.db.pendingNoReceipt.count(), atServer: rows.map((r) => Number(r.after_kopecks)) };
}

describe('return without a receipt on a till with a register', () => {
  it('the manager approves, one refund receipt is printed for the refund, and the return is recorded once', async () => {
    const { t, lines, refund } = await returnScreen();
    const w = t.world;
    const outcome = w.session.returnWithoutReceipt(lines);
    await w.settle();
    await w.run(w.session.approve({ pin: MANAGER_PIN }));
    expect(await outcome).toEqual({ ok: true, refund, managerName: 'Ирина Петрова' });
    expect(refundReceipts()).toHaveLength(1);
    expect(refundReceipts()[0]!.totalKopecks).toBe(refund);
    expect(refundReceipts()[0]!.payments).toEqual([{ type: 'cash', kopecks: refund }]);
    const r = await recorded(t);
    expect(r).toMatchObject({ tallied: 1, pending: 0, atServer: [refund] });
    expect(sim.state().invalidTasks).toEqual([]);
  });

  it('the till dies after the register printed the refund and before it was recorded: at start it finds the receipt, prints nothing more and records the return once', async () => {
    const { t, lines, refund } = await returnScreen();
    const w = t.world;
    void w.session.returnWithoutReceipt(lines);
    await w.settle();
    t.crashOn('afterSend');
    // The page dies inside the approval: the old page never hears the register's answer.
    void w.session.approve({ pin: MANAGER_PIN });
    await reloaded(w);
    await w.settle();
    expect(refundReceipts()).toHaveLength(1);
    expect(t.fiscalises()).toBe(2);
    expect(w.state.notice?.key).toBe('return.noReceipt.resumed');
    const r = await recorded(t);
    expect(r).toMatchObject({ tallied: 1, pending: 0, atServer: [refund] });
    // Another reload changes nothing.
    w.openPage();
    await w.settle();
    expect(refundReceipts()).toHaveLength(1);
    expect((await recorded(t)).atServer).toEqual([refund]);
    expect(sim.state().invalidTasks).toEqual([]);
  });

  it('the till dies after storing the marker and before the register got the receipt: at start the refund is printed once and recorded once', async () => {
    const { t, lines, refund } = await returnScreen();
    const w = t.world;
    void w.session.returnWithoutReceipt(lines);
    await w.settle();
    t.crashOn('beforeSend');
    void w.session.approve({ pin: MANAGER_PIN });
    await reloaded(w);
    await w.settle();
    expect(refundReceipts()).toHaveLength(1);
    expect(refundReceipts()[0]!.totalKopecks).toBe(refund);
    const r = await recorded(t);
    expect(r).toMatchObject({ tallied: 1, pending: 0, atServer: [refund] });
  });

  it('out of paper: nothing is recorded and the return waits; the cashier retries the same goods without a second approval and one receipt is printed', async () => {
    const { t, lines, refund } = await returnScreen();
    const w = t.world;
    sim.setFaults({ paperOut: true });
    const blocked = w.session.returnWithoutReceipt(lines);
    await w.settle();
    await w.run(w.session.approve({ pin: MANAGER_PIN }));
    expect(await blocked).toEqual({ ok: false, message: 'fiscal:paperOut' });
    expect(refundReceipts()).toHaveLength(0);
    expect(await w.db.pendingNoReceipt.count()).toBe(1);
    expect(await w.db.approvals.count()).toBe(0);

    // Still no paper: the retry says so again and records nothing.
    expect(await w.run(w.session.returnWithoutReceipt(lines))).toEqual({ ok: false, message: 'fiscal:paperOut' });
    expect(w.state.desk.approval).toBeNull();
    sim.setFaults({ paperOut: false });
    const retried = await w.run(w.session.returnWithoutReceipt([...lines].reverse()));
    expect(retried).toEqual({ ok: true, refund, managerName: 'Ирина Петрова' });
    expect(w.state.desk.approval).toBeNull();
    expect(refundReceipts()).toHaveLength(1);
    const r = await recorded(t);
    expect(r).toMatchObject({ tallied: 1, pending: 0, atServer: [refund] });

    // Different goods next: a new return, a new approval.
    const next = w.session.returnWithoutReceipt([lines[0]!]);
    await w.settle();
    expect(w.state.desk.approval).toMatchObject({ action: 'returnNoReceipt' });
    await w.run(w.session.approve({ pin: MANAGER_PIN }));
    expect(await next).toMatchObject({ ok: true });
    expect(refundReceipts()).toHaveLength(2);
  });
});
