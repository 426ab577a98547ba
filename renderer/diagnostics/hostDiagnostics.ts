import { HostDiagnostics, HostLogExport } from '../../sync/protocol/host';
import type { HostBridge } from '../host/bridge';

export type HostAnswer<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** The host's half of the diagnostics screen, validated. */
export async function loadHostDiagnostics(bridge: HostBridge): Promise<HostAnswer<HostDiagnostics>> {
  const res = await bridge.request({ op: 'diagnostics' });
  if (!res.ok) return { ok: false, ...res.error };
  const parsed = HostDiagnostics.safeParse(res.value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, code: 'bad_host_answer', message: 'The till host gave unexpected diagnostics.' };
}

/** The log file from the host, with the till's own part merged in (the host scrubs the whole). */
export async function exportHostLogs(bridge: HostBridge, till: Record<string, unknown>): Promise<HostAnswer<HostLogExport>> {
  const res = await bridge.request({ op: 'exportLogs', till });
  if (!res.ok) return { ok: false, ...res.error };
  const parsed = HostLogExport.safeParse(res.value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, code: 'bad_host_answer', message: 'The till host gave an unexpected log file.' };
}
