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
  permission: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
  loaded: null as null | string,
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
    constructor(options: { webPreferences: Record<string, unknown> }) {
      wired.windowOptions = options;
    }
    isDestroyed = () => false;
    on = () => undefined;
    loadFile = async (path: string) => {
      wired.loaded = path;
    };
  }
  return {
    app: { whenReady: async () => undefined, on: () => undefined, exit: () => undefined, quit: () => undefined },
    BrowserWindow,
    ipcMain: { handle: (channel: string, h: (event: unknown, req: unknown) => Promise<unknown>) => wired.ipc.set(channel, h) },
    safeStorage: { isEncryptionAvailable: () => false },
    session: { defaultSession: { setPermissionRequestHandler: (h: typeof wired.permission) => (wired.permission = h) } },
  };
});

beforeAll(async () => {
  process.env.LT_TILL_DATA_DIR = mkdtempSync(join(tmpdir(), 'lt-electron-'));
  await import('./main');
  await vi.waitFor(() => expect(wired.loaded).not.toBeNull());
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

  it('grants the camera and nothing else', () => {
    const answers: Record<string, boolean> = {};
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read']) wired.permission?.(null, p, (ok) => (answers[p] = ok));
    expect(answers).toEqual({ media: true, geolocation: false, notifications: false, 'clipboard-read': false });
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
