import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { systemClock, type Clock } from '../clock';
import { cashTask, kopecksOf, markingTask, receiptProblem, receiptTask, type ReceiptKind, type TaxationType } from './atolTasks';
import { AtolWebClient, stableUuid, type TaskOutcome } from './atolWebClient';
import {
  AtolAcceptMarkingResult,
  AtolBeginMarkingResult,
  AtolCashResult,
  AtolDeviceStatusResult,
  AtolFiscalDocumentResult,
  AtolLastFiscalParamsResult,
  AtolMarkingStatusResult,
  AtolShiftStatusResult,
  AtolShiftTotalsResult,
  type AtolTask,
  type ItemInfoCheckResult,
} from './atolWebSchemas';
import { operatorOf } from './atolTasks';
import type {
  Cashier,
  CashMovement,
  CashMovementResult,
  DeviceStatus,
  FiscalDocument,
  FiscalError,
  FiscalReceipt,
  FiscalRegister,
  FiscalResult,
  MarkingCodeCheck,
  MarkingCodeRequest,
  RegisterReceiptTotals,
  RegisterShiftTotals,
  ShiftReport,
  ShiftStatus,
} from './fiscalRegister';

/**
 * A FiscalRegister for ATOL registers through the ATOL driver v10 web server and its JSON
 * tasks. Receipts and cash movements use request ids made from the till's own id, so a
 * retry after a crash finds the first attempt in the web server's queue instead of
 * printing a second receipt (see runOnceFor).
 */
export interface AtolWebRegisterOptions {
  url: string;
  pollIntervalMs: number;
  requestTimeoutMs: number;
  taskTimeoutMs: number;
  markingTimeoutMs: number;
  taxationType?: TaxationType;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Trouble worth telling IT about (unreadable answers); never receipt contents. */
  onDiagnostic?(code: string, message: string): void;
}

/** Attempts per receipt: each definite failure (paper out, shift closed) uses the next request id. */
const MAX_ATTEMPTS = 50;
/** Status queries are quick; they never wait as long as a receipt. */
const QUERY_TIMEOUT_MS = 10_000;
/** Marking checks accepted but not yet on a receipt, remembered by code. */
const MARKING_MEMORY = 500;

const ok = <T>(value: T): FiscalResult<T> => ({ ok: true, value });
const fail = <T>(error: FiscalError): FiscalResult<T> => ({ ok: false, error });

export class AtolWebRegister implements FiscalRegister {
  private readonly client: AtolWebClient;
  private readonly clock: Clock;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** itemInfoCheckResult of accepted marking codes, sent with the receipt that sells them. */
  private readonly checks = new Map<string, ItemInfoCheckResult>();

  constructor(private readonly options: AtolWebRegisterOptions) {
    this.clock = options.clock ?? systemClock;
    const clientOptions = { url: options.url, requestTimeoutMs: options.requestTimeoutMs, pollIntervalMs: options.pollIntervalMs, clock: this.clock };
    this.client = new AtolWebClient(options.fetch ? { ...clientOptions, fetch: options.fetch } : clientOptions);
  }

  openShift(cashier: Cashier): Promise<FiscalResult<ShiftReport>> {
    return this.serial(async () => this.shiftReport(await this.once({ type: 'openShift', operator: operatorOf(cashier) }, true)));
  }

  sell(receipt: FiscalReceipt): Promise<FiscalResult<FiscalDocument>> {
    return this.receipt('sell', receipt);
  }

  sellReturn(receipt: FiscalReceipt): Promise<FiscalResult<FiscalDocument>> {
    return this.receipt('sellReturn', receipt);
  }

  cashIn(movement: CashMovement): Promise<FiscalResult<CashMovementResult>> {
    return this.cash('cashIn', movement);
  }

  cashOut(movement: CashMovement): Promise<FiscalResult<CashMovementResult>> {
    return this.cash('cashOut', movement);
  }

  reportX(cashier: Cashier): Promise<FiscalResult<void>> {
    return this.serial(async () => this.nothing(await this.once({ type: 'reportX', operator: operatorOf(cashier) }, false)));
  }

