import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { priceReceipt } from '../../../core/engine';
import { line, member, sale } from '../../../core/engine/testkit';
import { createFiscalRegister } from '../../../drivers/fiscal';
import { AtolSimulator } from '../../../drivers/testing/atolSimulator';
import { createFiscalService, type FiscalService } from '../../../electron/host/fiscalService';
import type { SaleEvent } from '../../protocol/events';
import type { HostRequest } from '../../protocol/host';
import type { DraftFiscal } from '../records';
import { cashMovement, fiscaliseSale, registerTotals, saleReceipt, shiftAction, type FiscalStepDeps } from './fiscalStep';

// The real chain below the session: the ATOL adapter, the host's fiscal service and the simulator.
let sim: AtolSimulator;
let service: FiscalService;
beforeAll(async () => {
  sim = await AtolSimulator.start({ port: 0 });
});
afterAll(() => sim.close());
afterEach(async () => {
  await service?.close();
  sim.reset();
});

function deps(saved: DraftFiscal[], onRequest?: (req: HostRequest) => void): FiscalStepDeps {
  const register = createFiscalRegister({
    kind: 'atol-web',
    url: sim.url,
    pollIntervalMs: 10,
    requestTimeoutMs: 1_000,
    taskTimeoutMs: 2_000,
    markingTimeoutMs: 1_000,
    defaultVat: 'vat22',
    bonuses: 'discount',
    enabled: true,
  })!;
  service = createFiscalService(register, { defaultVat: 'vat22', bonuses: 'discount' });
  return {
    request: async (req) => {
      onRequest?.(req);
      if (req.op !== 'fiscal') throw new Error('only fiscal requests here');
      return { ok: true, value: await service.handle(req) };
    },
    settings: { defaultVat: 'vat22', bonuses: 'discount' },
    products: (id) => ({ name: `Товар ${id}` }),
    cashierName: 'Анна Смирнова',
    bonusUnitKopecks: 100,
    save: async (f) => void saved.push(f),
  };
}

function draft(method: 'cash' | 'card' = 'card'): DraftFiscal {
  const priced = priceReceipt(
    sale({ receiptId: 'T1-0001', lines: [line('l1', 'p1', ['dairy'], 8_990, 2_000), line('l2', 'p2', ['fruit'], 15_990, 1_234, true)] }),
  );
  // Only what the step reads: the payment method and the time.
  const event = { occurredAt: '2026-12-01T10:00:00.000Z', payment: { method, amountKopecks: priced.totals.payable } } as SaleEvent;
  return { receiptId: 'T1-0001', event, priced, change: 0, pending: null };
}

const sells = () => sim.state().documents.filter((d) => d.kind === 'sell');

