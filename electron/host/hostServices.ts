import type { DeviceEvent } from '../../core/scan';
import { ApiError, EnrolResponse } from '../../sync/protocol/schemas';
import { MANAGER_TOKEN_HEADER } from '../../sync/protocol/manager';
import { type PaymentAnswer, type SnapshotRangeAnswer, HostRequest, type ApiResult, type DeviceInfo, type HostStatus } from '../../sync/protocol/host';
import { httpSnapshotFetcher } from '../../sync/client/snapshotFetcher';
import type { CredentialStore, StoredCredential } from './credentialStore';
import { checkServer, collectDiagnostics, exportText, unreachableReason } from './diagnostics';
import { createHostLog, type HostLog } from './hostLog';
import { createPaymentMemory } from './paymentMemory';
import { createPhoneKeyService } from './phoneKeys';
import { checkServerAddress } from './serverAddress';
import { pinnedFetch, serverCertificate } from './pinnedFetch';
import type { FiscalService } from './fiscalService';

/** The part of the device manager the host needs; the drivers room implements it. */
export interface DeviceSource {
  list(): DeviceInfo[];
  on(listener: (event: DeviceEvent) => void): () => void;
  /** Card payment on the configured payment terminal, if there is one. */
  pay?(amountKopecks: number, receiptId: string): Promise<PaymentAnswer>;
  /** Refund to the card of an earlier payment (its rrn), if there is a payment terminal. */
  refund?(amountKopecks: number, receiptId: string, originalRrn: string): Promise<PaymentAnswer>;
  /** The customer's bank card read on the payment terminal before a charge (its lookup key), if there is a terminal. */
  readCard?(requestId: string): Promise<{ ok: true; tokenHash: string; last4?: string } | { ok: false; reason: string }>;
  /** A steady weight from the configured scale (drivers/scale WeighResult); absent: no scale. */
  weigh?(): Promise<{ ok: true; grams: number; stable: boolean } | { ok: false; code: 'unstable' | 'overload' | 'offline' | 'timeout' }>;
  /** The fiscal register the device config names; absent or null: none. */
  fiscal?: FiscalService | null;
}

export const noDevices: DeviceSource = { list: () => [], on: () => () => undefined };

export type HostResponse = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

export interface HostServices {
  /** Validate and run one request from the renderer, whatever transport carried it. */
  handle(request: unknown): Promise<HostResponse>;
  onDeviceEvent(listener: (event: DeviceEvent) => void): () => void;
  status(): Promise<HostStatus>;
}

export interface HostServicesOptions {
  mode: 'electron' | 'browser';
  credentials: CredentialStore;
  devices?: DeviceSource;
  /** The transport when no pin applies (tests give their own). */
  fetch?: typeof fetch;
  /**
   * IT's pin of the server's certificate (config `serverCertSha256`): every call goes through it,
   * and it wins over the pin a till takes at enrolment from the certificate it is shown.
   */
  serverCertSha256?: string | null;
  /** A store CA (PEM) IT trusts for the certificate a till pins at enrolment (config `serverCaPem`). */
  serverCaPem?: string | null;
  /** How long to wait for the central server before calling it unreachable. */
  timeoutMs?: number;
  /** The host's log (enrolment, API failures); a private one when not given. */
  log?: HostLog;
  /** For the diagnostics screen. */
  appVersion?: string;
  dataDir?: string | null;
  /** The configured server address, checked by diagnostics while the till is not enrolled. */
  serverUrl?: string | null;
  /** The till name the machine config gives (the setup screen offers it). */
  terminalName?: string | null;
  /** How long diagnostics waits for `GET /api/v1/health`. */
  healthTimeoutMs?: number;
  startedAt?: number;
  /** The clock for refreshing the terminal's settings (tests move it). */
  now?: () => number;
  /** IT allowed a plain `http://` server off this machine (config `allowPlainHttp`); otherwise refused. */
  allowPlainHttp?: boolean;
}

/**
 * Host services shared by Electron's IPC and the browser host: the terminal credential
 * never reaches the renderer; the host attaches it to each API call it forwards.
 */
