import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZodError } from 'zod';
import { DeviceConfigError } from '../../drivers';
import { persistentSessionToken, startBrowserHost } from './browserHost';
import { readHostConfig } from './hostConfig';
import { MachineConfigError } from './machineConfig';
import { ownerOnlyUmask } from './privateFiles';
import { createTillHost } from './tillHost';

/** The till host for a browser kiosk (and for machines without the Electron binary). */
async function main(): Promise<void> {
  // Every file the host writes (credential, session token) is this user's alone.
  ownerOnlyUmask();
  let config;
  try {
    config = readHostConfig(process.env);
  } catch (err) {
    if (err instanceof MachineConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof ZodError) {
      console.error(`Till host configuration is invalid: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      process.exit(2);
    }
    throw err;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = resolve(process.env.LT_RENDERER_DIR ?? resolve(here, '../renderer'));
  let till;
  try {
    till = await createTillHost(config, 'browser');
  } catch (err) {
    if (err instanceof DeviceConfigError) {
      console.error(`Device configuration ${config.deviceConfigPath} is invalid: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  console.log(`Till host: ${till.enrolment}`);
  const host = await startBrowserHost({
    services: till.services,
    rendererDir,
    port: config.port,
    log: till.log,
    // The same address after every restart (a kiosk cannot follow a new one).
    sessionToken: persistentSessionToken(config.dataDir),
  });
  console.log(`Loyalty Till is running in browser mode (no Electron window). Open: ${host.openUrl}`);
  const stop = async () => {
    await host.close();
    await till.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('Till host failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