describe('fiscal step', () => {
  it('stores the marker before the receipt is sent, opens a closed shift and fiscalises once', async () => {
    const saved: DraftFiscal[] = [];
    const order: string[] = [];
    const d = deps(saved, (req) => req.op === 'fiscal' && order.push(`${req.action}${req.action === 'fiscalise' ? `:saved=${saved.length}` : ''}`));
    const r = await fiscaliseSale(d, draft(), null);
    expect(r.ok).toBe(true);
    expect(order[0]).toBe('start');
    expect(order[1]).toBe('fiscalise:saved=1');
    expect(saved[0]!.pending?.lastDocumentBefore).toBe(0);
    expect(sells()).toHaveLength(1);
    expect(sells()[0]!.totalKopecks).toBe(draft().priced.totals.payable);
    if (r.ok) {
      expect(r.fiscal.documentNumber).toBe(sells()[0]!.number);
      expect(r.event.fiscal).toEqual(r.fiscal);
    }
    expect(sim.state().invalidTasks).toEqual([]);
  });

  it("the customer's phone or e-mail for an electronic receipt reaches the register with the sale (tag 1008)", async () => {
    const d = deps([]);
    const r = await fiscaliseSale(d, { ...draft('cash'), receiptContact: '+79161234567' }, null);
    expect(r.ok).toBe(true);
    expect(sells()[0]!.customerContact).toBe('+79161234567');
    await fiscaliseSale(d, { ...draft('cash'), receiptId: 'T1-0002' }, null);
    expect(sells()[1]!.customerContact).toBeUndefined();
    expect(sim.state().invalidTasks).toEqual([]);
  });

  it("a card customer's receipt prints the loyalty block, the cashier's name and from when the bonuses earned can be spent", async () => {
    const d = { ...deps([]), bonusWait: { pendingDays: 14, timeZone: 'Europe/Moscow' } };
    const f = draft('cash');
    expect(f.priced.totals.accrued).toBeGreaterThan(0);
    const r = await fiscaliseSale(d, f, 10_000 + f.priced.totals.accrued);
    expect(r.ok).toBe(true);
    const sold = sells()[0]!;
    expect(sold.operator).toBe('Анна Смирнова');
    // Sold 2026-12-01 10:00 UTC = 13:00 in Moscow; pending 14 days.
    expect(sold.text).toEqual([
      'Программа лояльности',
      expect.stringMatching(/^Начислено: /),
      expect.stringMatching(/^Баланс: /),
      'Начисленные бонусы можно потратить с 15.12.2026 13:00. Ждём вас снова!',
    ]);
    expect(sim.state().invalidTasks).toEqual([]);
  });

  it('paper out blocks with its code and keeps the marker; the retry with it prints one receipt', async () => {
    const saved: DraftFiscal[] = [];
    const d = deps(saved);
    await service.handle({ op: 'fiscal', action: 'openShift', cashier: { name: 'Анна' } });
    sim.setFaults({ paperOut: true });
    const blocked = await fiscaliseSale(d, draft(), null);
    expect(blocked).toMatchObject({ ok: false, error: 'paperOut' });
    expect(sells()).toHaveLength(0);
    sim.setFaults({ paperOut: false });
    if (blocked.ok) throw new Error('unreachable');
    expect(blocked.draft.pending).not.toBeNull();
    const retried = await fiscaliseSale(d, blocked.draft, null);
    expect(retried.ok).toBe(true);
    expect(sells()).toHaveLength(1);
  });

  it('an answer lost after the register fiscalised (a crash) is found again with the stored marker, never printed twice', async () => {
    const saved: DraftFiscal[] = [];
    const d = deps(saved);
    await service.handle({ op: 'fiscal', action: 'openShift', cashier: { name: 'Анна' } });
    sim.setFaults({ crashAfterAccept: 1 });
    const first = await fiscaliseSale(d, draft(), null);
    expect(sells()).toHaveLength(1);
    // Either found at once after the lost answer, or on the retry (the till restarted with the draft).
    const stored = saved.at(-1)!;
    const again = await fiscaliseSale(d, stored, null);
    expect(again.ok).toBe(true);
    expect(sells()).toHaveLength(1);
    if (first.ok && again.ok) expect(again.fiscal.documentNumber).toBe(first.fiscal.documentNumber);
  });

  it('an offline register blocks before anything is sent; no marker is stored', async () => {
    const saved: DraftFiscal[] = [];
    const d = deps(saved);
    sim.setFaults({ offline: true });
    const r = await fiscaliseSale(d, draft('cash'), null);
    expect(r).toMatchObject({ ok: false, error: 'offline' });
    expect(saved).toHaveLength(0);
    expect(sim.state().documents).toHaveLength(0);
  });

  it('X report and Z report answer the shift for the manager screen', async () => {
    const d = deps([]);
    expect(await shiftAction(d, 'openShift')).toMatchObject({ ok: true, value: { shiftNumber: 1 } });
    await fiscaliseSale(d, draft('cash'), null);
    expect(await shiftAction(d, 'reportX')).toMatchObject({ ok: true });
    expect(await shiftAction(d, 'closeShift')).toMatchObject({ ok: true, value: { shiftNumber: 1, receiptsCount: 1 } });
    expect(sim.state().shift).toBe('closed');
    expect(await shiftAction(d, 'closeShift')).toMatchObject({ ok: false, error: 'shiftClosed' });
  });

  it('the manager opens the cash drawer from the register without a sale: no document, nothing fiscal', async () => {
    const d = deps([]);
    expect(await shiftAction(d, 'openCashDrawer')).toEqual({ ok: true, value: { shiftNumber: null, documentNumber: null, receiptsCount: null } });
    expect(sim.state().received['openCashDrawer']).toBe(1);
    expect(sim.state().documents).toEqual([]);
    sim.setFaults({ offline: true });
    expect(await shiftAction(d, 'openCashDrawer')).toEqual({ ok: false, error: 'offline' });
    expect(sim.state().invalidTasks).toEqual([]);
  });

  it("a cash in on a closed shift opens it first, once; the register's counters show the movements", async () => {
    const d = deps([]);
    expect(await cashMovement(d, 'cashIn', 'float-1', 500_000, 'Размен')).toEqual({ ok: true, value: { cashInDrawerKopecks: 500_000 } });
    expect(sim.state().documents.map((doc) => doc.kind)).toEqual(['openShift']);
    expect(await cashMovement(d, 'cashOut', 'pickup-1', 200_000, 'Инкассация')).toEqual({ ok: true, value: { cashInDrawerKopecks: 300_000 } });
    expect(sim.state().cashMovements.map((m) => [m.kind, m.kopecks, m.text])).toEqual([
      ['cashIn', 500_000, ['Основание: Размен']],
      ['cashOut', 200_000, ['Основание: Инкассация']],
    ]);
    expect(await registerTotals(d)).toMatchObject({
      ok: true,
      value: { shiftNumber: 1, cashIn: { count: 1, totalKopecks: 500_000 }, cashOut: { count: 1, totalKopecks: 200_000 }, cashInDrawerKopecks: 300_000 },
    });
    // More than the drawer holds: refused with its code, nothing recorded.
    expect(await cashMovement(d, 'cashOut', 'pickup-2', 900_000, '')).toEqual({ ok: false, error: 'notEnoughCash' });
    expect(sim.state().cashMovements).toHaveLength(2);
  });
});