  closeShift(cashier: Cashier): Promise<FiscalResult<ShiftReport>> {
    return this.serial(async () => this.shiftReport(await this.once({ type: 'closeShift', operator: operatorOf(cashier) }, true)));
  }

  openCashDrawer(): Promise<FiscalResult<void>> {
    return this.serial(async () => this.nothing(await this.once({ type: 'openCashDrawer' }, false, QUERY_TIMEOUT_MS)));
  }

  printText(lines: readonly string[]): Promise<FiscalResult<void>> {
    if (lines.length === 0) return Promise.resolve(ok(undefined));
    const items = lines.map((text) => ({ type: 'text' as const, text, wrap: 'words' as const }));
    return this.serial(async () => this.nothing(await this.once({ type: 'nonFiscal', items }, false)));
  }

  deviceStatus(): Promise<FiscalResult<DeviceStatus>> {
    return this.serial(async () =>
      this.read(await this.once({ type: 'getDeviceStatus' }, false, QUERY_TIMEOUT_MS), AtolDeviceStatusResult, false, ({ deviceStatus: d }) => ({
        paperPresent: d.paperPresent,
        coverOpened: d.coverOpened,
        cashDrawerOpened: d.cashDrawerOpened,
        fiscal: d.fiscal,
        fnPresent: d.fnPresent,
        blocked: d.blocked,
        shift: d.shift,
        dateTime: d.currentDateTime,
      })),
    );
  }

  shiftStatus(): Promise<FiscalResult<ShiftStatus>> {
    return this.serial(async () =>
      this.read(await this.once({ type: 'getShiftStatus' }, false, QUERY_TIMEOUT_MS), AtolShiftStatusResult, false, ({ shiftStatus: s }) => {
        const status: ShiftStatus = { state: s.state, number: s.number };
        if (s.state !== 'closed' && s.expiredTime) status.expiresAt = s.expiredTime;
        return status;
      }),
    );
  }

  shiftTotals(): Promise<FiscalResult<RegisterShiftTotals>> {
    return this.serial(async () =>
      this.read(await this.once({ type: 'getShiftTotals' }, false, QUERY_TIMEOUT_MS), AtolShiftTotalsResult, false, ({ shiftTotals: t }) => ({
        shiftNumber: t.shiftNumber,
        sell: receiptTotalsOf(t.receipts.sell),
        sellReturn: receiptTotalsOf(t.receipts.sellReturn),
        cashIn: { count: t.income.count, totalKopecks: kopecksOf(t.income.sum) },
        cashOut: { count: t.outcome.count, totalKopecks: kopecksOf(t.outcome.sum) },
        cashInDrawerKopecks: kopecksOf(t.cashDrawer.sum),
      })),
    );
  }

  lastFiscalDocument(): Promise<FiscalResult<FiscalDocument | null>> {
    return this.serial(async () =>
      this.read(
        await this.once({ type: 'getLastFiscalParams', forReceipt: true }, false, QUERY_TIMEOUT_MS),
        AtolLastFiscalParamsResult,
        false,
        ({ fiscalParams }) => (fiscalParams.fiscalDocumentNumber === undefined ? null : documentOf({ fiscalParams, warnings: null })),
      ),
    );
  }

  validateMarkingCode(request: MarkingCodeRequest): Promise<FiscalResult<MarkingCodeCheck>> {
    return this.serial(() => this.checkMarking(request));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
  }

  // ---- receipts and cash ----------------------------------------------------------------

  private receipt(kind: ReceiptKind, receipt: FiscalReceipt): Promise<FiscalResult<FiscalDocument>> {
    const problem = receiptProblem(receipt);
    if (problem) return Promise.resolve(fail({ code: 'invalidRequest', detail: problem, outcomeUnknown: false }));
    return this.serial(async () => {
      const task = receiptTask(kind, receipt, this.checks, this.options.taxationType);
      const result = this.read(await this.onceFor(`${kind}:${receipt.receiptId}`, task), AtolFiscalDocumentResult, true, documentOf);
      if (result.ok) for (const p of receipt.positions) if (p.markingCode !== undefined) this.checks.delete(p.markingCode);
      return result;
    });
  }

