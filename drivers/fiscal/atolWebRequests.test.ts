import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { priceReceipt, priceReturn, type PricedReceipt } from '../../core/engine';
import { line, member, sale } from '../../core/engine/testkit';
import { returnPositions, salePositions, type FiscalProduct, type FiscalSettings, type MarkingCodes } from '../../core/fiscal/receiptPositions';
import { receiptPayments } from '../../core/fiscal/receiptPayments';
import { loyaltyTextLines } from '../../core/fiscal/loyaltyText';
import { AtolSimulator } from '../testing/atolSimulator';
import { AtolWebRegister, type AtolWebRegisterOptions } from './atolWebRequests';
import { fiscaliseOnce, startFiscalisation } from './fiscaliseOnce';
import type { FiscalReceipt, FiscalResult } from './fiscalRegister';

const CASHIER = { name: 'Иванова А.', inn: '500100732259' };
const PRODUCTS: Record<string, FiscalProduct> = {
  apples: { name: 'Яблоки Гала, кг', vat: 'vat10' },
  water: { name: 'Вода питьевая 0,5 л', vat: 'vat22', marked: true },
  bread: { name: 'Хлеб Бородинский', vat: 'vat10' },
};
const SETTINGS: FiscalSettings = { defaultVat: 'vat22', bonuses: 'otherPayment' };
const WATER_1 = '0104607004650018215ABCDEfghij\u001d93dGVz';
const WATER_2 = '0104607004650018215KLMNOpqrst\u001d93dGVz';

/** A priced basket: 1.234 kg of apples, two marked waters, bread; 50 ₽ of bonuses spent. */
function pricedBasket(receiptId = 'r-1'): PricedReceipt {
  return priceReceipt(
    sale({
      receiptId,
      lines: [line('l1', 'apples', ['fruit'], 18_990, 1_234, true), line('l2', 'water', ['drinks'], 6_990, 2000), line('l3', 'bread', ['bakery'], 5_490)],
      customer: member({ availableBonusKopecks: 20_000 }),
      redeem: 5_000,
    }),
  );
}

function fiscalReceipt(priced: PricedReceipt, codes: MarkingCodes = { l2: [WATER_1, WATER_2] }, cardShare = 0.5): FiscalReceipt {
  const fp = salePositions(priced, (id) => PRODUCTS[id], SETTINGS, codes);
  return {
    receiptId: priced.receiptId,
    positions: fp.positions,
    payments: receiptPayments(fp, Math.floor(fp.moneyKopecks * cardShare)),
    cashier: CASHIER,
    customerContact: '+79161234567',
    textLines: loyaltyTextLines({
      accruedKopecks: priced.totals.accrued,
      redeemedKopecks: priced.totals.redeemed,
      balanceAfterKopecks: 15_000,
      bonusUnitKopecks: 100,
    }),
  };
}

/** A cash sale of unmarked goods (apples and bread), no loyalty card. */
function cashReceipt(receiptId: string): FiscalReceipt {
  const priced = priceReceipt(
    sale({ receiptId, customer: null, lines: [line('l1', 'apples', ['fruit'], 18_990, 1_234, true), line('l3', 'bread', ['bakery'], 5_490)] }),
  );
  const fp = salePositions(priced, (id) => PRODUCTS[id], SETTINGS);
  return { receiptId, positions: fp.positions, payments: receiptPayments(fp, 0), cashier: CASHIER };
}

