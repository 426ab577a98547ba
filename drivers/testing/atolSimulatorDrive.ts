import { createHash } from 'node:crypto';
import { lineAmount } from '../../core/engine/alloc';
import { ATOL_ERROR } from '../fiscal/atolErrors';
import type { AtolTask, AtolTaskOf, ItemInfoCheckResult } from '../fiscal/atolWebSchemas';

/**
 * The register behind the simulated ATOL web server: an in-memory fiscal drive with
 * document counters and fiscal signs, a shift that expires 24 hours after opening, a cash
 * drawer counter, paper, and the marking-code check. It executes tasks already checked
 * against the schemas and answers as the ATOL driver does: a result, or an error number
 * with the driver's (Russian) text.
 */

export interface DriveFaults {
  /** No paper: anything that prints fails with error 44. */
  paperOut: boolean;
  /** Codes the operator (Честный ЗНАК) rejects, as scanned (raw text). */
  rejectMarkingCodes: readonly string[];
  /** The register reaches the operator's server; false: codes are checked by the fiscal drive only. */
  markingOnline: boolean;
}

export type Execution = { ok: true; result: unknown } | { ok: false; code: number; description: string };

export interface SimPosition {
  name: string;
  priceKopecks: number;
  quantityMilli: number;
  amountKopecks: number;
  tax: string;
  markingCode?: string;
}

export interface SimDocument {
  number: number;
  kind: 'openShift' | 'closeShift' | 'sell' | 'sellReturn';
  at: string;
  sign: string;
  shiftNumber: number;
  receiptNumber?: number;
  totalKopecks?: number;
  receiptsCount?: number;
  positions?: SimPosition[];
  payments?: { type: string; kopecks: number }[];
  operator?: string;
  customerContact?: string;
  text?: string[];
  /** QR codes of the text part (a feedback link). */
  qrCodes?: string[];
}

export interface SimCashMovement {
  kind: 'cashIn' | 'cashOut';
  kopecks: number;
  at: string;
  shiftNumber: number;
  operator?: string | undefined;
  /** The slip's text lines after the amount (the till prints the reason there). */
  text: string[];
}

interface ReceiptCounters {
  count: number;
  sum: number;
  payments: Record<string, number>;
}

/** The shift's counters, as getShiftTotals answers them: kopecks here, roubles on the wire. */
interface ShiftCounters {
  sell: ReceiptCounters;
  sellReturn: ReceiptCounters;
  income: { count: number; sum: number };
  outcome: { count: number; sum: number };
}

const noCounters = (): ShiftCounters => ({
  sell: { count: 0, sum: 0, payments: {} },
  sellReturn: { count: 0, sum: 0, payments: {} },
  income: { count: 0, sum: 0 },
  outcome: { count: 0, sum: 0 },
});

const DAY_MS = 24 * 60 * 60 * 1000;
const FN_NUMBER = '9999078900012345';
const REGISTRATION_NUMBER = '0000000001002292';
const FNS_URL = 'www.nalog.gov.ru';

const refuse = (code: number, description: string): Execution => ({ ok: false, code, description });
const done = (result: unknown): Execution => ({ ok: true, result });

/** Moscow time, as the register prints it: 2026-03-12T12:00:00+03:00. */
export function moscowIso(ms: number): string {
  return `${new Date(ms + 3 * 60 * 60 * 1000).toISOString().slice(0, 19)}+03:00`;
}

function kopecks(roubles: number): number {
  return Math.round(roubles * 100);
}

interface PendingCheck {
  code: string;
  status: string;
  fmOk: boolean;
  polls: number;
  check: ItemInfoCheckResult | null;
}

export class SimFiscalDrive {
  readonly documents: SimDocument[] = [];
  readonly cashMovements: SimCashMovement[] = [];
  readonly printed: string[][] = [];
  private lastNumber = 0;
  private shift = { open: false, number: 0, openedAt: 0, receipts: 0 };
  /** Counters of the open shift, or of the last one once closed (until the next opens). */
  private counters: ShiftCounters = noCounters();
  private cash = 0;
  private drawerOpened = false;
  private pendingCheck: PendingCheck | null = null;
  /** Accepted codes with the estimated status they were checked for, waiting for their receipt. */
  private readonly accepted = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  get cashKopecks(): number {
    return this.cash;
  }

  shiftState(): 'closed' | 'opened' | 'expired' {
    if (!this.shift.open) return 'closed';
    return this.now() - this.shift.openedAt >= DAY_MS ? 'expired' : 'opened';
  }

