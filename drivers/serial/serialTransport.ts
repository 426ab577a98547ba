import { stat } from 'node:fs/promises';
import { SerialPort } from 'serialport';

/**
 * The narrow slice of node-serialport the drivers use, so that the manager can be tested
 * with a fake and the real thing stays in one place.
 */
export interface SerialPortInfo {
  path: string;
  vendorId?: number;
  productId?: number;
  serialNumber?: string;
  manufacturer?: string;
  /** Linux: the name under /dev/serial/by-id, stable across re-plugging. */
  pnpId?: string;
}

export interface SerialLineOptions {
  path: string;
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

export interface SerialLink {
  onData(cb: (chunk: Uint8Array) => void): void;
  /** Called once when the port goes away (unplugged, closed by the OS) or is closed. */
  onClose(cb: (err: Error | null) => void): void;
  write(data: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface SerialBackend {
  list(): Promise<SerialPortInfo[]>;
  /** Resolves when the port is open; rejects with the OS error (ENOENT, EACCES, EBUSY...). */
  open(options: SerialLineOptions): Promise<SerialLink>;
}

function usbId(s: string | undefined): number | undefined {
  if (!s || !/^[0-9a-fA-F]{1,4}$/.test(s)) return undefined;
  return parseInt(s, 16);
}

export interface NodeSerialBackendOptions {
  /**
   * How often an open port's path is checked to still be the device that was opened.
   * Needed because a hung-up tty can read as endless end-of-file, which serialport 13
   * retries forever instead of reporting a disconnect (seen with ptys; USB adapters vary).
   */
  presenceCheckMs?: number;
}

export function createNodeSerialBackend(options: NodeSerialBackendOptions = {}): SerialBackend {
  const presenceCheckMs = options.presenceCheckMs ?? 1_000;
  return {
    async list() {
      const ports = await SerialPort.list();
      return ports.map((p) => {
        const info: SerialPortInfo = { path: p.path };
        const vid = usbId(p.vendorId);
        const pid = usbId(p.productId);
        if (vid !== undefined) info.vendorId = vid;
        if (pid !== undefined) info.productId = pid;
        if (p.serialNumber) info.serialNumber = p.serialNumber;
        if (p.manufacturer) info.manufacturer = p.manufacturer;
        if (p.pnpId) info.pnpId = p.pnpId;
        return info;
      });
    },

    async open(line) {
      const port = await new Promise<SerialPort>((resolve, reject) => {
        // lock: an exclusive claim, so two till processes cannot read the same scanner.
        const p = new SerialPort({ ...line, autoOpen: false, lock: true });
        // Errors after opening arrive as 'close' with err.disconnected; this keeps stray
        // 'error' events (e.g. a write to a dead port) from becoming uncaught exceptions.
        p.on('error', () => undefined);
        p.open((err) => (err ? reject(err) : resolve(p)));
      });
      const opened = await deviceOf(line.path);
      return wrap(port, line.path, opened, presenceCheckMs);
    },
  };
}

export const nodeSerialBackend: SerialBackend = createNodeSerialBackend();

/** The device node a path leads to (following symlinks), or null when there is none. */
async function deviceOf(path: string): Promise<string | null> {
  try {
    const st = await stat(path);
    return `${st.dev}:${st.ino}:${st.rdev}`;
  } catch {
    return null;
  }
}

function wrap(port: SerialPort, path: string, opened: string | null, presenceCheckMs: number): SerialLink {
  let closed = false;
  let closeCb: ((err: Error | null) => void) | undefined;
  let closeErr: Error | null | undefined;
  const finish = (err: Error | null) => {
    if (closed) return;
    closed = true;
    clearInterval(watchdog);
    closeErr = err;
    closeCb?.(closeErr);
  };
  port.on('close', (err: Error | null | undefined) => finish(err ?? null));
  let checking = false;
  const watchdog = setInterval(() => {
    if (checking || closed || opened === null) return;
    checking = true;
    deviceOf(path)
      .then((now) => {
        if (now === opened || closed) return;
        finish(new Error('port went away'));
        // Closing also ends serialport's read loop on the dead descriptor.
        if (port.isOpen) port.close(() => undefined);
      })
      .catch(() => undefined)
      .finally(() => {
        checking = false;
      });
  }, presenceCheckMs);
  watchdog.unref();
  return {
    onData(cb) {
      port.on('data', (chunk: Buffer) => cb(chunk));
    },
    onClose(cb) {
      closeCb = cb;
      if (closed) cb(closeErr ?? null);
    },
    write(data) {
      return new Promise((resolve, reject) => {
        port.write(data, (err) => (err ? reject(err) : resolve()));
      });
    },
    close() {
      return new Promise((resolve) => {
        finish(null);
        if (!port.isOpen) {
          resolve();
          return;
        }
        port.close(() => resolve());
      });
    },
  };
}
