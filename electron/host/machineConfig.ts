import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, posix, win32 } from 'node:path';
import { z } from 'zod';

/**
 * The machine's till config file, one per POS machine, written by IT (or a deployment tool):
 * `LT_CONFIG` if set (tests, unusual installs), else `/etc/loyalty-till/config.json` on Linux
 * and `%ProgramData%\LoyaltyTill\config.json` on Windows. Every field is optional; the
 * environment (LT_SERVER_URL, LT_TERMINAL_NAME, ...) wins over the file for a one-off.
 *
 * {
 *   "serverUrl": "https://loyalty.example.ru",
 *   "terminalName": "Тверская, касса 2",
 *   "deviceConfig": "/etc/loyalty-till/devices.json",
 *   "dataDir": "/var/lib/loyalty-till",
 *   "kiosk": true
 * }
 */
const absolutePath = (what: string) =>
  z
    .string()
    .min(1)
    .max(1000)
    .refine((p) => isAbsolute(p) || win32.isAbsolute(p), `${what} must be an absolute path (never relative to the folder the till was started from)`);

export const MachineConfig = z.strictObject({
  serverUrl: z
    .url({ protocol: /^https?$/, error: 'serverUrl must be an http(s) address, e.g. "https://loyalty.example.ru"' })
    .max(2000)
    .optional(),
  terminalName: z.string().trim().min(1, 'terminalName must not be empty').max(100).optional(),
  deviceConfig: absolutePath('deviceConfig').optional(),
  dataDir: absolutePath('dataDir').optional(),
  kiosk: z.boolean().optional(),
  hostPort: z.number().int().min(0).max(65535).optional(),
  /** SHA-256 fingerprint of the server's certificate: the till then speaks HTTPS to that certificate only. */
  serverCertSha256: z
    .string()
    .regex(/^\s*([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}\s*$/, 'serverCertSha256 must be a SHA-256 fingerprint: 64 hex digits, colons allowed')
    .optional(),
  /** A store CA (PEM) trusted for the server's certificate a till pins at enrolment. */
  serverCaPem: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'serverCaPem must be a PEM certificate' }).max(20_000).optional(),
  /** Allow a plain `http://` server that is not on this machine (refused otherwise: issue 13, Transport). */
  allowPlainHttp: z.boolean().optional(),
});
export type MachineConfig = z.infer<typeof MachineConfig>;

export class MachineConfigError extends Error {}

export function machineConfigPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.LT_CONFIG) return env.LT_CONFIG;
  if (platform === 'win32') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'LoyaltyTill', 'config.json');
  return '/etc/loyalty-till/config.json';
}

/** Where the till keeps its data when nothing says otherwise: per user, absolute, per OS. */
export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return win32.join(env.LOCALAPPDATA ?? win32.join(home, 'AppData', 'Local'), 'LoyaltyTill');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'LoyaltyTill');
  const xdg = env.XDG_DATA_HOME && posix.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : posix.join(home, '.local', 'share');
  return join(xdg, 'loyalty-till');
}

export function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The file's settings, or none when it does not exist. A broken file is an error naming the field. */
export function parseMachineConfig(path: string, text: string | null): MachineConfig {
  if (text === null) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MachineConfigError(`Till config ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = MachineConfig.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const field = i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(', ') : 'file');
      return `${field}: ${i.message}`;
    });
    throw new MachineConfigError(`Till config ${path} is invalid: ${issues.join('; ')}`);
  }
  return parsed.data;
}
