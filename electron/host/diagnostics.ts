import { PROTOCOL_VERSION } from '../../sync/protocol/schemas';
import type { DeviceInfo, HostDiagnostics, HostLogExport, ServerCheck } from '../../sync/protocol/host';
import type { StoredCredential } from './credentialStore';
import { formatLogLine, type HostLog } from './hostLog';

export interface ServerCheckOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Wall clock (ms since epoch), for the skew. */
  now?: () => number;
}

/** Why a fetch failed, in words IT can act on. */
export function unreachableReason(err: unknown, timeoutMs: number): { code: string; reason: string } {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { code: 'timeout', reason: `no answer within ${timeoutMs} ms` };
  const cause = e?.cause?.code;
  if (cause === 'ECONNREFUSED') return { code: 'refused', reason: 'connection refused (nothing listens at that address and port)' };
  if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') return { code: 'dns', reason: `the server name cannot be resolved (${cause})` };
  if (cause === 'ECONNRESET') return { code: 'network', reason: 'the connection was reset' };
  if (cause === 'EHOSTUNREACH' || cause === 'ENETUNREACH') return { code: 'network', reason: `no route to the server (${cause})` };
  if (cause === 'ETIMEDOUT' || cause === 'UND_ERR_CONNECT_TIMEOUT') return { code: 'timeout', reason: `connecting timed out (${cause})` };
  const detail = e?.cause?.message ?? e?.message ?? 'unknown error';
  return { code: 'network', reason: cause ? `${cause}: ${detail}` : detail };
}

/**
 * Ask the server's `GET /api/v1/health` (no credential needed) and measure the round trip
 * and the clock skew: server time minus the midpoint of the request on this machine's clock.
 */
export async function checkServer(serverUrl: string, options: ServerCheckOptions = {}): Promise<ServerCheck> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const now = options.now ?? Date.now;
  const url = serverUrl.replace(/\/+$/, '');
  const sentAt = now();
  const t0 = performance.now();
  const checkedAt = new Date(sentAt).toISOString();
  let res: Response;
  let body: unknown;
  try {
    res = await doFetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    body = await res.json().catch(() => undefined);
  } catch (err) {
    return { reachable: false, url, checkedAt, ...unreachableReason(err, timeoutMs) };
  }
  const roundTripMs = Math.round((performance.now() - t0) * 10) / 10;
  const receivedAt = now();
  if (!res.ok) return { reachable: false, url, checkedAt, code: `http_${res.status}`, reason: `the server answered ${res.status} ${res.statusText}`.trim() };
  const b = body as { ok?: unknown; protocol?: unknown; time?: unknown } | undefined;
  const serverMs = typeof b?.time === 'string' ? Date.parse(b.time) : Number.NaN;
  if (b?.ok !== true || typeof b.protocol !== 'number' || Number.isNaN(serverMs)) {
    return { reachable: false, url, checkedAt, code: 'bad_answer', reason: 'something answered at that address, but not a Loyalty Till server' };
  }
  return {
    reachable: true,
    url,
    checkedAt,
    roundTripMs,
    clockSkewMs: Math.round(serverMs - (sentAt + receivedAt) / 2),
    serverTime: new Date(serverMs).toISOString(),
    protocol: b.protocol,
    protocolMatches: b.protocol === PROTOCOL_VERSION,
  };
}

export interface DiagnosticsSources {
  mode: 'electron' | 'browser';
  appVersion: string;
  dataDir: string | null;
  startedAt: number;
  credential: StoredCredential | null;
  /** Where to look when not enrolled (the configured address); the credential's wins. */
  fallbackServerUrl: string | null;
  devices: DeviceInfo[];
  log: HostLog;
  check: (url: string) => Promise<ServerCheck>;
  /** How many log lines to include (the export has them all). */
  logLines?: number;
  now?: () => number;
}

export function runtimeVersions(): HostDiagnostics['versions'] {
  const v = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  return { node: v.node ?? null, electron: v.electron ?? null, chromium: v.chrome ?? null, platform: process.platform, arch: process.arch };
}

/** The host's half of the diagnostics screen. Built field by field: the credential's token and lookup secret are never copied. */
export async function collectDiagnostics(s: DiagnosticsSources): Promise<HostDiagnostics> {
  const now = s.now ?? Date.now;
  const c = s.credential;
  const serverUrl = c?.serverUrl ?? s.fallbackServerUrl;
  const server = serverUrl ? await s.check(serverUrl) : null;
  if (server) {
    if (server.reachable) {
      if (!server.protocolMatches) s.log.warn(`diagnostics: the server speaks protocol ${server.protocol}, this till ${PROTOCOL_VERSION}`);
      if (Math.abs(server.clockSkewMs) > 60_000)
        s.log.warn(`diagnostics: clock skew ${Math.round(server.clockSkewMs / 1000)} s (server time minus this till's)`);
    } else {
      s.log.warn(`diagnostics: server ${server.url} unreachable (${server.code}): ${server.reason}`);
    }
  }
  return {
    collectedAt: new Date(now()).toISOString(),
    appVersion: s.appVersion,
    mode: s.mode,
    versions: runtimeVersions(),
    hostStartedAt: new Date(s.startedAt).toISOString(),
    dataDir: s.dataDir,
    enrolment: c
      ? {
          terminalId: c.terminal.terminalId,
          terminalName: c.terminal.terminalName,
          storeId: c.terminal.storeId,
          storeName: c.terminal.storeName,
          chainName: c.terminal.chainName,
          serverUrl: c.serverUrl,
        }
      : null,
    server,
    devices: s.devices,
    log: s.log.lines(s.logLines ?? 100),
  };
}

/** Numbers that are times (ms since epoch) become ISO text, so the scrubber's digit rule leaves them alone and people can read them. */
function readableTimes(_key: string, value: unknown): unknown {
  return typeof value === 'number' && Number.isInteger(value) && value > 1e12 && value < 1e14 ? new Date(value).toISOString() : value;
}

const MAX_TILL_PART = 64 * 1024;

/** The file IT saves: a header, the diagnostics (without the log lines), the till's own part, then the whole host log. */
export function exportText(diagnostics: HostDiagnostics, log: HostLog, till: Record<string, unknown> | undefined): HostLogExport {
  const { log: _recent, ...rest } = diagnostics;
  const tillText = till ? JSON.stringify(till, readableTimes, 2).slice(0, MAX_TILL_PART) : '(not given)';
  const text = [
    `Loyalty Till ${diagnostics.appVersion} — logs for IT`,
    `Terminal: ${diagnostics.enrolment ? `${diagnostics.enrolment.terminalName}, ${diagnostics.enrolment.storeName}` : 'not enrolled'}`,
    `Generated: ${diagnostics.collectedAt}`,
    '',
    '== Host diagnostics ==',
    JSON.stringify(rest, readableTimes, 2),
    '',
    '== Till (renderer) ==',
    tillText,
    '',
    `== Host log (last ${log.capacity} lines, oldest first) ==`,
    ...log.lines().map(formatLogLine),
    '',
  ].join('\n');
  return { text: log.scrub(text), terminalName: diagnostics.enrolment?.terminalName ?? null, generatedAt: diagnostics.collectedAt };
}