  execute(task: AtolTask, faults: DriveFaults): Execution {
    switch (task.type) {
      case 'sell':
      case 'sellReturn':
        return this.receipt(task, faults);
      case 'openShift':
        if (this.shift.open) return refuse(ATOL_ERROR.deniedInOpenedShift, 'Смена открыта - операция невозможна');
        if (faults.paperOut) return refuse(ATOL_ERROR.noPaper, 'Нет бумаги');
        this.shift = { open: true, number: this.shift.number + 1, openedAt: this.now(), receipts: 0 };
        this.counters = noCounters();
        return done(this.fiscalResult(this.record({ kind: 'openShift', operator: task.operator?.name })));
      case 'closeShift': {
        if (!this.shift.open) return refuse(ATOL_ERROR.deniedInClosedShift, 'Смена закрыта - операция невозможна');
        if (faults.paperOut) return refuse(ATOL_ERROR.noPaper, 'Нет бумаги');
        const doc = this.record({ kind: 'closeShift', operator: task.operator?.name, receiptsCount: this.shift.receipts });
        this.shift.open = false;
        this.drawerOpened = false;
        return done(this.fiscalResult(doc));
      }
      case 'reportX':
        if (faults.paperOut) return refuse(ATOL_ERROR.noPaper, 'Нет бумаги');
        this.printed.push([`X-отчёт, смена ${this.shift.number}`]);
        return done(null);
      case 'cashIn':
      case 'cashOut': {
        const state = this.shiftState();
        if (state === 'closed') return refuse(ATOL_ERROR.deniedInClosedShift, 'Смена закрыта - операция невозможна');
        if (state === 'expired') return refuse(ATOL_ERROR.shiftExpired, 'Смена превысила 24 часа');
        if (faults.paperOut) return refuse(ATOL_ERROR.noPaper, 'Нет бумаги');
        const sum = kopecks(task.cashSum);
        if (task.type === 'cashOut' && sum > this.cash) return refuse(ATOL_ERROR.noCash, 'Недостаточно наличности в денежном ящике');
        this.cash += task.type === 'cashIn' ? sum : -sum;
        this.cashMovements.push({
          kind: task.type,
          kopecks: sum,
          at: moscowIso(this.now()),
          shiftNumber: this.shift.number,
          operator: task.operator?.name,
          text: (task.postItems ?? []).map((i) => i.text),
        });
        const counter = task.type === 'cashIn' ? this.counters.income : this.counters.outcome;
        counter.count += 1;
        counter.sum += sum;
        return done({ counters: { cashSum: this.cash / 100 } });
      }
      case 'openCashDrawer':
        this.drawerOpened = true;
        return done(null);
      case 'nonFiscal':
        if (faults.paperOut) return refuse(ATOL_ERROR.noPaper, 'Нет бумаги');
        this.printed.push(task.items.map((i) => i.text));
        return done(null);
      case 'continuePrint':
        return done(null);
      case 'getShiftStatus': {
        const state = this.shiftState();
        const expires = state === 'closed' ? this.now() : this.shift.openedAt + DAY_MS;
        return done({ shiftStatus: { state, number: this.shift.number, expiredTime: moscowIso(expires) } });
      }
      case 'getShiftTotals':
        return done({ shiftTotals: this.shiftTotals() });
      case 'getDeviceStatus':
        return done({
          deviceStatus: {
            blocked: false,
            coverOpened: false,
            currentDateTime: moscowIso(this.now()),
            fiscal: true,
            fnFiscal: true,
            fnPresent: true,
            paperPresent: !faults.paperOut,
            cashDrawerOpened: this.drawerOpened,
            shift: this.shiftState(),
          },
        });
      case 'getLastFiscalParams': {
        const forReceipt = task.forReceipt ?? false;
        const last = [...this.documents].reverse().find((d) => !forReceipt || d.kind === 'sell' || d.kind === 'sellReturn');
        if (!last)
          return done({ fiscalParams: { fnNumber: FN_NUMBER, registrationNumber: REGISTRATION_NUMBER, shiftNumber: this.shift.number, fnsUrl: FNS_URL } });
        return done(this.fiscalResult(last));
      }
      case 'beginMarkingCodeValidation':
        return this.beginCheck(task);
      case 'getMarkingCodeValidationStatus':
        return this.checkStatus(faults);
      case 'acceptMarkingCode': {
        const p = this.pendingCheck;
        if (!p || !p.check) return refuse(ATOL_ERROR.invalidMarkingCodeStatus, 'Проверка КМ не выполнена');
        this.accepted.set(p.code, p.status);
        this.pendingCheck = null;
        return done({ itemInfoCheckResult: p.check });
      }
      case 'declineMarkingCode':
      case 'cancelMarkingCodeValidation':
        this.pendingCheck = null;
        return done(null);
    }
  }

