import type { Charset } from '../barcode/frameText';
import type { DeviceContext } from '../deviceContext';
import type { Session } from '../deviceSlot';
import { HID_USAGE_PAGE_BARCODE_SCANNER } from '../knownVendors';
import { HidScanDecoder } from './hidScanDecoder';
import type { HidBackend, HidDeviceInfo, HidLink } from './hidTransport';

/**
 * Finding and opening a HID POS scanner. It is found again by vendor, product and serial
 * number on every attempt, because its hidraw path changes when it is re-plugged.
 */
export interface HidIdentity {
  vendorId: number;
  productId: number;
  serialNumber?: string;
}

export interface HidScannerOptions {
  maxFrameLength: number;
  charset: Charset;
}

/** Time allowed between the reports of one multi-report barcode. */
export const HID_CONTINUATION_TIMEOUT_MS = 250;

export function isHidPosScanner(d: HidDeviceInfo): boolean {
  return d.usagePage === HID_USAGE_PAGE_BARCODE_SCANNER;
}

export function matchesIdentity(d: HidDeviceInfo, id: HidIdentity): boolean {
  return (
    d.vendorId === id.vendorId &&
    d.productId === id.productId &&
    (id.serialNumber === undefined || d.serialNumber === id.serialNumber) &&
    // Old backends report no usage page; then vendor and product must do.
    (d.usagePage === undefined || isHidPosScanner(d))
  );
}

export class HidNotPresentError extends Error {
  constructor() {
    super('HID scanner not present');
    this.name = 'HidNotPresentError';
  }
}

export async function openHidScanner(
  backend: HidBackend,
  identity: HidIdentity,
  options: HidScannerOptions,
  ctx: DeviceContext,
  lost: (detail: string) => void,
  claim: { isClaimed(path: string): boolean; claim(path: string): void; release(path: string): void },
): Promise<Session> {
  const devices = await backend.list();
  const device = devices.find((d) => matchesIdentity(d, identity) && !claim.isClaimed(d.path));
  if (!device) throw new HidNotPresentError();
  const path = device.path;
  claim.claim(path);
  let link: HidLink;
  try {
    link = await backend.open(path);
  } catch (err) {
    claim.release(path);
    throw err;
  }
  const decoder = new HidScanDecoder(
    { maxFrameLength: options.maxFrameLength, charset: options.charset, continuationTimeoutMs: HID_CONTINUATION_TIMEOUT_MS },
    ctx.clock,
    { scan: (b) => ctx.scan(b, 'hid'), diagnostic: (code, message) => ctx.diagnostic(code, message) },
  );
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    decoder.dispose();
    claim.release(path);
  };
  link.onReport((report) => ctx.guard(() => decoder.push(report)));
  link.onError(() =>
    ctx.guard(() => {
      release();
      lost('HID device went away (unplugged?)');
    }),
  );
  const opened = link;
  return {
    async close() {
      release();
      await opened.close();
    },
  };
}

export function describeHidFailure(err: unknown): { status: 'disconnected' | 'error'; detail: string } {
  if (err instanceof HidNotPresentError) return { status: 'disconnected', detail: 'HID scanner not present' };
  const message = err instanceof Error ? err.message : String(err);
  if (/EACCES|Permission denied|could not open|cannot open/i.test(message)) {
    return { status: 'error', detail: 'cannot open the HID device: install drivers/udev/99-loyalty-till.rules and add the till user to its group' };
  }
  return { status: 'error', detail: `HID error: ${message}` };
}
