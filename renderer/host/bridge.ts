import { DeviceEvent } from '../../core/scan';
import { toApiAnswer, type ApiCaller } from '../../sync/client/api';
import type { SnapshotFetcher } from '../../sync/client/snapshotFetcher';
import { ApiResult, HostStatus, SnapshotRangeAnswer, type HostRequest } from '../../sync/protocol/host';

/**
 * One host interface for the renderer, two transports: Electron's preload (IPC) or the
 * browser host (HTTP + WebSocket with the session token from the URL fragment).
 */
export interface HostBridge {
  mode: 'electron' | 'browser';
  request(req: HostRequest): Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>;
  onDeviceEvent(listener: (e: DeviceEvent) => void): () => void;
}

interface PreloadApi {
  request(req: unknown): Promise<unknown>;
  onDeviceEvent(listener: (e: unknown) => void): () => void;
}

type Answer = Awaited<ReturnType<HostBridge['request']>>;

function asAnswer(raw: unknown): Answer {
  const r = raw as Partial<{ ok: boolean; value: unknown; error: { code: string; message: string } }> | null;
  if (r && r.ok === true) return { ok: true, value: r.value };
  if (r && r.ok === false && r.error && typeof r.error.code === 'string') return { ok: false, error: r.error };
  return { ok: false, error: { code: 'bad_host_answer', message: 'The till host gave an unexpected answer.' } };
}

function sessionToken(): string | null {
  const match = /session=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem('lt-session', match[1]);
    // Keep the token out of the address bar and history.
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem('lt-session');
}

function electronBridge(api: PreloadApi): HostBridge {
  return {
    mode: 'electron',
    request: async (req) => asAnswer(await api.request(req)),
    onDeviceEvent: (listener) =>
      api.onDeviceEvent((raw) => {
        const e = DeviceEvent.safeParse(raw);
        if (e.success) listener(e.data);
      }),
  };
}

function browserBridge(token: string | null): HostBridge {
  return {
    mode: 'browser',
    async request(req) {
      if (!token) return { ok: false, error: { code: 'bad_session', message: 'Open the till from the address the host printed.' } };
      try {
        const res = await fetch('./host/rpc', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-till-session': token },
          body: JSON.stringify(req),
        });
        return asAnswer(await res.json());
      } catch {
        return { ok: false, error: { code: 'host_unreachable', message: 'The till host is not running.' } };
      }
    },
    onDeviceEvent(listener) {
      let socket: WebSocket | null = null;
      let stopped = false;
      let retry = 500;
      const connect = () => {
        if (stopped || !token) return;
        const url = new URL('./host/events', window.location.href);
        url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
        url.searchParams.set('session', token);
        socket = new WebSocket(url);
        socket.onopen = () => (retry = 500);
        socket.onmessage = (m) => {
          try {
            const e = DeviceEvent.safeParse(JSON.parse(String(m.data)));
            if (e.success) listener(e.data);
          } catch {
            // Not JSON: ignore, the host never sends that.
          }
        };
        socket.onclose = () => {
          if (!stopped) setTimeout(connect, (retry = Math.min(retry * 2, 10_000)));
        };
      };
      connect();
      return () => {
        stopped = true;
        socket?.close();
      };
    },
  };
}

export function connectHost(): HostBridge {
  const preload = (window as unknown as { loyaltyTillHost?: PreloadApi }).loyaltyTillHost;
  return preload ? electronBridge(preload) : browserBridge(sessionToken());
}

export async function hostStatus(bridge: HostBridge): Promise<HostStatus | { error: { code: string; message: string } }> {
  const res = await bridge.request({ op: 'status' });
  if (!res.ok) return { error: res.error };
  const parsed = HostStatus.safeParse(res.value);
  return parsed.success ? parsed.data : { error: { code: 'bad_host_answer', message: 'The till host gave an unexpected status.' } };
}

/** The sync client's view of the server, carried by the host. */
export function apiThroughHost(bridge: HostBridge): ApiCaller {
  return async (method, path, query, body) => {
    const res = await bridge.request({ op: 'api', method, path, query, body });
    if (!res.ok) return { ok: false, offline: res.error.code === 'host_unreachable', status: 0, code: res.error.code, message: res.error.message };
    const parsed = ApiResult.safeParse(res.value);
    if (!parsed.success) return { ok: false, offline: false, status: 0, code: 'bad_host_answer', message: 'The till host gave an unexpected answer.' };
    return toApiAnswer(parsed.data.status, parsed.data.body);
  };
}

/** The chain's customer snapshot, downloaded by the host a few MB at a time (pullSnapshot.ts). */
export function snapshotThroughHost(bridge: HostBridge): SnapshotFetcher {
  return async (path, start, end) => {
    const res = await bridge.request({ op: 'snapshotRange', path, start, end });
    if (!res.ok) return { ok: false, offline: res.error.code === 'host_unreachable', status: 0, message: res.error.message };
    const parsed = SnapshotRangeAnswer.safeParse(res.value);
    if (!parsed.success) return { ok: false, offline: false, status: 0, message: 'The till host gave an unexpected answer.' };
    if (!parsed.data.ok) return parsed.data;
    const text = atob(parsed.data.base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return { ok: true, bytes, cut: parsed.data.cut };
  };
}