  private cash(kind: 'cashIn' | 'cashOut', movement: CashMovement): Promise<FiscalResult<CashMovementResult>> {
    if (!Number.isSafeInteger(movement.amountKopecks) || movement.amountKopecks <= 0) {
      return Promise.resolve(fail({ code: 'invalidRequest', detail: 'the amount must be a positive number of kopecks', outcomeUnknown: false }));
    }
    return this.serial(async () =>
      this.read(await this.onceFor(`${kind}:${movement.operationId}`, cashTask(kind, movement)), AtolCashResult, true, (r) => ({
        cashInDrawerKopecks: kopecksOf(r.counters.cashSum),
      })),
    );
  }

  /**
   * Runs a task that must happen at most once for `key`. Attempt n uses the request id
   * stableUuid(key/n). An id the web server already holds (409) is a retry: its result is
   * read. Only when that earlier attempt failed for certain is the task sent afresh, under
   * the next id; so a receipt whose paper ran out can be sent again, while one that was
   * printed, or may have been, is never sent twice.
   */
  private async onceFor(key: string, task: AtolTask): Promise<TaskOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const outcome = await this.client.run(stableUuid(`${key}/${attempt}`), task, this.options.taskTimeoutMs, true);
      if (outcome.kind === 'failed' && outcome.duplicate && !outcome.error.outcomeUnknown) continue;
      return outcome;
    }
    return { kind: 'failed', error: { code: 'deviceError', detail: `${key}: ${MAX_ATTEMPTS} failed attempts`, outcomeUnknown: false } };
  }

  /** Runs a task under a fresh request id. */
  private once(task: AtolTask, mayChangeState: boolean, timeoutMs = this.options.taskTimeoutMs): Promise<TaskOutcome> {
    return this.client.run(randomUUID(), task, timeoutMs, mayChangeState);
  }

  // ---- marking codes --------------------------------------------------------------------

  private async checkMarking(request: MarkingCodeRequest): Promise<FiscalResult<MarkingCodeCheck>> {
    const rejected = (detail: string): FiscalResult<MarkingCodeCheck> => fail({ code: 'markingRejected', detail, outcomeUnknown: false });
    const begun = this.read(await this.once(markingTask(request), false, QUERY_TIMEOUT_MS), AtolBeginMarkingResult, false, (r) => r.offlineValidation);
    if (!begun.ok) return begun;
    if (begun.value.fmCheck && !begun.value.fmCheckResult) {
      await this.once({ type: 'cancelMarkingCodeValidation' }, false, QUERY_TIMEOUT_MS);
      return rejected(`the fiscal drive rejected the code (${begun.value.fmCheckErrorReason ?? 'check failed'})`);
    }

    const deadline = this.clock.now() + this.options.markingTimeoutMs;
    let status: z.infer<typeof AtolMarkingStatusResult> | null = null;
    for (;;) {
      const polled = this.read(await this.once({ type: 'getMarkingCodeValidationStatus' }, false, QUERY_TIMEOUT_MS), AtolMarkingStatusResult, false, (r) => r);
      if (!polled.ok) return polled;
      if (polled.value.ready) {
        status = polled.value;
        break;
      }
      if (this.clock.now() >= deadline) break;
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.options.pollIntervalMs));
    }
    if (!status) {
      await this.once({ type: 'cancelMarkingCodeValidation' }, false, QUERY_TIMEOUT_MS);
      return fail({ code: 'timeout', detail: 'no answer on the marking code in time; the check was cancelled', outcomeUnknown: false });
    }

    const online = status.onlineValidation;
    const verdict = online
      ? online.markOperatorResponseResult === 'incorrect'
        ? 'the operator does not know the code'
        : !online.itemInfoCheckResult.imcCheckResult
          ? 'the code failed the check'
          : online.markOperatorItemStatus && online.markOperatorItemStatus !== 'itemEstimatedStatusCorrect'
            ? `the item cannot be ${request.operation === 'sell' ? 'sold' : 'returned'} (${online.markOperatorItemStatus})`
            : null
      : null;
    if (verdict) {
      await this.once({ type: 'declineMarkingCode' }, false, QUERY_TIMEOUT_MS);
      return rejected(verdict);
    }

    const accepted = this.read(
      await this.once({ type: 'acceptMarkingCode' }, false, QUERY_TIMEOUT_MS),
      AtolAcceptMarkingResult,
      false,
      (r) => r.itemInfoCheckResult,
    );
    if (!accepted.ok) return accepted;
    this.checks.delete(request.code);
    this.checks.set(request.code, accepted.value);
    if (this.checks.size > MARKING_MEMORY) {
      const oldest = this.checks.keys().next().value;
      if (oldest !== undefined) this.checks.delete(oldest);
    }
    return ok({ code: request.code, checkedOnline: online !== undefined && status.sentImcRequest !== false });
  }

  // ---- plumbing ---------------------------------------------------------------------------

  /** One register operation at a time, in call order: the register does one thing at a time too. */
  private serial<T>(job: () => Promise<FiscalResult<T>>): Promise<FiscalResult<T>> {
    const run = async (): Promise<FiscalResult<T>> => {
      if (this.closed) return fail({ code: 'offline', detail: 'the fiscal register adapter is closed', outcomeUnknown: false });
      return job();
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private read<S extends z.ZodType, T>(outcome: TaskOutcome, schema: S, mayChangeState: boolean, map: (value: z.infer<S>) => T): FiscalResult<T> {
    if (outcome.kind === 'failed') return fail(outcome.error);
    const parsed = schema.safeParse(outcome.result);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') ?? '';
      this.options.onDiagnostic?.('bad-answer', `unreadable answer from the register at "${where}"`);
      // The task ran: a receipt is in the fiscal drive even if its answer cannot be read.
      return fail({ code: 'badAnswer', detail: `unreadable answer at "${where}"`, outcomeUnknown: mayChangeState });
    }
    return ok(map(parsed.data as z.infer<S>));
  }

  private nothing(outcome: TaskOutcome): FiscalResult<void> {
    return outcome.kind === 'failed' ? fail(outcome.error) : ok(undefined);
  }

  private shiftReport(outcome: TaskOutcome): FiscalResult<ShiftReport> {
    return this.read(outcome, AtolFiscalDocumentResult, true, (r) => {
      const report: ShiftReport = { document: documentOf(r), shiftNumber: r.fiscalParams.shiftNumber ?? 0 };
      if (r.fiscalParams.receiptsCount !== undefined) report.receiptsCount = r.fiscalParams.receiptsCount;
      return report;
    });
  }
}