export function createHostServices(options: HostServicesOptions): HostServices {
  const { credentials, mode } = options;
  const devices = options.devices ?? noDevices;
  const plainFetch = options.fetch ?? fetch;
  const configuredPin = options.serverCertSha256 ? pinnedFetch(options.serverCertSha256) : null;
  /** How to reach a credential's server: IT's pin, else the one taken at enrolment, else ordinary fetch (no pin, from before). */
  const fetchFor = (cred: StoredCredential | null): typeof fetch => configuredPin ?? (cred?.serverCertSha256 ? pinnedFetch(cred.serverCertSha256) : plainFetch);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.log ?? createHostLog();
  const startedAt = options.startedAt ?? Date.now();
  const payments = createPaymentMemory();

  /** The credential, with its secrets registered so that no log line can carry them. */
  async function loadCredential(): Promise<StoredCredential | null> {
    const cred = await credentials.load();
    if (cred) {
      log.addSecret(cred.token);
      log.addSecret(cred.terminal.lookupSecret);
      for (const s of cred.terminal.phoneSecrets ?? []) log.addSecret(s.secret);
    }
    return cred;
  }

  async function diagnostics() {
    const credential = await loadCredential();
    return collectDiagnostics({
      mode,
      appVersion: options.appVersion ?? 'unknown',
      dataDir: options.dataDir ?? null,
      startedAt,
      credential,
      fallbackServerUrl: options.serverUrl ?? null,
      devices: devices.list(),
      log,
      check: (url) =>
        checkServer(url, {
          fetch: fetchFor(url === credential?.serverUrl ? credential : null),
          timeoutMs: options.healthTimeoutMs ?? Math.min(timeoutMs, 5_000),
        }),
    });
  }

  async function status(): Promise<HostStatus> {
    const cred = await loadCredential();
    return {
      mode,
      enrolled: cred !== null,
      // Before enrolment: the configured address, so the setup screen offers it.
      serverUrl: cred?.serverUrl ?? options.serverUrl ?? null,
      setupName: options.terminalName ?? null,
      terminal: cred?.terminal ?? null,
      devices: devices.list(),
      fiscal: devices.fiscal?.settings ?? null,
    };
  }

  /**
   * A till its server still accepts is re-enrolled only with a manager's PIN or card of its
   * current store, checked by that server (with its lockout): otherwise anyone at the keyboard
   * could move a working till to a server of their own. A credential the server refuses (revoked)
   * or none needs nothing. Answers null when enrolment may go on, else the refusal.
   */
  async function confirmReplacing(newBase: string, manager: { pin?: string; card?: string }): Promise<HostResponse | null> {
    const cred = await loadCredential();
    if (!cred) return null;
    const old = cred.serverUrl;
    const who = `"${cred.terminal.terminalName}" of ${cred.terminal.storeName}`;
    const headers = { authorization: `Bearer ${cred.token}` };
    // The old server is asked through its own pin: one with another certificate confirms nothing.
    const doFetch = fetchFor(cred);
    let check: Response;
    try {
      check = await doFetch(`${old}/api/v1/terminal`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if (pinRefused(err)) return pinRefusal(err);
      log.warn(`enrolment over a live till refused: its server ${old} cannot confirm a manager (${unreachableReason(err, timeoutMs).reason})`);
      return refuse(
        'enrol_old_server_unreachable',
        `This till is enrolled as ${who} with ${old}, which cannot be reached to confirm a manager. To enrol it with ${newBase}, IT removes the till's credential on this machine.`,
      );
    }
    if (check.status === 401) return null;
    if (manager.pin === undefined && manager.card === undefined) {
      log.warn(`enrolment over a live till refused: no manager PIN or card (enrolled with ${old}, asked to enrol with ${newBase})`);
      return refuse('enrol_needs_manager', `This till is enrolled as ${who} with ${old}. Enrolling it with ${newBase} needs the store manager's PIN or card.`);
    }
    if (manager.pin) log.addSecret(manager.pin);
    if (manager.card) log.addSecret(manager.card);
    let session: Response;
    try {
      session = await doFetch(`${old}/api/v1/manager/session`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(manager.pin !== undefined ? { pin: manager.pin } : { card: manager.card }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return refuse('enrol_old_server_unreachable', `The server ${old} cannot be reached to confirm the manager: ${(err as Error).message}`);
    }
    const body: unknown = await session.json().catch(() => null);
    if (!session.ok) {
      const parsed = ApiError.safeParse(body);
      log.warn(`enrolment over a live till refused: ${old} did not accept the manager (${session.status} ${parsed.success ? parsed.data.code : ''})`);
      return refuse(
        'enrol_manager_refused',
        `The store manager was not confirmed by ${old}: ${parsed.success ? parsed.data.message : `it answered ${session.status}`}`,
      );
    }
    const token = (body as { token?: unknown } | null)?.token;
    // The manager session was only a confirmation: end it at once.
    if (typeof token === 'string') {
      await doFetch(`${old}/api/v1/manager/session`, { method: 'DELETE', headers: { ...headers, [MANAGER_TOKEN_HEADER]: token } }).catch(() => undefined);
    }
    log.info(`enrolment over a live till confirmed by a manager of ${cred.terminal.storeName} (was ${old}, now ${newBase})`);
    return null;
  }

  const refuse = (code: string, message: string): HostResponse => ({ ok: false, error: { code, message } });
  /** The server's certificate is not the pinned one (pinnedFetch.ts): said as such, never as "unreachable". */
  const pinRefused = (err: unknown): err is Error & { code: 'server_certificate_mismatch' | 'server_certificate_untrusted' } =>
    err instanceof Error && ['server_certificate_mismatch', 'server_certificate_untrusted'].includes(String((err as { code?: unknown }).code));
  const pinRefusal = (err: Error & { code: string }) => {
    log.error(`server certificate refused: ${err.message}`);
    return { ok: false as const, error: { code: err.code, message: err.message } };
  };

  async function enrol(serverUrl: string, code: string, deviceName: string, manager: { pin?: string; card?: string } = {}): Promise<HostResponse> {
    const base = serverUrl.replace(/\/+$/, '');
    // A one-time code is a credential until used: never in the log.
    log.addSecret(code);
    // Before anything is sent, to the old server or the new one.
    const address = checkServerAddress(base, options.allowPlainHttp === true);
    if (!address.ok) {
      log.warn(`enrolment refused: ${address.message}`);
      return refuse(address.code, address.message);
    }
    const refusal = await confirmReplacing(base, manager);
    if (refusal) return refusal;
    let res: Response;
    // Trust on first use: without IT's pin, an https:// server's certificate is read now and
    // pinned; the enrolment itself already goes through that pin, and so does every call after.
    let pin: string | undefined;
    try {
      if (!configuredPin && new URL(base).protocol === 'https:')
        pin = await serverCertificate(new URL(base), AbortSignal.timeout(timeoutMs), options.serverCaPem ?? undefined);
      const doFetch = configuredPin ?? (pin ? pinnedFetch(pin) : plainFetch);
      res = await doFetch(`${base}/api/v1/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, deviceName }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      if (pinRefused(err)) return pinRefusal(err);
      log.warn(`enrolment: cannot reach the server at ${base}: ${unreachableReason(err, timeoutMs).reason}`);
      return { ok: false, error: { code: 'server_unreachable', message: `Cannot reach the server at ${base}: ${(err as Error).message}` } };
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const parsed = ApiError.safeParse(body);
      const error = parsed.success ? parsed.data : { code: `http_${res.status}`, message: `The server answered ${res.status}` };
      log.warn(`enrolment with ${base} refused (${res.status} ${error.code}): ${error.message}`);
      return { ok: false, error };
    }
    const enrolled = EnrolResponse.safeParse(body);
    if (!enrolled.success) {
      log.error(`enrolment with ${base}: the server answered with something unexpected`);
      return { ok: false, error: { code: 'bad_server_answer', message: 'The server answered enrolment with something unexpected.' } };
    }
    const { token, ...terminal } = enrolled.data;
    log.addSecret(token);
    log.addSecret(terminal.lookupSecret);
    await credentials.save({ serverUrl: base, token, terminal, ...(pin ? { serverCertSha256: pin } : {}) });
    log.info(
      `enrolled as "${terminal.terminalName}" of ${terminal.storeName} (store ${terminal.storeId}) with ${base}${pin ? `, its certificate pinned (SHA-256 ${pin})` : ''}`,
    );
    return { ok: true, value: await status() };
  }

  async function api(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    query: Record<string, string> | undefined,
    body: unknown,
    managerToken?: string,
  ): Promise<ApiResult> {
    const cred = await loadCredential();
    if (!cred) return { status: 401, body: { code: 'not_enrolled', message: 'This terminal is not enrolled yet.' } };
    const qs = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
    try {
      const res = await fetchFor(cred)(`${cred.serverUrl}${path}${qs}`, {
        method,
        headers: {
          authorization: `Bearer ${cred.token}`,
          ...(managerToken ? { [MANAGER_TOKEN_HEADER]: managerToken } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const json: unknown = await res.json().catch(() => null);
      // A customer not found is an answer, not a failure.
      if (res.status >= 400 && !(res.status === 404 && path === '/api/v1/lookup')) {
        const e = (json ?? {}) as { code?: unknown; message?: unknown };
        // The path only: a query may hold a card number or a lookup key.
        log.warn(
          `API ${method} ${path} answered ${res.status}${typeof e.code === 'string' ? ` ${e.code}` : ''}${typeof e.message === 'string' ? `: ${e.message}` : ''}`,
        );
      }
      return { status: res.status, body: json };
    } catch (err) {
      if (pinRefused(err)) return { status: 503, body: pinRefusal(err).error };
      log.warn(`API ${method} ${path}: server unreachable (${unreachableReason(err, timeoutMs).reason})`);
      return { status: 503, body: { code: 'server_unreachable', message: `Cannot reach the server: ${(err as Error).message}` } };
    }
  }

  /** A piece of the chain's customer snapshot for the page, which cannot reach the server itself. */
  async function snapshotRange(path: string, start: number, end: number): Promise<SnapshotRangeAnswer> {
    const cred = await loadCredential();
    if (!cred) return { ok: false, offline: false, status: 401, message: 'This terminal is not enrolled yet.' };
    const range = await httpSnapshotFetcher(cred.serverUrl, { authorization: `Bearer ${cred.token}` }, fetchFor(cred))(path, start, end);
    if (!range.ok) {
      log.warn(`customer snapshot ${start}-${end}: ${range.message}`);
      return range;
    }
    return { ok: true, base64: Buffer.from(range.bytes.buffer, range.bytes.byteOffset, range.bytes.byteLength).toString('base64'), cut: range.cut === true };
  }

  const phoneKeys = createPhoneKeyService({
    credentials,
    loadCredential,
    api: (method, path) => api(method, path, undefined, undefined),
    log,
    now: options.now,
  });

  return {
    status,
    onDeviceEvent: (listener) => devices.on(listener),
    async handle(request) {
      const parsed = HostRequest.safeParse(request);
      if (!parsed.success) {
        return { ok: false, error: { code: 'invalid_request', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } };
      }
      const r = parsed.data;
      switch (r.op) {
        case 'status':
          return { ok: true, value: await status() };
        case 'enrol':
          return enrol(r.serverUrl, r.code, r.deviceName, { pin: r.managerPin, card: r.managerCard });
        case 'api':
          return { ok: true, value: await api(r.method, r.path, r.query, r.body, r.managerToken) };
        case 'phoneKeys':
          return { ok: true, value: { keys: await phoneKeys.keys(r.e164, r.refresh === true) } };
        case 'diagnostics':
          return { ok: true, value: await diagnostics() };
        case 'pay': {
          const pay = devices.pay?.bind(devices);
          // The chain's limit per receipt, as last heard from the server (refreshed in the background).
          phoneKeys.refreshIfStale();
          const limit = (await loadCredential())?.terminal.cardPaymentLimitKopecks ?? null;
          if (limit !== null && r.amountKopecks > limit && payments.outcome(r.receiptId).state === 'unknown') {
            log.warn(`card payment for receipt ${r.receiptId} refused: ${r.amountKopecks} kopecks is above the chain's limit of ${limit} per receipt`);
            return { ok: true, value: { approved: false, declineReason: 'over-card-limit' } };
          }
          const answer = pay
            ? await payments.run(r.receiptId, () => pay(r.amountKopecks, r.receiptId))
            : { approved: false, declineReason: 'terminal-unavailable' };
          log.info(`card payment for receipt ${r.receiptId}: ${answer.approved ? 'approved' : `declined (${answer.declineReason ?? 'no reason'})`}`);
          return { ok: true, value: answer };
        }
        case 'paymentOutcome':
          return { ok: true, value: payments.outcome(r.receiptId) };
        case 'refund': {
          const refund = devices.refund?.bind(devices);
          // Remembered apart from payments: a return's id never meets a sale's, but say so anyway.
          const answer = refund
            ? await payments.run(`refund:${r.receiptId}`, () => refund(r.amountKopecks, r.receiptId, r.originalRrn))
            : { approved: false, declineReason: 'terminal-unavailable' };
          log.info(`card refund for return ${r.receiptId}: ${answer.approved ? 'approved' : `declined (${answer.declineReason ?? 'no reason'})`}`);
          return { ok: true, value: answer };
        }
        case 'snapshotRange':
          return { ok: true, value: await snapshotRange(r.path, r.start, r.end) };
        case 'readCard':
          return { ok: true, value: devices.readCard ? await devices.readCard(r.requestId) : { ok: false, reason: 'terminal-unavailable' } };
        case 'weigh':
          return { ok: true, value: devices.weigh ? await devices.weigh() : { ok: false, code: 'offline' } };
        case 'fiscal': {
          const fiscal = devices.fiscal;
          if (!fiscal) return { ok: false, error: { code: 'fiscal_not_configured', message: 'This till has no fiscal register configured.' } };
          return { ok: true, value: await fiscal.handle(r) };
        }
        case 'exportLogs': {
          const d = await diagnostics();
          log.info('logs exported for IT');
          return { ok: true, value: exportText(d, log, r.till) };
        }
      }
    },
  };
}
