import { phoneLookupKeys } from '../../core/lookupKey';
import { TerminalInfo } from '../../sync/protocol/schemas';
import type { ApiResult } from '../../sync/protocol/host';
import type { CredentialStore, StoredCredential } from './credentialStore';
import type { HostLog } from './hostLog';

/**
 * Phone lookup keys for the renderer. The host makes them (native Argon2id, installed by the
 * host's entry point: the renderer's WebAssembly is several times slower, too slow for
 * the cost that makes a stolen till's keys expensive to reverse) with the phone secrets of the
 * terminal's credential, which it refreshes from the server: after a rotation it learns the new
 * version, and forgets the old one once the server has retired it.
 */
export interface PhoneKeyService {
  /** Keys of the phone under each phone secret the till holds, newest first; refresh: ask the server first (at most once a minute). */
  keys(e164: string, refresh: boolean): Promise<string[]>;
  /** Refresh the terminal's settings from the server in the background when they are stale (a card payment asks). */
  refreshIfStale(): void;
}

/** How stale the secrets may get before a lookup refreshes them in the background. */
const REFRESH_AFTER_MS = 5 * 60_000;
/** A forced refresh (a phone found nowhere) at most this often. */
const FORCED_REFRESH_EVERY_MS = 60_000;

export function createPhoneKeyService(deps: {
  credentials: CredentialStore;
  loadCredential: () => Promise<StoredCredential | null>;
  api: (method: 'GET', path: string) => Promise<ApiResult>;
  log: HostLog;
  now?: () => number;
}): PhoneKeyService {
  const now = deps.now ?? Date.now;
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let refreshing: Promise<void> | null = null;

  async function refresh(): Promise<void> {
    refreshedAt = now();
    const res = await deps.api('GET', '/api/v1/terminal');
    if (res.status !== 200) return;
    const info = TerminalInfo.safeParse(res.body);
    const cred = await deps.credentials.load();
    if (!info.success || !cred || info.data.terminalId !== cred.terminal.terminalId) return;
    for (const s of info.data.phoneSecrets ?? []) deps.log.addSecret(s.secret);
    const before = (cred.terminal.phoneSecrets ?? []).map((s) => s.version).join(',');
    const after = (info.data.phoneSecrets ?? []).map((s) => s.version).join(',');
    // The chain's card payment limit per receipt rides along (the host enforces it).
    const limit = info.data.cardPaymentLimitKopecks ?? null;
    const limitChanged = limit !== (cred.terminal.cardPaymentLimitKopecks ?? null);
    if (before === after && !limitChanged) return;
    await deps.credentials.save({ ...cred, terminal: { ...cred.terminal, phoneSecrets: info.data.phoneSecrets, cardPaymentLimitKopecks: limit } });
    if (before !== after) deps.log.info(`phone-key secrets: versions [${after}] (were [${before}])`);
    if (limitChanged) deps.log.info(`card payment limit per receipt: ${limit === null ? 'none' : `${limit} kopecks`}`);
  }

  function refreshOnce(): Promise<void> {
    refreshing ??= refresh()
      .catch((err: unknown) => deps.log.warn(`phone-key secrets: refresh failed (${(err as Error).message})`))
      .finally(() => (refreshing = null));
    return refreshing;
  }

  return {
    refreshIfStale() {
      if (now() - refreshedAt >= REFRESH_AFTER_MS) void refreshOnce();
    },
    async keys(e164, force) {
      let cred = await deps.loadCredential();
      if (!cred) return [];
      const stale = now() - refreshedAt;
      if (!cred.terminal.phoneSecrets?.length || (force && stale >= FORCED_REFRESH_EVERY_MS)) {
        await refreshOnce();
        cred = await deps.loadCredential();
      } else if (stale >= REFRESH_AFTER_MS) {
        void refreshOnce();
      }
      return phoneLookupKeys(cred?.terminal.phoneSecrets ?? [], e164);
    },
  };
}
