import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DeviceEvent } from '../core/scan';
import type { ApiCaller } from '../sync/client/api';
import { currentCashier, needsCashier, pullCashiers, signIn, signOut, type SignedIn, type SignInResult } from '../sync/client/cashiers';
import { findCustomer, findCustomerByBankCard, type FindResult } from '../sync/client/findCustomer';
import { pullCatalogue } from '../sync/client/catalogue';
import { forgetAckedBefore, outboxStats, pushOutbox, retryDelay } from '../sync/client/outbox';
import { pullCustomersInWorker } from '../sync/client/pullInWorker';
import { pullCustomers, type PullOutcome, type PullProgress } from '../sync/client/pull';
import { TillDb, type LocalCustomer } from '../sync/client/tillDb';
import { PaymentAnswer, type DeviceInfo, type HostStatus } from '../sync/protocol/host';
import { apiThroughHost, connectHost, hostStatus, type HostBridge } from './host/bridge';

export type TillPhase =
  | { phase: 'starting' }
  | { phase: 'hostError'; code: string; message: string }
  | { phase: 'notEnrolled'; status: HostStatus; revoked: boolean }
  | { phase: 'ready'; status: HostStatus };

export interface SyncView {
  progress: PullProgress | null;
  running: boolean;
  online: boolean | null;
  lastSyncAt: number | null;
  /** Events in the outbox waiting for the server, and those it refused (kept, shown). */
  waiting: number;
  rejected: number;
  /** When the till last went offline, while it is. */
  offlineSince: number | null;
  /** When products, offers and the programme were last stored. */
  catalogueAt: number | null;
  /** Customers in the till's cache after the last complete pull. */
  cached: number | null;
  /** The last sync failure as it happened (English, for diagnostics and logs). */
  error: string | null;
  /** What failed: a pull code ('offline', 'storage_full', ...) or 'push'; the screen words it per language. */
  errorCode: string | null;
}

const PULL_EVERY_MS = 30_000;
const PUSH_EVERY_MS = 5_000;

