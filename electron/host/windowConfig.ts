import { join } from 'node:path';
import { MachineConfig, machineConfigPath, readText } from './machineConfig';

/**
 * How the installed till opens its window. Kiosk mode (full screen, no window frame, no way
 * out but the till's own keys) is what POS hardware wants; a desk for IT testing does not.
 * First match wins:
 * 1. `LT_KIOSK=1` or `LT_KIOSK=0` in the environment (a one-off, e.g. IT at the machine);
 * 2. the machine's config file, `LT_CONFIG` if set, else `/etc/loyalty-till/config.json`
 *    (Windows: `%ProgramData%\LoyaltyTill\config.json`), e.g. `{"kiosk": false}`;
 * 3. the build's default, `resources/till-config.json` (electron-builder ships
 *    `build/till-config.json`: kiosk on for installed builds);
 * 4. off (a development run).
 */
/** The machine config file (machineConfig.ts); the window reads its `kiosk`. */
export const TillConfigFile = MachineConfig;
export type TillConfigFile = MachineConfig;

export interface WindowConfig {
  kiosk: boolean;
  /** Where the setting came from, for the log. */
  source: string;
  /** Config files that could not be read as config (ignored, never fatal at a till's start). */
  problems: string[];
}

export { machineConfigPath };

export function readWindowConfig(
  env: NodeJS.ProcessEnv,
  /** Electron's `process.resourcesPath` in an installed build; undefined in development. */
  resourcesPath: string | undefined,
  read: (path: string) => string | null = readText,
  platform: NodeJS.Platform = process.platform,
): WindowConfig {
  const problems: string[] = [];
  if (env.LT_KIOSK === '1' || env.LT_KIOSK === '0') return { kiosk: env.LT_KIOSK === '1', source: 'LT_KIOSK', problems };
  const files = [machineConfigPath(env, platform), ...(resourcesPath ? [join(resourcesPath, 'till-config.json')] : [])];
  for (const path of files) {
    const text = read(path);
    if (text === null) continue;
    let parsed: ReturnType<typeof TillConfigFile.safeParse>;
    try {
      parsed = TillConfigFile.safeParse(JSON.parse(text));
    } catch {
      problems.push(`${path}: not JSON`);
      continue;
    }
    if (!parsed.success) {
      problems.push(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}`);
      continue;
    }
    if (parsed.data.kiosk !== undefined) return { kiosk: parsed.data.kiosk, source: path, problems };
  }
  return { kiosk: false, source: 'default', problems };
}