  private receipt(task: AtolTaskOf<'sell' | 'sellReturn'>, faults: DriveFaults): Execution {
    const state = this.shiftState();
    if (state === 'closed') return refuse(ATOL_ERROR.deniedInClosedShift, 'Смена закрыта - операция невозможна');
    if (state === 'expired') return refuse(ATOL_ERROR.shiftExpired, 'Смена превысила 24 часа');
    if (faults.paperOut) return refuse(ATOL_ERROR.noPaper, 'Нет бумаги');
    if (task.electronically && !task.clientInfo) return refuse(ATOL_ERROR.receiptParseError, 'Электронный чек без адреса покупателя');

    const positions: SimPosition[] = [];
    const selling = task.type === 'sell';
    const codes: string[] = [];
    for (const item of task.items) {
      if (item.type !== 'position') continue;
      const pos: SimPosition = {
        name: item.name,
        priceKopecks: kopecks(item.price),
        quantityMilli: Math.round(item.quantity * 1000),
        amountKopecks: kopecks(item.amount),
        tax: item.tax.type,
      };
      // The tax service's check of tag 1043 against 1079 x 1023, to the kopeck.
      if (lineAmount(pos.priceKopecks, pos.quantityMilli) !== pos.amountKopecks) {
        return refuse(ATOL_ERROR.invalidSum, `Неверная сумма позиции "${item.name}": ${item.price} x ${item.quantity} != ${item.amount}`);
      }
      if (item.imcParams) {
        const code = Buffer.from(item.imcParams.imc, 'base64').toString('utf8');
        const wanted = selling ? ['itemPieceSold', 'itemDryForSale'] : ['itemPieceReturn', 'itemDryReturn'];
        const checkedFor = this.accepted.get(code);
        if (checkedFor === undefined || !wanted.includes(checkedFor) || checkedFor !== item.imcParams.itemEstimatedStatus) {
          return refuse(ATOL_ERROR.markNotChecked, `Код маркировки позиции "${item.name}" не проверен`);
        }
        pos.markingCode = code;
        codes.push(code);
      }
      positions.push(pos);
    }
    if (positions.length === 0) return refuse(ATOL_ERROR.receiptParseError, 'Чек без позиций');
    const total = positions.reduce((s, p) => s + p.amountKopecks, 0);
    const payments = task.payments.map((p) => ({ type: p.type, kopecks: kopecks(p.sum) }));
    const paid = payments.reduce((s, p) => s + p.kopecks, 0);
    const cashPaid = payments.filter((p) => p.type === 'cash').reduce((s, p) => s + p.kopecks, 0);
    if (paid < total) return refuse(ATOL_ERROR.notFullyPaid, 'Чек оплачен не полностью');
    if (paid - cashPaid > total) return refuse(52, 'Сумма безналичных оплат превышает сумму чека');
    const cashDue = cashPaid - (paid - total);
    if (!selling && cashDue > this.cash) return refuse(ATOL_ERROR.noCash, 'Недостаточно наличности в денежном ящике');

    this.cash += selling ? cashDue : -cashDue;
    this.shift.receipts += 1;
    const counter = this.counters[task.type];
    counter.count += 1;
    counter.sum += total;
    for (const p of payments) {
      // Cash counts as it stays in the drawer: the change given back is not revenue.
      const kopecksPaid = p.type === 'cash' ? cashDue : p.kopecks;
      counter.payments[p.type] = (counter.payments[p.type] ?? 0) + kopecksPaid;
    }
    for (const code of codes) this.accepted.delete(code);
    const doc = this.record({
      kind: task.type,
      receiptNumber: this.shift.receipts,
      totalKopecks: total,
      positions,
      payments,
      operator: task.operator?.name,
      customerContact: task.clientInfo?.emailOrPhone,
      text: task.items.flatMap((i) => (i.type === 'text' ? [i.text] : [])),
      qrCodes: task.items.flatMap((i) => (i.type === 'barcode' ? [i.barcode] : [])),
    });
    return done(this.fiscalResult(doc));
  }