/** The customer pull runs in a worker so parsing and storing pages never stalls the screen or the scanner. */
function startPullWorker(): Worker | null {
  try {
    return new Worker(new URL('../sync/client/pullWorker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
}

/**
 * Customers per pull request. `?pullPageSize=N` in the till's address overrides the default,
 * so a test can make the initial load slow enough to interrupt; it only changes pacing.
 */
function pullPageSize(): number | undefined {
  const asked = Number(new URLSearchParams(window.location.search).get('pullPageSize'));
  return Number.isInteger(asked) && asked >= 1 && asked <= 10_000 ? asked : undefined;
}

/** The till's live state: host, local database, sync loop and customer lookup. */
export function useTill() {
  const bridge = useMemo<HostBridge>(() => connectHost(), []);
  const [phase, setPhase] = useState<TillPhase>({ phase: 'starting' });
  const api = useMemo<ApiCaller>(() => {
    const through = apiThroughHost(bridge);
    return async (...args) => {
      const answer = await through(...args);
      // The server no longer knows this terminal: stop and ask IT to enrol it again.
      if (!answer.ok && answer.code === 'credential_rejected') {
        setPhase((p) => (p.phase === 'ready' ? { phase: 'notEnrolled', status: p.status, revoked: true } : p));
      }
      return answer;
    };
  }, [bridge]);
  const [generation, setGeneration] = useState(0);
  const [devices, setDevices] = useState<DeviceInfo[]>([]);
  const pushNow = useRef<() => void>(() => undefined);

  // Device status: the host's list at start, then every status event it streams.
  useEffect(
    () =>
      bridge.onDeviceEvent((e) => {
        if (e.kind !== 'status') return;
        setDevices((list) => {
          const known = list.some((d) => d.deviceId === e.deviceId);
          const next = { deviceId: e.deviceId, deviceType: e.deviceType, status: e.status, lastEventAt: e.at };
          return known ? list.map((d) => (d.deviceId === e.deviceId ? { ...d, ...next } : d)) : [...list, next];
        });
      }),
    [bridge],
  );
  const [sync, setSync] = useState<SyncView>({
    progress: null, running: false, online: null, lastSyncAt: null, error: null, errorCode: null, waiting: 0, rejected: 0, offlineSince: null, catalogueAt: null, cached: null,
  });
  const dbRef = useRef<TillDb | null>(null);
  /** Cashier sign-in: needed when the store has cashiers; `loaded` once the till has looked. */
  const [cashier, setCashier] = useState<{ loaded: boolean; required: boolean; current: SignedIn | null }>({ loaded: false, required: false, current: null });
  const refreshCashier = useCallback(async () => {
    const db = dbRef.current;
    if (!db) return;
    const [required, current] = await Promise.all([needsCashier(db), currentCashier(db)]);
    setCashier({ loaded: true, required, current });
  }, []);

  useEffect(() => {
    let cancelled = false;
    void hostStatus(bridge).then((s) => {
      if (cancelled) return;
      if ('error' in s) {
        setPhase({ phase: 'hostError', ...s.error });
        return;
      }
      setDevices(s.devices);
      if (!s.enrolled || !s.terminal) setPhase({ phase: 'notEnrolled', status: s, revoked: false });
      else {
        // One database per terminal identity, so a re-enrolled till never mixes caches.
        dbRef.current = new TillDb(`loyalty-till-${s.terminal.terminalId}`);
        setPhase({ phase: 'ready', status: s });
      }
    });
    return () => {
      cancelled = true;
    };
  }, [bridge, generation]);

  const enrol = useCallback(
    async (serverUrl: string, code: string, deviceName: string): Promise<{ ok: true } | { ok: false; message: string }> => {
      const res = await bridge.request({ op: 'enrol', serverUrl, code, deviceName });
      if (!res.ok) return { ok: false, message: res.error.message };
      setGeneration((g) => g + 1);
      return { ok: true };
    },
    [bridge],
  );

  const ready = phase.phase === 'ready';
  useEffect(() => {
    const db = dbRef.current;
    if (!ready || !db) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let worker = startPullWorker();
    const pull = async (onProgress: (p: PullProgress) => void): Promise<PullOutcome> => {
      if (worker) {
        const outcome = await pullCustomersInWorker(worker, db.name, api, onProgress, pullPageSize());
        if (outcome.ok || outcome.code !== 'worker_failed') return outcome;
        // No worker here (e.g. a file:// page that may not start one): pull on this thread instead.
        worker.terminate();
        worker = null;
      }
      return pullCustomers(db, api, onProgress, { pageSize: pullPageSize() });
    };
    const run = async () => {
      const startedAt = Date.now();
      // Cashiers first: a small list, and a shift cannot start without it.
      await pullCashiers(db, api);
      if (stopped) return;
      await refreshCashier();
      const existing = await db.syncState.get('customers');
      if (existing) setSync((s) => ({ ...s, progress: { loaded: existing.loaded, remaining: existing.remaining, complete: existing.complete } }));
      setSync((s) => ({ ...s, running: true }));
      const outcome = await pull((progress) => {
        if (!stopped) setSync((s) => ({ ...s, progress, online: true }));
      });
      if (stopped) return;
      // Acknowledged balances this pull has brought down are in the cache now.
      if (outcome.ok) await forgetAckedBefore(db, startedAt);
      const catalogue = outcome.ok ? await pullCatalogue(db, api) : null;
      if (catalogue?.ok) setSync((s) => ({ ...s, catalogueAt: Date.now() }));
      if (outcome.ok) {
        const cached = await db.customers.count();
        setSync((s) => ({ ...s, cached }));
      }
      setSync((s) => ({
        ...s,
        running: false,
        online: outcome.ok ? true : !outcome.offline,
        lastSyncAt: outcome.ok ? Date.now() : s.lastSyncAt,
        error: outcome.ok ? null : outcome.message,
        errorCode: outcome.ok ? null : outcome.code,
      }));
      timer = setTimeout(() => void run(), PULL_EVERY_MS);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      worker?.terminate();
    };
  }, [ready, api, refreshCashier]);

  // What this till already knows, at once; the pull loop refreshes it with the server's list.
  useEffect(() => {
    if (ready) void refreshCashier();
  }, [ready, refreshCashier]);

  const signInCashier = useCallback(
    async (personnelNo: string, pin: string): Promise<SignInResult | null> => {
      const db = dbRef.current;
      if (!db) return null;
      const result = await signIn(db, personnelNo, pin);
      await refreshCashier();
      return result;
    },
    [refreshCashier],
  );
  const signOutCashier = useCallback(async () => {
    const db = dbRef.current;
    if (db) await signOut(db);
    await refreshCashier();
  }, [refreshCashier]);

  // Remember since when the server has been away, for the status bar.
  useEffect(() => {
    setSync((s) =>
      s.online === false ? (s.offlineSince ? s : { ...s, offlineSince: Date.now() }) : s.offlineSince ? { ...s, offlineSince: null } : s,
    );
  }, [sync.online]);

  // Push loop: send the outbox in order; back off with jitter while the server is away.
  useEffect(() => {
    const db = dbRef.current;
    if (!ready || !db) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let inFlight = false;
    const tick = async () => {
      if (inFlight) return;
      inFlight = true;
      clearTimeout(timer);
      const outcome = await pushOutbox(db, api).finally(() => (inFlight = false));
      const stats = await outboxStats(db);
      if (stopped) return;
      setSync((s) => ({ ...s, ...stats, ...(outcome.ok ? {} : { online: !outcome.offline, error: outcome.message, errorCode: 'push' }) }));
      attempt = outcome.ok ? 0 : attempt + 1;
      timer = setTimeout(() => void tick(), outcome.ok ? (outcome.more ? 0 : PUSH_EVERY_MS) : retryDelay(attempt));
    };
    // A new sale is sent at once rather than at the next round.
    pushNow.current = () => {
      if (attempt === 0) void tick();
      else void outboxStats(db).then((stats) => !stopped && setSync((s) => ({ ...s, ...stats })));
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      pushNow.current = () => undefined;
    };
  }, [ready, api]);

  const find = useCallback(
    async (text: string): Promise<FindResult | null> => {
      const db = dbRef.current;
      if (phase.phase !== 'ready' || !db || !phase.status.terminal) return null;
      const { lookupSecret, cardPrefix } = phase.status.terminal;
      const result = await findCustomer({ db, lookupSecret, cardPrefix, api }, text);
      if (result.kind === 'notFound') setSync((s) => ({ ...s, online: !result.offline }));
      if (result.kind === 'found' && result.source === 'server') setSync((s) => ({ ...s, online: true }));
      return result;
    },
    [phase, api],
  );

  const findByBankCard = useCallback(
    async (tokenHash: string): Promise<LocalCustomer | null> => {
      const db = dbRef.current;
      if (phase.phase !== 'ready' || !db || !phase.status.terminal) return null;
      const { lookupSecret, cardPrefix } = phase.status.terminal;
      const result = await findCustomerByBankCard({ db, lookupSecret, cardPrefix, api }, tokenHash);
      return result.kind === 'found' ? result.customer : null;
    },
    [phase, api],
  );

  /** Card payment on the host's payment terminal. */
  const payByCard = useCallback(
    async (amountKopecks: number, receiptId: string): Promise<PaymentAnswer> => {
      const res = await bridge.request({ op: 'pay', amountKopecks, receiptId });
      const parsed = res.ok ? PaymentAnswer.safeParse(res.value) : null;
      return parsed?.success ? parsed.data : { approved: false, declineReason: res.ok ? 'bad answer from the till host' : res.error.message };
    },
    [bridge],
  );

  const onDeviceEvent = useCallback((listener: (e: DeviceEvent) => void) => bridge.onDeviceEvent(listener), [bridge]);

  return {
    phase, sync, find, onDeviceEvent, enrol, devices, db: ready ? dbRef.current : null, pushNow: () => pushNow.current(), bridge, findByBankCard, payByCard,
    cashier, signInCashier, signOutCashier,
  };
}
