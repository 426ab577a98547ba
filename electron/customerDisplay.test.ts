import { describe, expect, it } from 'vitest';
import { customerScreen, customerWindowOptions, keepCustomerDisplay, type DisplayLike, type Rect } from './customerDisplay';

const laptop: DisplayLike = { id: 1, bounds: { x: 0, y: 0, width: 1366, height: 768 } };
const facing: DisplayLike = { id: 2, bounds: { x: 1366, y: 0, width: 800, height: 480 } };

class FakeScreen {
  displays: DisplayLike[] = [laptop];
  primary = 1;
  private listeners: (() => void)[] = [];
  getAllDisplays = () => this.displays;
  getPrimaryDisplay = () => this.displays.find((d) => d.id === this.primary)!;
  on(_event: string, listener: () => void) {
    this.listeners.push(listener);
  }
  change(displays: DisplayLike[]) {
    this.displays = displays;
    for (const l of this.listeners) l();
  }
}

class FakeWindow {
  closed = false;
  private onClosed: (() => void) | null = null;
  constructor(public bounds: Rect) {}
  isDestroyed = () => this.closed;
  close = () => {
    this.closed = true;
    this.onClosed?.();
  };
  setBounds = (b: Rect) => void (this.bounds = b);
  on(_event: 'closed', l: () => void) {
    this.onClosed = l;
  }
}

describe('customer display (second screen)', () => {
  it('is the first screen that is not the primary one; none with a single screen', () => {
    expect(customerScreen([laptop], 1)).toBeNull();
    expect(customerScreen([laptop, facing], 1)).toBe(facing);
    expect(customerScreen([facing, laptop], 1)).toBe(facing);
    expect(customerScreen([laptop, facing], 2)).toBe(laptop);
  });

  it('opens full screen on the second display, isolated, not taking the keyboard', () => {
    const o = customerWindowOptions(facing.bounds, false);
    expect(o).toMatchObject({ x: 1366, y: 0, width: 800, height: 480, fullscreen: true, frame: false, focusable: false });
    expect(o.webPreferences).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: false });
    expect('preload' in o.webPreferences).toBe(false);
  });

  it('follows screens plugged in and out: one window at most, moved with its screen, closed when it goes', () => {
    const screen = new FakeScreen();
    const opened: FakeWindow[] = [];
    const stop = keepCustomerDisplay(screen, (b) => {
      const w = new FakeWindow(b);
      opened.push(w);
      return w;
    });
    expect(opened).toHaveLength(0);
    screen.change([laptop, facing]);
    expect(opened.map((w) => w.bounds)).toEqual([facing.bounds]);
    // Moved, not opened twice.
    const moved = { ...facing, bounds: { ...facing.bounds, x: 2000 } };
    screen.change([laptop, moved]);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.bounds.x).toBe(2000);
    screen.change([laptop]);
    expect(opened[0]!.closed).toBe(true);
    // Back again: a new window; closed by hand (or crashed): the next change opens another.
    screen.change([laptop, facing]);
    expect(opened).toHaveLength(2);
    opened[1]!.close();
    screen.change([laptop, facing]);
    expect(opened).toHaveLength(3);
    stop();
    expect(opened[2]!.closed).toBe(true);
    screen.change([laptop, facing]);
    expect(opened).toHaveLength(3);
  });
});
