import { createFiscalRegister } from '../../../drivers/fiscal';
import type { AtolSimulator } from '../../../drivers/testing/atolSimulator';
import type { HostAnswer, HostDeps, HostProcess } from '../../../sync/client/session/testing/fakeHost';
import { TillWorld } from '../../../sync/client/session/testing/tillWorld';
import type { FiscalSettings } from '../../../sync/protocol/fiscal';
import type { HostRequest } from '../../../sync/protocol/host';
import { createFiscalService, type FiscalService } from '../fiscalService';
import { createHostServices } from '../hostServices';
import type { RealServer } from './realServer';
import { MemoryCredentials } from './tillHostProcess';

/**
 * A till with a fiscal register, for session tests: the real session, the real host services
 * with the real fiscal service and ATOL adapter in front of the register simulator, and a real
 * server. `crashOn` makes the page die (a reload) around the next `fiscalise` request: before it
 * reaches the register, or after the register printed and before the page hears the answer.
 */
export interface FiscalTill {
  world: TillWorld;
  /** Arm a crash at the next fiscalise request; the new page load starts at once. */
  crashOn(when: 'beforeSend' | 'afterSend'): void;
  /** How many fiscalise requests reached the host (the page's own retries included). */
  fiscalises(): number;
  /** Open the register's shift and put a change float in the drawer (a refund needs the cash). */
  float(kopecks: number): Promise<void>;
  dispose(): Promise<void>;
}

const SETTINGS: FiscalSettings = { defaultVat: 'vat22', bonuses: 'discount' };

export async function fiscalTill(server: RealServer, sim: AtolSimulator): Promise<FiscalTill> {
  const credentials = new MemoryCredentials();
  const services: FiscalService[] = [];
  let armed: 'beforeSend' | 'afterSend' | null = null;
  let count = 0;
  let world: TillWorld | null = null;
  const crash = () => world?.openPage();
  const startProcess = (deps: HostDeps): HostProcess => {
    const register = createFiscalRegister({
      kind: 'atol-web',
      url: sim.url,
      pollIntervalMs: 10,
      requestTimeoutMs: 1_000,
      taskTimeoutMs: 2_000,
      markingTimeoutMs: 1_000,
      ...SETTINGS,
      enabled: true,
    })!;
    const fiscal = createFiscalService(register, SETTINGS);
    services.push(fiscal);
    const host = createHostServices({ mode: 'browser', credentials, devices: { ...deps.devices, fiscal }, fetch: deps.fetch, timeoutMs: 10_000 });
    return {
      handle: async (req: unknown): Promise<HostAnswer> => {
        const r = req as { op?: string; action?: string };
        if (r.op !== 'fiscal' || r.action !== 'fiscalise') return host.handle(req);
        count++;
        const when = armed;
        armed = null;
        if (when === 'beforeSend') {
          crash();
          return { ok: false, error: { code: 'host_unreachable', message: 'the page died' } };
        }
        const answer = await host.handle(req);
        if (when === 'afterSend') crash();
        return answer;
      },
    };
  };
  world = await TillWorld.enrolled({ server, startProcess });
  return {
    world,
    crashOn: (when) => void (armed = when),
    fiscalises: () => count,
    float: async (kopecks) => {
      const cashier = { name: 'Анна Смирнова' };
      const ask = (req: HostRequest) => world!.page.request(req);
      await ask({ op: 'fiscal', action: 'openShift', cashier });
      const res = await ask({ op: 'fiscal', action: 'cashIn', movement: { operationId: `float-${Date.now()}`, amountKopecks: kopecks, cashier } });
      if (!res.ok || !(res.value as { ok?: boolean }).ok) throw new Error(`the float was not put in: ${JSON.stringify(res)}`);
    },
    dispose: async () => {
      world?.dispose();
      await Promise.all(services.map((s) => s.close()));
    },
  };
}
