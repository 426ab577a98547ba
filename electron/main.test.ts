import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// Electron's binary is not available here: stand in for its API and check what main wires.
const wired = vi.hoisted(() => ({
  windowOptions: null as null | { webPreferences: Record<string, unknown> },
  openHandler: null as null | ((d: { url: string }) => { action: string }),
  navigate: null as null | ((e: { preventDefault: () => void }, url: string) => void),
  ipc: new Map<string, (event: unknown, req: unknown) => Promise<unknown>>(),
  permission: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: { requestingUrl: string; mediaTypes?: string[] }) => void),
  check: null as null | ((wc: unknown, permission: string, origin: string, details: { requestingUrl?: string; mediaType?: string }) => boolean),
  menu: undefined as unknown,
  loaded: null as null | string,
  windows: [] as { options: Record<string, unknown>; loaded: null | { path: string; hash?: string } }[],
  displays: [{ id: 1, bounds: { x: 0, y: 0, width: 1366, height: 768 } }],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      setWindowOpenHandler: (h: typeof wired.openHandler) => (wired.openHandler = h),
      on: (name: string, h: typeof wired.navigate) => {
        if (name === 'will-navigate') wired.navigate = h;
      },
      send: () => undefined,
    };
    private readonly record: (typeof wired.windows)[number];
    constructor(options: { webPreferences: Record<string, unknown> }) {
      wired.windowOptions ??= options;
      this.record = { options, loaded: null };
      wired.windows.push(this.record);
    }
    isDestroyed = () => false;
    on = () => undefined;
    close = () => undefined;
    setBounds = () => undefined;
    loadFile = async (path: string, opts?: { hash?: string }) => {
      this.record.loaded = { path, ...(opts?.hash ? { hash: opts.hash } : {}) };
      wired.loaded ??= path;
    };
  }
  return {
    // Packaged, as on a till: no menu, no DevTools.
    app: { whenReady: async () => undefined, on: () => undefined, exit: () => undefined, quit: () => undefined, isPackaged: true },
    Menu: { setApplicationMenu: (m: unknown) => (wired.menu = m) },
    BrowserWindow,
    // A till with the customer's screen plugged in.
    screen: {
      getAllDisplays: () => [...wired.displays, { id: 2, bounds: { x: 1366, y: 0, width: 800, height: 600 } }],
      getPrimaryDisplay: () => wired.displays[0],
      on: () => undefined,
    },
    ipcMain: { handle: (channel: string, h: (event: unknown, req: unknown) => Promise<unknown>) => wired.ipc.set(channel, h) },
    safeStorage: { isEncryptionAvailable: () => false },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof wired.permission) => (wired.permission = h),
        setPermissionCheckHandler: (h: typeof wired.check) => (wired.check = h),
      },
    },
  };
});

beforeAll(async () => {
  process.env.LT_TILL_DATA_DIR = mkdtempSync(join(tmpdir(), 'lt-electron-'));
  await import('./main');
  await vi.waitFor(() => expect(wired.loaded).not.toBeNull(), { timeout: 30_000 });
});

describe('electron main', () => {
  it('opens the renderer isolated: context isolation, sandbox, no Node', () => {
    expect(wired.windowOptions?.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String(wired.windowOptions?.webPreferences.preload)).toMatch(/preload\.cjs$/);
  });

  it('denies new windows and navigation away from the till', () => {
    expect(wired.openHandler?.({ url: 'https://example.invalid' })).toEqual({ action: 'deny' });
    const prevent = vi.fn();
    wired.navigate?.({ preventDefault: prevent }, 'https://example.invalid/');
    expect(prevent).toHaveBeenCalled();
  });

  it('grants the camera to its own pages and nothing else', () => {
    const own = pathToFileURL(join(wired.loaded!, '..', 'index.html')).href;
    const answers: Record<string, boolean> = {};
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      wired.permission?.(null, p, (ok) => (answers[p] = ok), { requestingUrl: own, mediaTypes: ['video'] });
    expect(answers).toEqual({ media: true, geolocation: false, notifications: false, 'clipboard-read': false });
    let other: boolean | null = null;
    wired.permission?.(null, 'media', (ok) => (other = ok), { requestingUrl: 'https://evil.invalid/', mediaTypes: ['video'] });
    expect(other).toBe(false);
    let microphone: boolean | null = null;
    wired.permission?.(null, 'media', (ok) => (microphone = ok), { requestingUrl: own, mediaTypes: ['audio'] });
    expect(microphone).toBe(false);
    expect(wired.check?.(null, 'media', 'file:///', { requestingUrl: own, mediaType: 'video' })).toBe(true);
    expect(wired.check?.(null, 'media', 'https://evil.invalid', { requestingUrl: 'https://evil.invalid/' })).toBe(false);
  });

  it('opens the customer display (#/customer) full screen on the second screen, without the host bridge', async () => {
    await vi.waitFor(() => expect(wired.windows).toHaveLength(2), { timeout: 30_000 });
    const [, customer] = wired.windows;
    expect(customer!.options).toMatchObject({ x: 1366, y: 0, width: 800, height: 600, fullscreen: true, focusable: false });
    expect(customer!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: false });
    expect((customer!.options.webPreferences as Record<string, unknown>).preload).toBeUndefined();
    expect(customer!.loaded).toEqual({ path: wired.loaded, hash: '/customer' });
  });

  it('has no menu and no DevTools when packaged', () => {
    expect(wired.menu).toBeNull();
    expect(wired.windowOptions?.webPreferences.devTools).toBe(false);
  });

  it('answers IPC only from its own renderer, and validates the payload', async () => {
    const handler = wired.ipc.get('till:host')!;
    const ours = { senderFrame: { url: pathToFileURL(join(wired.loaded!, '..', 'index.html')).href } };
    expect(await handler({ senderFrame: { url: 'https://evil.invalid/' } }, { op: 'status' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    expect(await handler({ senderFrame: null }, { op: 'status' })).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await handler(ours, { op: 'status' })).toMatchObject({ ok: true, value: { mode: 'electron', enrolled: false } });
    expect(await handler(ours, { op: 'api', method: 'DELETE', path: '/etc' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});
