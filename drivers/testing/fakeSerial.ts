import type { SerialBackend, SerialLineOptions, SerialLink, SerialPortInfo } from '../serial/serialTransport';

/** A serial backend for manager tests: ports appear, send bytes and vanish on command. */
export class FakeSerialLink implements SerialLink {
  readonly written: string[] = [];
  closed = false;
  private dataCb: ((chunk: Uint8Array) => void) | undefined;
  private closeCb: ((err: Error | null) => void) | undefined;

  onData(cb: (chunk: Uint8Array) => void): void {
    this.dataCb = cb;
  }
  onClose(cb: (err: Error | null) => void): void {
    this.closeCb = cb;
  }
  async write(data: string | Uint8Array): Promise<void> {
    if (this.closed) throw new Error('port is closed');
    this.written.push(typeof data === 'string' ? data : Buffer.from(data).toString('latin1'));
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closeCb?.(null);
  }

  /** The device sends bytes (a Uint8Array is handed over as is, like serialport's read buffer). */
  send(data: string | Uint8Array): void {
    this.dataCb?.(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }
  /** The cable is pulled. */
  unplug(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeCb?.(Object.assign(new Error('Disconnected'), { disconnected: true }));
  }
}

export class FakeSerialBackend implements SerialBackend {
  ports: SerialPortInfo[] = [];
  /** Paths that can be opened now. */
  readonly present = new Set<string>();
  /** Paths that fail to open with this message. */
  readonly failures = new Map<string, string>();
  readonly links = new Map<string, FakeSerialLink>();
  readonly opens: string[] = [];

  async list(): Promise<SerialPortInfo[]> {
    return this.ports.filter((p) => this.present.has(p.path));
  }

  async open(options: SerialLineOptions): Promise<SerialLink> {
    this.opens.push(options.path);
    const failure = this.failures.get(options.path);
    if (failure) throw new Error(failure);
    if (!this.present.has(options.path)) throw new Error(`Error: No such file or directory, cannot open ${options.path}`);
    const link = new FakeSerialLink();
    this.links.set(options.path, link);
    return link;
  }

  link(path: string): FakeSerialLink {
    const l = this.links.get(path);
    if (!l) throw new Error(`no open link for ${path}`);
    return l;
  }
}
