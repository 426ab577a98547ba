import type { Clock } from '../clock';
import { AtolWebRegister } from './atolWebRequests';
import type { FiscalConfig } from './fiscalConfig';
import type { FiscalRegister } from './fiscalRegister';

export type * from './fiscalRegister';
export { AtolWebRegister, type AtolWebRegisterOptions } from './atolWebRequests';
export { FiscalConfig, AtolWebFiscalConfig } from './fiscalConfig';
export { fiscaliseOnce, startFiscalisation, isPendingReceipt, type PendingFiscalisation, type Fiscalised } from './fiscaliseOnce';

export interface FiscalRegisterDeps {
  clock?: Clock;
  fetch?: typeof fetch;
  onDiagnostic?(code: string, message: string): void;
}

/** The register the config names, or null when there is none (or it is disabled). */
export function createFiscalRegister(config: FiscalConfig | undefined, deps: FiscalRegisterDeps = {}): FiscalRegister | null {
  if (!config || !config.enabled) return null;
  switch (config.kind) {
    case 'atol-web': {
      const { url, pollIntervalMs, requestTimeoutMs, taskTimeoutMs, markingTimeoutMs, taxationType } = config;
      return new AtolWebRegister({
        url,
        pollIntervalMs,
        requestTimeoutMs,
        taskTimeoutMs,
        markingTimeoutMs,
        ...(taxationType ? { taxationType } : {}),
        ...deps,
      });
    }
  }
}
