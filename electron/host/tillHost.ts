import { join } from 'node:path';
import { useNativeArgon2 } from '../../core/argon2Native';
import { createDeviceManager, loadDeviceConfig, type DeviceConfig, type DeviceConfigInput, type DeviceManager } from '../../drivers';
import { findAppVersion } from './appVersion';
import { readCredentialKey, type CredentialKey } from './credentialKey';
import { browserCredentialStore, fileCredentialStore, type Sealer } from './credentialStore';
import { createDeviceHub } from './deviceHub';
import { logDeviceEvents } from './deviceLog';
import { createHostLog, type HostLog } from './hostLog';
import type { HostConfig } from './hostConfig';
import { createHostServices, type HostServices } from './hostServices';
import { makeTillDirPrivate } from './privateFiles';

export interface TillHost {
  services: HostServices;
  /** A line for the console saying what happened with enrolment. */
  enrolment: string;
  /** The host's own log (scrubbed ring buffer), shown on the diagnostics screen. */
  log: HostLog;
  stop(): Promise<void>;
}

export type DeviceManagerFactory = (config: DeviceConfig | DeviceConfigInput, lookupSecret: string) => DeviceManager;

const factoryLoggingTo =
  (log: HostLog): DeviceManagerFactory =>
  (config, lookupSecret) =>
    createDeviceManager({
      config,
      lookupSecret,
      onInternalError: (err) => {
        const message = err instanceof Error ? err.message : 'unknown';
        console.error('Device layer fault:', log.scrub(message));
        log.error(`device layer fault: ${message}`);
      },
    });

/**
 * Wire the host the same way for Electron and for the browser host: the credential
 * store, the devices, and a scripted enrolment when a code is given. Throws a
 * DeviceConfigError naming the bad field when the device config file is wrong.
 */
export async function createTillHost(
  config: HostConfig,
  mode: 'electron' | 'browser',
  extras: { sealer?: Sealer; deviceManager?: DeviceManagerFactory; log?: HostLog; appVersion?: string; credentialKey?: CredentialKey } = {},
): Promise<TillHost> {
  // Lookup keys (typed phones, bank cards) at native speed: the cost they are set to assumes it.
  useNativeArgon2();
  // The credential, its salt and the session token live here: the till's user's alone (issue 13).
  makeTillDirPrivate(config.dataDir);
  const startedAt = Date.now();
  const log = extras.log ?? createHostLog();
  const appVersion = extras.appVersion ?? findAppVersion();
  log.info(`host starting: Loyalty Till ${appVersion}, ${mode} mode, data in ${config.dataDir}`);
  log.info(config.deviceConfigPath ? `devices: configured by ${config.deviceConfigPath}` : 'devices: no config file, auto-detecting known scanners');
  // No file: auto-detect known scanners and claim nothing by path.
  const loaded = config.deviceConfigPath ? await loadDeviceConfig(config.deviceConfigPath) : null;
  const deviceConfig: DeviceConfig | DeviceConfigInput = loaded ?? {};
  const makeManager = extras.deviceManager ?? factoryLoggingTo(log);
  // Electron seals with the OS keyring; the browser host (or Electron without a keyring) with a machine-bound key.
  // Without a keyring, a key kept off the disk (a TPM-sealed systemd credential, credentialKey.ts)
  // makes a stolen disk useless; one configured but unreadable stops the host rather than seal weaker.
  const external = extras.sealer ? null : (extras.credentialKey ?? readCredentialKey(process.env));
  if (external?.problem) throw new Error(`Credential key: ${external.problem}`);
  if (!extras.sealer) {
    log[external?.key ? 'info' : 'warn'](
      external?.key
        ? `credential sealed with the machine id and the key from ${external.source}`
        : 'credential sealed with the machine id only: a copy of this disk opens it (give a TPM-sealed systemd credential, docs/security.md)',
    );
  }
  const credentials = extras.sealer
    ? fileCredentialStore(join(config.dataDir, 'credential.sealed'), extras.sealer)
    : await browserCredentialStore(config.dataDir, undefined, external?.key ?? null);
  // No file means no fiscal register.
  const hub = createDeviceHub({ fiscal: loaded?.fiscal, log });
  const unlog = logDeviceEvents(hub, log);
  const inner = createHostServices({
    mode,
    credentials,
    devices: hub,
    log,
    appVersion,
    dataDir: config.dataDir,
    serverUrl: config.serverUrl,
    terminalName: config.terminalName,
    startedAt,
    // IT's pin of the server certificate: every call goes through it; without it the till pins at enrolment (issue 13).
    serverCertSha256: config.serverCertSha256,
    serverCaPem: config.serverCaPem ?? null,
    allowPlainHttp: config.allowPlainHttp === true,
  });
  // Bank cards are hashed with the chain's secret: (re)start the devices whenever it changes.
  let secret: string | null = null;
  const syncDevices = async () => {
    const next = (await credentials.load())?.terminal.lookupSecret ?? '';
    if (next === secret) return;
    secret = next;
    await hub.replace(makeManager(deviceConfig, next));
  };
  const services: HostServices = {
    ...inner,
    async handle(request) {
      const answer = await inner.handle(request);
      if (answer.ok && (request as { op?: unknown } | null)?.op === 'enrol') await syncDevices();
      return answer;
    },
  };

  let enrolment = 'not enrolled: the till will ask for a server address and an enrolment code';
  let existing = await credentials.load();
  if (existing && config.enrolCode) {
    // A scripted start with a fresh code re-enrols a terminal whose credential the server no longer accepts.
    const check = await services.handle({ op: 'api', method: 'GET', path: '/api/v1/terminal' });
    if (check.ok && (check.value as { status: number }).status === 401) {
      await credentials.clear();
      existing = null;
    }
  }
  if (existing) {
    enrolment = `enrolled as "${existing.terminal.terminalName}" of ${existing.terminal.storeName} (${existing.serverUrl})`;
  } else if (config.enrolCode) {
    const res = await services.handle({ op: 'enrol', serverUrl: config.serverUrl, code: config.enrolCode, deviceName: config.terminalName ?? 'Касса 1' });
    enrolment = res.ok ? `enrolled with ${config.serverUrl} using the given code` : `enrolment failed (${res.error.code}): ${res.error.message}`;
  }
  log.info(`enrolment: ${enrolment}`);
  await syncDevices();
  return {
    services,
    enrolment,
    log,
    stop: async () => {
      await hub.stop();
      unlog();
    },
  };
}
