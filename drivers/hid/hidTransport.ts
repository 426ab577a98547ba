/**
 * The narrow slice of node-hid the drivers use: list devices, open one by path, receive
 * its input reports. node-hid is loaded lazily so that a missing or mismatched native
 * module (e.g. built for another Electron ABI) disables HID scanners instead of crashing
 * the host at import time.
 */
export interface HidDeviceInfo {
  path: string;
  vendorId: number;
  productId: number;
  usagePage?: number;
  usage?: number;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
}

export interface HidLink {
  onReport(cb: (report: Uint8Array) => void): void;
  /** Read errors: on Linux this is how an unplugged device shows itself. */
  onError(cb: (err: Error) => void): void;
  close(): Promise<void>;
}

export interface HidBackend {
  list(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidLink>;
}

type NodeHid = typeof import('node-hid');

let nodeHid: Promise<NodeHid> | undefined;

function loadNodeHid(): Promise<NodeHid> {
  nodeHid ??= import('node-hid').then((mod) => {
    // node-hid 3 already defaults to hidraw on Linux; say so explicitly, since the libusb
    // backend would detach the kernel driver and need root.
    if (process.platform === 'linux') mod.setDriverType('hidraw');
    return mod;
  });
  return nodeHid;
}

export const nodeHidBackend: HidBackend = {
  async list() {
    const hid = await loadNodeHid();
    const devices = await hid.devicesAsync();
    const out: HidDeviceInfo[] = [];
    for (const d of devices) {
      if (!d.path) continue;
      const info: HidDeviceInfo = { path: d.path, vendorId: d.vendorId, productId: d.productId };
      if (d.usagePage !== undefined) info.usagePage = d.usagePage;
      if (d.usage !== undefined) info.usage = d.usage;
      if (d.serialNumber) info.serialNumber = d.serialNumber;
      if (d.manufacturer) info.manufacturer = d.manufacturer;
      if (d.product) info.product = d.product;
      out.push(info);
    }
    return out;
  },

  async open(path) {
    const hid = await loadNodeHid();
    const device = await hid.HIDAsync.open(path);
    let closing = false;
    // Registered first so that no read error is ever an unhandled 'error' event.
    const errorCbs: Array<(err: Error) => void> = [];
    device.on('error', (err: unknown) => {
      if (closing) return;
      const e = err instanceof Error ? err : new Error(String(err));
      for (const cb of errorCbs) cb(e);
    });
    return {
      onReport(cb) {
        device.on('data', (data: Buffer) => cb(data));
      },
      onError(cb) {
        errorCbs.push(cb);
      },
      async close() {
        closing = true;
        try {
          await device.close();
        } catch {
          // Already gone (unplugged): nothing left to release.
        }
      },
    };
  },
};
