import type { DeviceEvent } from '../../core/scan';
import type { DeviceManager } from '../../drivers';
import type { DeviceInfo, PaymentAnswer } from '../../sync/protocol/host';
import type { PaymentResult } from '../../drivers/payment/paymentTerminal';
import { createFiscalRegister, type FiscalConfig, type FiscalRegisterDeps } from '../../drivers/fiscal';
import { createFiscalService, type FiscalService } from './fiscalService';
import type { HostLog } from './hostLog';
import type { DeviceSource } from './hostServices';

/**
 * A stable device source for the host services over a device manager that may be replaced
 * (the manager needs the chain's lookup secret, known only once the till is enrolled).
 */
export interface DeviceHub extends DeviceSource {
  replace(next: DeviceManager | null): Promise<void>;
  stop(): Promise<void>;
}

export interface DeviceHubOptions {
  /** The device config's `fiscal` section; absent: this till has no fiscal register. */
  fiscal?: FiscalConfig | undefined;
  fiscalDeps?: FiscalRegisterDeps;
  log?: HostLog;
}

/** The fiscal register the config names, wrapped for host requests; null when there is none. */
function fiscalServiceFor(options: DeviceHubOptions): FiscalService | null {
  const config = options.fiscal;
  const register = createFiscalRegister(config, {
    ...options.fiscalDeps,
    onDiagnostic: (code, message) => options.log?.warn(`fiscal register: ${code}: ${message}`),
  });
  if (!register || !config) return null;
  const settings = { defaultVat: config.defaultVat, bonuses: config.bonuses, ...(config.lineWidth ? { lineWidth: config.lineWidth } : {}) };
  return createFiscalService(register, settings, options.log);
}

export function createDeviceHub(options: DeviceHubOptions = {}): DeviceHub {
  // Built once: the register needs no lookup secret, so it outlives manager replacements.
  const fiscal = fiscalServiceFor(options);
  // One question at start, so the status bar shows the register's state without waiting for a sale.
  if (fiscal) void fiscal.handle({ op: 'fiscal', action: 'status' });
  const listeners = new Set<(e: DeviceEvent) => void>();
  let manager: DeviceManager | null = null;
  let unsubscribe: () => void = () => undefined;
  const emit = (e: DeviceEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // One broken subscriber (a closed window) must not starve the others.
      }
    }
  };
  /** One call on the payment terminal, its answer in the host protocol's shape. */
  const terminalCall = async (call: (t: ReturnType<DeviceManager['paymentTerminal']>) => Promise<PaymentResult>): Promise<PaymentAnswer> => {
    if (!manager) return { approved: false, declineReason: 'terminal-unavailable' };
    let r: PaymentResult;
    try {
      r = await call(manager.paymentTerminal());
    } catch {
      // No payment terminal configured on this till.
      return { approved: false, declineReason: 'terminal-unavailable' };
    }
    return {
      approved: r.approved,
      ...(r.tokenHash ? { tokenHash: r.tokenHash } : {}),
      ...(r.last4 ? { last4: r.last4 } : {}),
      ...(r.rrn ? { rrn: r.rrn } : {}),
      ...(r.declineReason ? { declineReason: r.declineReason } : {}),
    };
  };
  return {
    fiscal,
    list(): DeviceInfo[] {
      const register: DeviceInfo[] = fiscal ? [{ deviceId: 'fiscal', deviceType: 'fiscal-register', ...fiscal.status() }] : [];
      return (manager?.list() ?? [])
        .map((d): DeviceInfo => ({
          deviceId: d.id,
          deviceType: d.type,
          status: d.status,
          lastEventAt: d.lastEventAt,
          transport: d.transport,
          address: d.address,
          detail: d.detail ?? null,
        }))
        .concat(register);
    },
    async weigh() {
      // The manager's scale handle answers 'offline' while no scale is connected.
      return manager?.scale ? manager.scale().weigh() : { ok: false, code: 'offline' };
    },
    pay(amountKopecks, receiptId) {
      return terminalCall((t) => t.pay(amountKopecks, receiptId));
    },
    refund(amountKopecks, receiptId, originalRrn) {
      return terminalCall((t) => t.refund(amountKopecks, receiptId, originalRrn));
    },
    async readCard(requestId) {
      if (!manager) return { ok: false, reason: 'terminal-unavailable' };
      try {
        return await manager.paymentTerminal().readCard(requestId);
      } catch {
        return { ok: false, reason: 'terminal-unavailable' };
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async replace(next) {
      unsubscribe();
      const previous = manager;
      manager = next;
      unsubscribe = next ? next.on(emit) : () => undefined;
      await previous?.stop();
      await next?.start();
    },
    async stop() {
      await this.replace(null);
      await fiscal?.close();
    },
  };
}