describe('next-order coupon on the fiscal receipt (issue 16)', () => {
  it("prints the coupon's code and days in the receipt's text part, after the loyalty block", () => {
    const d = draft('cash');
    const validFromMs = Date.parse('2026-12-01T21:00:00.000Z'); // Moscow midnight of 2 December
    const event = { ...d.event, sale: { at: { kind: 'local', year: 2026, month: 12, day: 1, hour: 13, minute: 0 } } } as SaleEvent;
    const withCoupon = {
      ...d,
      event: {
        ...event,
        nextOrderCoupons: [{ code: 'N23456789ABC', offerId: 'next', couponOfferId: 'c', validFromMs, validToMs: validFromMs + 14 * 86_400_000 }],
      },
    };
    const receipt = saleReceipt(deps([]), withCoupon, 5_000);
    expect(receipt.textLines?.slice(-2)).toEqual(['Купон на следующую покупку: N23456789ABC', 'Действует с 02.12.2026 по 15.12.2026']);
    expect(receipt.textLines?.[0]).toBe('Программа лояльности');
    expect(saleReceipt(deps([]), { ...d, event }, 5_000).textLines?.some((l) => l.startsWith('Купон'))).toBe(false);
  });

  describe("bonuses spent, as the chain's programme books them", () => {
    // A card customer spends 50 roubles of bonuses on a 200.98-rouble basket, paid in cash.
    const spending = (): DraftFiscal => {
      const priced = priceReceipt(
        sale({
          receiptId: 'T1-0100',
          customer: member({ availableBonusKopecks: 100_000 }),
          redeem: 5_000,
          lines: [line('l1', 'p1', ['dairy'], 8_990, 2_000), line('l2', 'p2', ['grocery'], 2_118)],
        }),
      );
      const event = { occurredAt: '2026-12-01T10:00:00.000Z', payment: { method: 'cash', amountKopecks: priced.totals.payable } } as SaleEvent;
      return { receiptId: 'T1-0100', event, priced, change: 0, pending: null };
    };
    const paidBy = () => sells()[0]!.payments ?? [];

    it('pays them by the register\'s payment type "other" when the chain says so, though the device config says discount', async () => {
      const f = spending();
      expect(f.priced.totals.redeemed).toBe(5_000);
      const d: FiscalStepDeps = { ...deps([]), programmeBonuses: 'otherPayment' };
      expect(d.settings.bonuses).toBe('discount');
      const r = await fiscaliseSale(d, f, null);
      expect(r.ok).toBe(true);
      // ATOL's JSON task: payment type "other" (4 in its numbered list) carries the bonuses, cash the rest.
      expect(paidBy()).toEqual([
        { type: 'cash', kopecks: f.priced.totals.payable },
        { type: 'other', kopecks: 5_000 },
      ]);
      // The positions are at their price before bonuses: they add up to the money and the bonuses.
      const positions = sells()[0]!.positions!;
      expect(positions.reduce((s, p) => s + p.amountKopecks, 0)).toBe(f.priced.totals.payable + 5_000);
      expect(sim.state().invalidTasks).toEqual([]);
    });

    it('folds them into the prices when the chain says discount, though the device config says "other"', async () => {
      const f = spending();
      const base = deps([]);
      const d: FiscalStepDeps = { ...base, settings: { ...base.settings, bonuses: 'otherPayment' }, programmeBonuses: 'discount' };
      expect((await fiscaliseSale(d, f, null)).ok).toBe(true);
      expect(paidBy()).toEqual([{ type: 'cash', kopecks: f.priced.totals.payable }]);
      expect(sells()[0]!.positions!.reduce((s, p) => s + p.amountKopecks, 0)).toBe(f.priced.totals.payable);
    });

    it("keeps the device config's choice while the till has no programme setting", async () => {
      const base = deps([]);
      const f = spending();
      expect((await fiscaliseSale({ ...base, settings: { ...base.settings, bonuses: 'otherPayment' } }, f, null)).ok).toBe(true);
      expect(paidBy().find((p) => p.type === 'other')?.kopecks).toBe(5_000);
      sim.reset();
      expect((await fiscaliseSale(base, { ...spending(), receiptId: 'T1-0101' }, null)).ok).toBe(true);
      expect(paidBy().map((p) => p.type)).toEqual(['cash']);
    });
  });
});