  private shiftTotals(): unknown {
    const r = (k: number) => k / 100;
    const receipts = (c: ReceiptCounters) => ({
      count: c.count,
      sum: r(c.sum),
      payments: Object.fromEntries(['cash', 'electronically', 'credit', 'prepaid', 'other'].map((t) => [t, r(c.payments[t] ?? 0)])),
    });
    const empty = receipts({ count: 0, sum: 0, payments: {} });
    return {
      shiftNumber: this.shift.number,
      cashDrawer: { sum: r(this.cash) },
      income: { count: this.counters.income.count, sum: r(this.counters.income.sum) },
      outcome: { count: this.counters.outcome.count, sum: r(this.counters.outcome.sum) },
      receipts: { sell: receipts(this.counters.sell), sellReturn: receipts(this.counters.sellReturn), buy: empty, buyReturn: empty },
    };
  }

  private beginCheck(task: AtolTaskOf<'beginMarkingCodeValidation'>): Execution {
    const code = Buffer.from(task.params.imc, 'base64').toString('utf8');
    // The fiscal drive checks the code's structure and crypto tail: a GS1 code starts 01 + GTIN + 21 + serial.
    const fmOk = /^01\d{14}21/.test(code);
    this.pendingCheck = { code, status: task.params.itemEstimatedStatus, fmOk, polls: 0, check: null };
    return done({ offlineValidation: { fmCheck: true, fmCheckResult: fmOk, fmCheckErrorReason: fmOk ? 'checked' : 'noGS1' } });
  }

  private checkStatus(faults: DriveFaults): Execution {
    const p = this.pendingCheck;
    if (!p) return refuse(ATOL_ERROR.invalidMarkingCodeStatus, 'Проверка КМ не начата');
    // The operator answers on the second poll: the adapter has to wait for it.
    p.polls += 1;
    if (p.polls < 2) return done({ ready: false, sentImcRequest: faults.markingOnline });
    if (!faults.markingOnline) {
      p.check = { imcCheckFlag: true, imcCheckResult: p.fmOk, imcStatusInfo: false, imcEstimatedStatusCorrect: false, ecrStandAloneFlag: true };
      return done({ ready: true, sentImcRequest: false, driverError: { code: 402, description: 'Нет связи с сервером ИСМП' } });
    }
    const good = p.fmOk && !faults.rejectMarkingCodes.includes(p.code);
    p.check = { imcCheckFlag: true, imcCheckResult: good, imcStatusInfo: true, imcEstimatedStatusCorrect: good, ecrStandAloneFlag: false };
    return done({
      ready: true,
      sentImcRequest: true,
      driverError: { code: 0, description: 'Ошибок нет' },
      onlineValidation: {
        itemInfoCheckResult: p.check,
        markOperatorItemStatus: good ? 'itemEstimatedStatusCorrect' : 'itemEstimatedStatusIncorrect',
        markOperatorResponseResult: good ? 'correct' : 'incorrect',
        markOperatorResponse: { responseStatus: true, itemStatusCheck: good },
      },
    });
  }

  private record(doc: Omit<SimDocument, 'number' | 'at' | 'sign' | 'shiftNumber'>): SimDocument {
    const number = ++this.lastNumber;
    const at = moscowIso(this.now());
    const digest = createHash('sha256')
      .update(`${FN_NUMBER}:${number}:${at}:${doc.totalKopecks ?? 0}`)
      .digest();
    const full: SimDocument = { ...doc, number, at, sign: String(digest.readUInt32BE(0)), shiftNumber: this.shift.number };
    this.documents.push(full);
    return full;
  }

  private fiscalResult(doc: SimDocument): unknown {
    const fiscalParams: Record<string, unknown> = {
      fiscalDocumentNumber: doc.number,
      fiscalDocumentSign: doc.sign,
      fiscalDocumentDateTime: doc.at,
      fnNumber: FN_NUMBER,
      registrationNumber: REGISTRATION_NUMBER,
      shiftNumber: doc.shiftNumber,
      fnsUrl: FNS_URL,
    };
    if (doc.receiptNumber !== undefined) fiscalParams.fiscalReceiptNumber = doc.receiptNumber;
    if (doc.totalKopecks !== undefined) fiscalParams.total = doc.totalKopecks / 100;
    if (doc.receiptsCount !== undefined) fiscalParams.receiptsCount = doc.receiptsCount;
    return { fiscalParams, warnings: { notPrinted: false } };
  }
}