function value<T>(r: FiscalResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.detail}`);
  return r.value;
}

function error<T>(r: FiscalResult<T>) {
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

let sim: AtolSimulator;
let register: AtolWebRegister;

function registerFor(url: string, overrides: Partial<AtolWebRegisterOptions> = {}): AtolWebRegister {
  return new AtolWebRegister({ url, pollIntervalMs: 5, requestTimeoutMs: 2_000, taskTimeoutMs: 10_000, markingTimeoutMs: 5_000, ...overrides });
}

const sells = () => sim.state().documents.filter((d) => d.kind === 'sell');

async function checkCodes(codes: readonly string[], operation: 'sell' | 'return' = 'sell') {
  for (const code of codes) value(await register.validateMarkingCode({ code, operation }));
}

beforeEach(async () => {
  sim = await AtolSimulator.start();
  register = registerFor(sim.url);
});

afterEach(async () => {
  // Every task the adapter sent passed the schemas written from the vendor's documentation.
  expect(sim.state().invalidTasks).toEqual([]);
  await register.close();
  await sim.close();
});

describe('ATOL web requests adapter', () => {
  it('fiscalises a sale with a weighed and a marked item, paid by card and bonuses, once', async () => {
    const opened = value(await register.openShift(CASHIER));
    expect(opened.shiftNumber).toBe(1);
    await checkCodes([WATER_1, WATER_2]);

    const priced = pricedBasket();
    const receipt = fiscalReceipt(priced);
    const doc = value(await register.sell(receipt));
    expect(doc.documentNumber).toBe(2);
    expect(doc.fiscalSign).toMatch(/^\d+$/);
    expect(doc.totalKopecks).toBe(priced.totals.net);
    expect(doc.receiptNumber).toBe(1);
    expect(doc.notPrinted).toBe(false);

    const [printed] = sells();
    expect(printed?.totalKopecks).toBe(priced.totals.net);
    expect(printed?.payments).toEqual([
      { type: 'electronically', kopecks: Math.floor(priced.totals.payable / 2) },
      { type: 'cash', kopecks: priced.totals.payable - Math.floor(priced.totals.payable / 2) },
      { type: 'other', kopecks: 5_000 },
    ]);
    expect(printed?.positions?.find((p) => p.name.startsWith('Яблоки'))).toMatchObject({ quantityMilli: 1_234, tax: 'vat10' });
    expect(printed?.positions?.filter((p) => p.markingCode).map((p) => p.markingCode)).toEqual([WATER_1, WATER_2]);
    expect(printed?.customerContact).toBe('+79161234567');
    expect(printed?.operator).toBe(CASHIER.name);
    expect(printed?.text?.[0]).toBe('Программа лояльности');

    // Asked again with the same receipt id: the same document, nothing sent to the register.
    expect(value(await register.sell(receipt))).toEqual(doc);
    expect(sells()).toHaveLength(1);
    expect(sim.state().received.sell).toBe(1);
  });

  it('returns marked goods only with their codes checked again', async () => {
    value(await register.openShift(CASHIER));
    await checkCodes([WATER_1, WATER_2]);
    const priced = pricedBasket();
    value(await register.sell(fiscalReceipt(priced)));

    const returned = priceReturn(priced, [{ lineId: 'l2', quantityMilli: 1000 }]);
    const fp = returnPositions(priced, returned, (id) => PRODUCTS[id], SETTINGS, { l2: [WATER_2] });
    const refund: FiscalReceipt = { receiptId: 'ret-1', positions: fp.positions, payments: receiptPayments(fp, 0), cashier: CASHIER };

    const unchecked = error(await register.sellReturn(refund));
    expect(unchecked).toMatchObject({ code: 'markingRejected', outcomeUnknown: false });

    await checkCodes([WATER_2], 'return');
    const doc = value(await register.sellReturn(refund));
    expect(doc.totalKopecks).toBe(fp.totalKopecks);
    expect(sim.state().documents.filter((d) => d.kind === 'sellReturn')).toHaveLength(1);
  });

  it("reads the register's shift counters: receipts by payment type, returns, cash in and out", async () => {
    value(await register.openShift(CASHIER));
    value(await register.cashIn({ operationId: 'float-t', amountKopecks: 100_000, cashier: CASHIER, reason: 'Размен' }));
    await checkCodes([WATER_1, WATER_2]);
    const receipt = fiscalReceipt(pricedBasket('r-t'));
    value(await register.sell(receipt));
    const paid = (kind: 'cash' | 'card' | 'bonus') => receipt.payments.filter((p) => p.kind === kind).reduce((s, p) => s + p.amountKopecks, 0);
    value(await register.sellReturn(cashReceipt('r-back')));
    const back = cashReceipt('r-back').payments[0]!.amountKopecks;
    value(await register.cashOut({ operationId: 'pickup-t', amountKopecks: 30_000, cashier: CASHIER, reason: 'Инкассация' }));

    const totals = value(await register.shiftTotals());
    expect(totals).toEqual({
      shiftNumber: 1,
      sell: {
        count: 1,
        totalKopecks: paid('cash') + paid('card') + paid('bonus'),
        cashKopecks: paid('cash'),
        cardKopecks: paid('card'),
        otherKopecks: paid('bonus'),
      },
      sellReturn: { count: 1, totalKopecks: back, cashKopecks: back, cardKopecks: 0, otherKopecks: 0 },
      cashIn: { count: 1, totalKopecks: 100_000 },
      cashOut: { count: 1, totalKopecks: 30_000 },
      cashInDrawerKopecks: 100_000 + paid('cash') - back - 30_000,
    });
    // The slip carries its reason; the register keeps the movement with its shift.
    expect(sim.state().cashMovements.map((m) => [m.kind, m.text])).toEqual([
      ['cashIn', ['Основание: Размен']],
      ['cashOut', ['Основание: Инкассация']],
    ]);
    // A new shift starts its counters from nothing.
    value(await register.closeShift(CASHIER));
    expect(value(await register.shiftTotals())).toMatchObject({ shiftNumber: 1, sell: { count: 1 } });
    value(await register.openShift(CASHIER));
    expect(value(await register.shiftTotals())).toMatchObject({ shiftNumber: 2, sell: { count: 0, totalKopecks: 0 }, cashIn: { count: 0 } });
  });

  it('X report, cash in and out, and the Z report', async () => {
    value(await register.openShift(CASHIER));
    expect(value(await register.cashIn({ operationId: 'float-1', amountKopecks: 500_000, cashier: CASHIER, reason: 'Размен' }))).toEqual({
      cashInDrawerKopecks: 500_000,
    });
    // The same movement asked for again is not recorded twice.
    expect(value(await register.cashIn({ operationId: 'float-1', amountKopecks: 500_000, cashier: CASHIER }))).toEqual({ cashInDrawerKopecks: 500_000 });
    expect(value(await register.cashOut({ operationId: 'pickup-1', amountKopecks: 200_000, cashier: CASHIER, reason: 'Инкассация' }))).toEqual({
      cashInDrawerKopecks: 300_000,
    });
    expect(error(await register.cashOut({ operationId: 'pickup-2', amountKopecks: 900_000, cashier: CASHIER }))).toMatchObject({ code: 'notEnoughCash' });
    expect(sim.state().cashMovements.map((m) => [m.kind, m.kopecks])).toEqual([
      ['cashIn', 500_000],
      ['cashOut', 200_000],
    ]);

    await checkCodes([WATER_1, WATER_2]);
    value(await register.sell(fiscalReceipt(pricedBasket())));
    value(await register.reportX(CASHIER));
    expect(sim.state().printed.at(-1)?.[0]).toMatch(/^X-отчёт/);

    const z = value(await register.closeShift(CASHIER));
    expect(z).toMatchObject({ shiftNumber: 1, receiptsCount: 1 });
    expect(z.document.documentNumber).toBe(3);
    expect(value(await register.shiftStatus())).toMatchObject({ state: 'closed', number: 1 });
    expect(error(await register.closeShift(CASHIER)).code).toBe('shiftClosed');
  });

  it('paper out mid-sale: the sale is blocked with nothing fiscalised, and goes through once when paper is back', async () => {
    value(await register.openShift(CASHIER));
    await checkCodes([WATER_1, WATER_2]);
    sim.setFaults({ paperOut: true });
    const receipt = fiscalReceipt(pricedBasket());
    expect(error(await register.sell(receipt))).toMatchObject({ code: 'paperOut', vendorCode: 44, outcomeUnknown: false });
    expect(value(await register.deviceStatus()).paperPresent).toBe(false);
    expect(sells()).toHaveLength(0);

    sim.setFaults({ paperOut: false });
    const doc = value(await register.sell(receipt));
    expect(value(await register.sell(receipt))).toEqual(doc);
    expect(sells()).toHaveLength(1);
  });

  it('register offline, or its web server down: blocked, and known not to be fiscalised', async () => {
    value(await register.openShift(CASHIER));
    sim.setFaults({ offline: true });
    const cashOnly = cashReceipt('r-1');
    expect(error(await register.sell(cashOnly))).toMatchObject({ code: 'offline', outcomeUnknown: false });
    expect(error(await register.shiftStatus()).code).toBe('offline');

    // A port nobody listens on (and no pooled connection to it): certainly not sent.
    const gone = await AtolSimulator.start();
    const port = gone.port;
    await gone.close();
    const nowhere = registerFor(`http://127.0.0.1:${port}`);
    expect(error(await nowhere.sell(cashOnly))).toMatchObject({ code: 'offline', outcomeUnknown: false });
    expect(error(await nowhere.deviceStatus()).code).toBe('offline');
    await nowhere.close();
  });

  it('a crash between accept and answer: the document is found in the fiscal drive and never fiscalised twice', async () => {
    value(await register.openShift(CASHIER));
    await checkCodes([WATER_1, WATER_2]);
    const receipt = fiscalReceipt(pricedBasket());
    const pending = value(await startFiscalisation(register, 'sell', receipt));
    expect(pending.lastDocumentBefore).toBe(0);

    sim.setFaults({ crashAfterAccept: 1 });
    const lost = error(await register.sell(receipt));
    expect(lost.outcomeUnknown).toBe(true);
    expect(sells()).toHaveLength(1);

    // After the crash (or a restart), the till resolves the pending receipt instead of sending it again.
    const resolved = value(await fiscaliseOnce(register, pending));
    expect(resolved.recovered).toBe(true);
    expect(resolved.document.documentNumber).toBe(sells()[0]?.number);
    expect(resolved.document.fiscalSign).toBe(sells()[0]?.sign);
    expect(value(await fiscaliseOnce(register, pending)).document).toEqual(resolved.document);
    expect(sells()).toHaveLength(1);
    expect(sim.state().received.sell).toBe(1);
  });

  it('fiscaliseOnce sends a receipt that never reached the register, once', async () => {
    value(await register.openShift(CASHIER));
    await checkCodes([WATER_1, WATER_2]);
    const first = value(await startFiscalisation(register, 'sell', fiscalReceipt(pricedBasket('r-1'))));
    expect(value(await fiscaliseOnce(register, first)).recovered).toBe(false);

    // A second sale of the same total is not mistaken for the first one.
    await checkCodes([WATER_1, WATER_2]);
    const second = value(await startFiscalisation(register, 'sell', fiscalReceipt(pricedBasket('r-2'))));
    expect(second.lastDocumentBefore).toBe(2);
    const sent = value(await fiscaliseOnce(register, second));
    expect(sent).toMatchObject({ recovered: false, document: { documentNumber: 3 } });
    expect(sells()).toHaveLength(2);
  });

  it('a slow answer: the till stops waiting, and asking again finds the first attempt rather than printing twice', async () => {
    const impatient = registerFor(sim.url, { taskTimeoutMs: 200 });
    value(await impatient.openShift(CASHIER));
    await checkCodes([WATER_1, WATER_2]);
    sim.setFaults({ holdTasks: true });
    const receipt = fiscalReceipt(pricedBasket());
    expect(error(await impatient.sell(receipt))).toMatchObject({ code: 'timeout', outcomeUnknown: true });

    sim.setFaults({ holdTasks: false });
    const doc = value(await impatient.sell(receipt));
    expect(sells()).toHaveLength(1);
    expect(sim.state().received.sell).toBe(1);
    expect(doc.documentNumber).toBe(2);
    await impatient.close();
  });

  it('a receipt still queued behind a stuck job is withdrawn: its outcome is known', async () => {
    const impatient = registerFor(sim.url, { taskTimeoutMs: 150 });
    value(await impatient.openShift(CASHIER));
    sim.setFaults({ holdTasks: true });
    expect(error(await impatient.printText(['Копия чека'])).code).toBe('timeout');
    const cashOnly = cashReceipt('r-1');
    expect(error(await impatient.sell(cashOnly))).toMatchObject({ code: 'timeout', outcomeUnknown: false });

    sim.setFaults({ holdTasks: false });
    expect(value(await impatient.sell(cashOnly)).totalKopecks).toBe(cashOnly.payments[0]?.amountKopecks);
    expect(sells()).toHaveLength(1);
    await impatient.close();
  });

  it('marking codes: accepted, rejected by the operator or the fiscal drive, checked offline, required on the receipt', async () => {
    value(await register.openShift(CASHIER));
    expect(value(await register.validateMarkingCode({ code: WATER_1, operation: 'sell' }))).toEqual({ code: WATER_1, checkedOnline: true });

    sim.setFaults({ rejectMarkingCodes: [WATER_2] });
    expect(error(await register.validateMarkingCode({ code: WATER_2, operation: 'sell' }))).toMatchObject({ code: 'markingRejected', outcomeUnknown: false });
    expect(error(await register.validateMarkingCode({ code: 'not a marking code', operation: 'sell' })).detail).toMatch(/fiscal drive rejected/);

    sim.setFaults({ rejectMarkingCodes: [], markingOnline: false });
    expect(value(await register.validateMarkingCode({ code: WATER_2, operation: 'sell' }))).toEqual({ code: WATER_2, checkedOnline: false });

    // A code never checked is refused by the register itself.
    const receipt = fiscalReceipt(pricedBasket(), { l2: [WATER_1, '0104607004650018215UNCHECKED\u001d93x'] });
    expect(error(await register.sell(receipt))).toMatchObject({ code: 'markingRejected', vendorCode: 420 });
    expect(sells()).toHaveLength(0);
  });

  it('shift: a sale needs an open shift; after 24 hours it expires until closed with a Z report', async () => {
    const cashOnly = cashReceipt;
    expect(error(await register.sell(cashOnly('s-1')))).toMatchObject({ code: 'shiftClosed', outcomeUnknown: false });
    value(await register.openShift(CASHIER));
    expect(error(await register.openShift(CASHIER)).code).toBe('shiftAlreadyOpen');
    const status = value(await register.shiftStatus());
    expect(status.state).toBe('opened');
    expect(status.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/);

    sim.advanceClock(24 * 60 * 60 * 1000);
    expect(value(await register.shiftStatus()).state).toBe('expired');
    expect(error(await register.sell(cashOnly('s-1')))).toMatchObject({ code: 'shiftExpired', vendorCode: 68 });
    value(await register.closeShift(CASHIER));
    expect(value(await register.openShift(CASHIER)).shiftNumber).toBe(2);
    expect(value(await register.sell(cashOnly('s-1'))).shiftNumber).toBe(2);
  });

  it('device status, cash drawer and non-fiscal text', async () => {
    const status = value(await register.deviceStatus());
    expect(status).toMatchObject({ paperPresent: true, coverOpened: false, cashDrawerOpened: false, fiscal: true, fnPresent: true, shift: 'closed' });
    value(await register.openCashDrawer());
    expect(value(await register.deviceStatus()).cashDrawerOpened).toBe(true);
    value(await register.printText(['Слип оплаты', 'Одобрено']));
    expect(sim.state().printed).toContainEqual(['Слип оплаты', 'Одобрено']);
    expect(value(await register.lastFiscalDocument())).toBeNull();
  });

  it('refuses a receipt that does not add up without asking the register; a closed adapter answers offline', async () => {
    const receipt = fiscalReceipt(pricedBasket());
    const short: FiscalReceipt = { ...receipt, payments: [{ kind: 'cash', amountKopecks: 1 }] };
    expect(error(await register.sell(short))).toMatchObject({ code: 'invalidRequest', outcomeUnknown: false });
    expect(error(await register.sell({ ...receipt, receiptId: 'has spaces' })).code).toBe('invalidRequest');
    expect(error(await register.sell({ ...receipt, print: false, customerContact: undefined })).code).toBe('invalidRequest');
    expect(sim.state().received).toEqual({});
    await register.close();
    expect(error(await register.deviceStatus()).code).toBe('offline');
  });
});
