import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, safeStorage, session, type IpcMainInvokeEvent } from 'electron';
import { readHostConfig } from './host/hostConfig';
import { createTillHost } from './host/tillHost';
import { readWindowConfig } from './host/windowConfig';
import { HOST_CHANNEL, DEVICE_CHANNEL } from './ipcChannels';

/**
 * Electron main: thin on purpose. Everything it wires (host services, credential store,
 * devices) is tested without Electron; this file only connects them to a window.
 */
const rendererIndex = join(__dirname, '../renderer/index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;

function fromOurRenderer(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(pathToFileURL(join(__dirname, '../renderer/')).href);
}

async function start(): Promise<void> {
  await app.whenReady();
  const config = readHostConfig(process.env);
  const sealer = safeStorage.isEncryptionAvailable()
    ? { seal: (plain: string) => safeStorage.encryptString(plain), open: (sealed: Buffer) => safeStorage.decryptString(sealed) }
    : undefined;
  const till = await createTillHost(config, 'electron', { sealer });
  console.log(`Till host: ${till.enrolment}`);

  ipcMain.handle(HOST_CHANNEL, async (event, request: unknown) => {
    if (!fromOurRenderer(event)) return { ok: false, error: { code: 'forbidden_sender', message: 'Unknown sender' } };
    return till.services.handle(request);
  });

  // Deny every permission but the camera, which the scanner view needs.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'media'));

  // Kiosk: LT_KIOSK, else the machine's config file, else the installed build's default (host/windowConfig.ts).
  const windowConfig = readWindowConfig(process.env, app.isPackaged ? process.resourcesPath : undefined);
  for (const problem of windowConfig.problems) console.warn(`Ignoring till config ${problem}`);
  console.log(`Kiosk mode ${windowConfig.kiosk ? 'on' : 'off'} (${windowConfig.source})`);
  const kiosk = windowConfig.kiosk;
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    kiosk,
    title: 'Loyalty Till',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  const unsubscribe = till.services.onDeviceEvent((e) => {
    if (!win.isDestroyed()) win.webContents.send(DEVICE_CHANNEL, e);
  });
  win.on('closed', unsubscribe);
  await win.loadFile(rendererIndex);
}

app.on('window-all-closed', () => app.quit());
start().catch((err: unknown) => {
  console.error('Loyalty Till failed to start:', err);
  app.exit(1);
});
