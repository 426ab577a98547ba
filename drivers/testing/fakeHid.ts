import type { HidBackend, HidDeviceInfo, HidLink } from '../hid/hidTransport';

/** A HID backend behind the narrow interface: devices appear, send reports, vanish. */
export class FakeHidLink implements HidLink {
  closed = false;
  private reportCbs: Array<(r: Uint8Array) => void> = [];
  private errorCbs: Array<(e: Error) => void> = [];

  onReport(cb: (report: Uint8Array) => void): void {
    this.reportCbs.push(cb);
  }
  onError(cb: (err: Error) => void): void {
    this.errorCbs.push(cb);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  report(bytes: Uint8Array): void {
    for (const cb of this.reportCbs) cb(bytes);
  }
  /** What node-hid does when the device is unplugged: a read error. */
  unplug(): void {
    for (const cb of this.errorCbs) cb(new Error('could not read from HID device'));
  }
}

export class FakeHidBackend implements HidBackend {
  devices: HidDeviceInfo[] = [];
  readonly links = new Map<string, FakeHidLink>();
  listFailure: Error | null = null;

  async list(): Promise<HidDeviceInfo[]> {
    if (this.listFailure) throw this.listFailure;
    return this.devices;
  }

  async open(path: string): Promise<HidLink> {
    if (!this.devices.some((d) => d.path === path)) throw new Error(`cannot open device with path ${path}`);
    const link = new FakeHidLink();
    this.links.set(path, link);
    return link;
  }
}
