import { fiscaliseOnce, startFiscalisation, type FiscalRegister, type FiscalResult } from '../../drivers/fiscal';
import type { DeviceStatus } from '../../core/scan';
import type { FiscalRequest, FiscalSettings } from '../../sync/protocol/fiscal';
import type { HostLog } from './hostLog';

/**
 * The host's side of the fiscal register: runs the `fiscal` host requests on the register the
 * device config names. The renderer keeps the exactly-once marker in its durable draft (see
 * sync/client/session/fiscalStep.ts); here a `fiscalise` already running for a receipt is joined,
 * not sent again, so a page reloaded mid-print waits for the same document.
 */
export interface FiscalService {
  settings: FiscalSettings;
  handle(req: FiscalRequest): Promise<FiscalResult<unknown>>;
  /** For the device list: connected after a good answer, disconnected when the register is offline. */
  status(): { status: DeviceStatus; lastEventAt: number | null; detail: string | null };
  close(): Promise<void>;
}

export function createFiscalService(register: FiscalRegister, settings: FiscalSettings, log?: HostLog, now: () => number = Date.now): FiscalService {
  let status: DeviceStatus = 'disconnected';
  let detail: string | null = 'not asked yet';
  let lastEventAt: number | null = null;
  const fiscalising = new Map<string, Promise<FiscalResult<unknown>>>();

  const note = <T>(action: string, r: FiscalResult<T>): FiscalResult<T> => {
    lastEventAt = now();
    if (r.ok) {
      status = 'connected';
      detail = null;
    } else {
      status = r.error.code === 'offline' ? 'disconnected' : 'error';
      detail = r.error.code;
      // The register's own words go to IT's log; receipt contents never do.
      log?.warn(`fiscal register: ${action} failed (${r.error.code}${r.error.outcomeUnknown ? ', outcome unknown' : ''}): ${r.error.detail}`);
    }
    return r;
  };

  async function run(req: FiscalRequest): Promise<FiscalResult<unknown>> {
    switch (req.action) {
      case 'status':
        return register.shiftStatus().then((r) => (r.ok ? { ok: true, value: { shift: r.value } } : r));
      case 'totals':
        return register.shiftTotals();
      case 'lastDocument':
        return register.lastFiscalDocument();
      case 'start':
        return startFiscalisation(register, req.kind, req.receipt);
      case 'fiscalise': {
        const id = req.pending.receipt.receiptId;
        const running = fiscalising.get(id);
        if (running) return running;
        const p = fiscaliseOnce(register, req.pending).finally(() => fiscalising.delete(id));
        fiscalising.set(id, p);
        const r = await p;
        if (r.ok)
          log?.info(
            `fiscal register: ${req.pending.kind} ${id} is document ${r.value.document.documentNumber}${r.value.recovered ? ' (found after a lost answer)' : ''}`,
          );
        return r;
      }
      case 'openShift':
        return register.openShift(req.cashier);
      case 'reportX':
        return register.reportX(req.cashier).then((r) => (r.ok ? { ok: true, value: null } : r));
      case 'closeShift':
        return register.closeShift(req.cashier);
      case 'cashIn':
        return register.cashIn(req.movement);
      case 'cashOut':
        return register.cashOut(req.movement);
      case 'openCashDrawer':
        return register.openCashDrawer().then((r) => (r.ok ? { ok: true, value: null } : r));
      case 'validateMarking':
        return register.validateMarkingCode(req.request);
      case 'printText':
        return register.printText(req.lines).then((r) => (r.ok ? { ok: true, value: null } : r));
    }
  }

  return {
    settings,
    async handle(req) {
      return note(req.action, await run(req));
    },
    status: () => ({ status, lastEventAt, detail }),
    close: () => register.close(),
  };
}
