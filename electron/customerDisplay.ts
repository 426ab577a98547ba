/**
 * The customer display (issue 15): the `#/customer` page in a second window on a second screen,
 * when the till has one; opened when a screen is plugged in, closed when it goes. Electron's
 * `screen` and `BrowserWindow` come in through narrow interfaces, so this is tested without Electron.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayLike {
  id: number;
  bounds: Rect;
}

export interface ScreenLike {
  getAllDisplays(): DisplayLike[];
  getPrimaryDisplay(): DisplayLike;
  on(event: 'display-added' | 'display-removed' | 'display-metrics-changed', listener: () => void): unknown;
}

export interface CustomerWindowLike {
  isDestroyed(): boolean;
  close(): void;
  setBounds(bounds: Rect): void;
  on(event: 'closed', listener: () => void): unknown;
}

/** The screen the customer faces: the first one that is not the cashier's (primary); none with one screen. */
export function customerScreen(displays: readonly DisplayLike[], primaryId: number): DisplayLike | null {
  return displays.find((d) => d.id !== primaryId) ?? null;
}

/** Options of the customer window: full screen on its display, no frame, the renderer's own isolation. */
export function customerWindowOptions(bounds: Rect, devTools: boolean) {
  return {
    ...bounds,
    fullscreen: true,
    frame: false,
    // The cashier's keys stay with the cashier's window.
    focusable: false,
    title: 'Loyalty Till: customer',
    backgroundColor: '#ffffff',
    // The customer page reads the sale from the cashier's page (BroadcastChannel); it needs no host bridge.
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools },
  };
}

/**
 * Keep one customer window on the second screen while there is one. `open` makes the window
 * (main.ts: a BrowserWindow loading the renderer at `#/customer`). Returns a function that closes it.
 */
export function keepCustomerDisplay(screen: ScreenLike, open: (bounds: Rect) => CustomerWindowLike): () => void {
  let win: CustomerWindowLike | null = null;
  let stopped = false;
  const place = () => {
    if (stopped) return;
    const target = customerScreen(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
    if (win?.isDestroyed()) win = null;
    if (!target) {
      win?.close();
      win = null;
      return;
    }
    if (win) return win.setBounds(target.bounds);
    const made = open(target.bounds);
    made.on('closed', () => {
      if (win === made) win = null;
    });
    win = made;
  };
  place();
  screen.on('display-added', place);
  screen.on('display-removed', place);
  screen.on('display-metrics-changed', place);
  return () => {
    stopped = true;
    if (win && !win.isDestroyed()) win.close();
    win = null;
  };
}
