import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { defaultDataDir, MachineConfig, machineConfigPath, MachineConfigError, parseMachineConfig, readText } from './machineConfig';

const Env = z.object({
  LT_SERVER_URL: z.url({ protocol: /^https?$/ }).optional(),
  LT_TILL_DATA_DIR: z.string().refine(isAbsolute, 'must be an absolute path (never relative to the folder the till was started from)').optional(),
  LT_ENROL_CODE: z.string().min(6).optional(),
  LT_TERMINAL_NAME: z.string().trim().min(1).max(100).optional(),
  LT_HOST_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LT_DEVICE_CONFIG: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
  LT_SERVER_CERT_SHA256: MachineConfig.shape.serverCertSha256,
  LT_ALLOW_PLAIN_HTTP: z.enum(['0', '1', 'true', 'false']).optional(),
});

export interface HostConfig {
  serverUrl: string;
  dataDir: string;
  enrolCode: string | null;
  /** The name to enrol with: what the setup screen offers, or null for the screen's own default. */
  terminalName: string | null;
  port: number;
  deviceConfigPath: string | null;
  /** The pinned SHA-256 fingerprint of the server's certificate; null: ordinary TLS (or plain HTTP). */
  serverCertSha256?: string | null;
  /** A store CA (PEM) trusted at enrolment, for a certificate no public CA signed. */
  serverCaPem?: string | null;
  /** A plain `http://` server off this machine is allowed (IT's explicit choice); otherwise refused at enrolment. */
  allowPlainHttp?: boolean;
  /** The machine config file read (or looked for), for the log. */
  configPath?: string;
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';

/**
 * The till host's settings: the environment over the machine config file (machineConfig.ts)
 * over the defaults. Throws MachineConfigError naming the field when either is wrong.
 */
export function readHostConfig(
  env: NodeJS.ProcessEnv,
  read: (path: string) => string | null = readText,
  platform: NodeJS.Platform = process.platform,
): HostConfig {
  const configPath = machineConfigPath(env, platform);
  const file: MachineConfig = parseMachineConfig(configPath, read(configPath));
  // An empty variable means unset, as in most shells' habits (FOO= cmd).
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    throw new MachineConfigError(`Till environment is invalid: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const serverUrl = e.LT_SERVER_URL ?? file.serverUrl;
  return {
    serverUrl: (serverUrl ?? DEFAULT_SERVER_URL).replace(/\/+$/, ''),
    dataDir: e.LT_TILL_DATA_DIR ?? file.dataDir ?? defaultDataDir(env, platform),
    enrolCode: e.LT_ENROL_CODE ?? null,
    terminalName: e.LT_TERMINAL_NAME ?? file.terminalName ?? null,
    port: e.LT_HOST_PORT ?? file.hostPort ?? 8788,
    deviceConfigPath: e.LT_DEVICE_CONFIG ?? file.deviceConfig ?? null,
    serverCertSha256: e.LT_SERVER_CERT_SHA256 ?? file.serverCertSha256 ?? null,
    serverCaPem: file.serverCaPem ?? null,
    allowPlainHttp: e.LT_ALLOW_PLAIN_HTTP !== undefined ? e.LT_ALLOW_PLAIN_HTTP === '1' || e.LT_ALLOW_PLAIN_HTTP === 'true' : file.allowPlainHttp === true,
    configPath,
  };
}