function receiptTotalsOf(r: z.infer<typeof AtolShiftTotalsResult>['shiftTotals']['receipts']['sell']): RegisterReceiptTotals {
  return {
    count: r.count,
    totalKopecks: kopecksOf(r.sum),
    cashKopecks: kopecksOf(r.payments.cash),
    cardKopecks: kopecksOf(r.payments.electronically),
    otherKopecks: kopecksOf(r.payments.other + r.payments.prepaid + r.payments.credit),
  };
}

function documentOf(r: z.infer<typeof AtolFiscalDocumentResult>): FiscalDocument {
  const p = r.fiscalParams;
  const doc: FiscalDocument = {
    documentNumber: p.fiscalDocumentNumber,
    fiscalSign: p.fiscalDocumentSign,
    dateTime: p.fiscalDocumentDateTime,
    notPrinted: r.warnings?.notPrinted ?? false,
  };
  if (p.shiftNumber !== undefined) doc.shiftNumber = p.shiftNumber;
  if (p.fiscalReceiptNumber !== undefined) doc.receiptNumber = p.fiscalReceiptNumber;
  if (p.total !== undefined) doc.totalKopecks = kopecksOf(p.total);
  if (p.fnNumber !== undefined) doc.fnNumber = p.fnNumber;
  if (p.registrationNumber !== undefined) doc.registrationNumber = p.registrationNumber;
  return doc;
}
