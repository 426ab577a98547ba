import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, safeStorage, screen, session, type IpcMainInvokeEvent } from 'electron';
import { customerWindowOptions, keepCustomerDisplay } from './customerDisplay';
import { credentialSealer, permissionGranted } from './hardening';
import { readHostConfig } from './host/hostConfig';
import { createTillHost } from './host/tillHost';
import { ownerOnlyUmask } from './host/privateFiles';
import { readWindowConfig } from './host/windowConfig';
import { HOST_CHANNEL, DEVICE_CHANNEL } from './ipcChannels';

/**
 * Electron main: thin on purpose. Everything it wires (host services, credential store,
 * devices) is tested without Electron; this file only connects them to a window.
 */
const rendererIndex = join(__dirname, '../renderer/index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;

const rendererPrefix = pathToFileURL(join(__dirname, '../renderer/')).href;

function fromOurRenderer(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(rendererPrefix);
}

async function start(): Promise<void> {
  // Every file the till writes (credential, its data folder) is this user's alone.
  ownerOnlyUmask();
  await app.whenReady();
  const config = readHostConfig(process.env);
  // Never safeStorage's fixed-key fallback: the host's machine-bound file is better than that.
  const sealer = credentialSealer(safeStorage, process.platform, (m) => console.warn(`Credential: ${m}`));
  // A packaged till has no menu (no reload, no DevTools entry) and no DevTools at all.
  if (app.isPackaged) Menu.setApplicationMenu(null);
  const till = await createTillHost(config, 'electron', { sealer });
  console.log(`Till host: ${till.enrolment}`);

  ipcMain.handle(HOST_CHANNEL, async (event, request: unknown) => {
    if (!fromOurRenderer(event)) return { ok: false, error: { code: 'forbidden_sender', message: 'Unknown sender' } };
    return till.services.handle(request);
  });

  // Deny every permission but the camera (video only), which the scanner view needs, and only to our own pages.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const media = (details as { mediaTypes?: string[] } | undefined)?.mediaTypes;
    callback(permissionGranted(permission, details?.requestingUrl ?? '', rendererPrefix, media ?? ['video']));
  });
  session.defaultSession.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) => {
    const type = details.mediaType;
    return permissionGranted(permission, details.requestingUrl ?? requestingOrigin, rendererPrefix, type && type !== 'unknown' ? [type] : ['video']);
  });

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
      devTools: !app.isPackaged,
    },
  });
  // New windows of any kind (window.open, a middle or shift click on a link): none.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  const unsubscribe = till.services.onDeviceEvent((e) => {
    if (!win.isDestroyed()) win.webContents.send(DEVICE_CHANNEL, e);
  });
  win.on('closed', unsubscribe);
  await win.loadFile(rendererIndex);

  // The customer display: `#/customer` on the second screen while there is one (customerDisplay.ts).
  const stopCustomer = keepCustomerDisplay(screen, (bounds) => {
    const customer = new BrowserWindow(customerWindowOptions(bounds, !app.isPackaged));
    customer.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    customer.webContents.on('will-navigate', (event) => event.preventDefault());
    void customer.loadFile(rendererIndex, { hash: '/customer' });
    return customer;
  });
  win.on('closed', stopCustomer);
}

app.on('window-all-closed', () => app.quit());
start().catch((err: unknown) => {
  console.error('Loyalty Till failed to start:', err);
  app.exit(1);
});
