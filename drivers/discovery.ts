import type { HidDeviceInfo } from './hid/hidTransport';
import { isHidPosScanner, type HidIdentity } from './hid/hidSession';
import { formatUsbId } from './knownVendors';
import type { SerialPortInfo } from './serial/serialTransport';

/**
 * Auto-detection: which of the ports and HID devices the OS lists the till may claim.
 * Pure, so that the rules are tested without hardware.
 */
export interface SerialCandidate {
  id: string;
  /** Matches the same physical scanner after re-plugging, when its tty name may change. */
  identity: SerialIdentity;
  path: string;
}

export interface SerialIdentity {
  pnpId?: string;
  vendorId: number;
  productId?: number;
  serialNumber?: string;
  /** Last resort when the port has neither pnpId nor serial number. */
  path?: string;
}

export function serialCandidates(ports: SerialPortInfo[], vendorIds: ReadonlySet<number>): SerialCandidate[] {
  const out: SerialCandidate[] = [];
  for (const p of ports) {
    if (p.vendorId === undefined || !vendorIds.has(p.vendorId)) continue;
    const identity: SerialIdentity = { vendorId: p.vendorId };
    if (p.productId !== undefined) identity.productId = p.productId;
    if (p.pnpId) identity.pnpId = p.pnpId;
    else if (p.serialNumber) identity.serialNumber = p.serialNumber;
    else identity.path = p.path;
    const pid = p.productId === undefined ? '????' : formatUsbId(p.productId);
    const tail = p.pnpId ?? `${formatUsbId(p.vendorId)}:${pid}:${p.serialNumber ?? p.path}`;
    out.push({ id: `serial:${tail}`.slice(0, 200), identity, path: p.path });
  }
  return out;
}

export function findSerialPort(ports: SerialPortInfo[], id: SerialIdentity): SerialPortInfo | undefined {
  return ports.find((p) => {
    if (id.pnpId !== undefined) return p.pnpId === id.pnpId;
    if (p.vendorId !== id.vendorId || p.productId !== id.productId) return false;
    if (id.serialNumber !== undefined) return p.serialNumber === id.serialNumber;
    return p.path === id.path;
  });
}

export interface HidCandidate {
  id: string;
  identity: HidIdentity;
  path: string;
}

/**
 * HID devices on the POS barcode scanner usage page; one per path (hidapi may list a path
 * once per collection). Ids leave the hidraw path out, since it changes on re-plugging;
 * identical scanners without serial numbers are told apart by a counter.
 */
export function hidCandidates(devices: HidDeviceInfo[]): HidCandidate[] {
  const seenPaths = new Set<string>();
  const seenIds = new Map<string, number>();
  const out: HidCandidate[] = [];
  for (const d of devices) {
    if (!isHidPosScanner(d) || seenPaths.has(d.path)) continue;
    seenPaths.add(d.path);
    const identity: HidIdentity = { vendorId: d.vendorId, productId: d.productId };
    if (d.serialNumber) identity.serialNumber = d.serialNumber;
    let id = `hid:${formatUsbId(d.vendorId)}:${formatUsbId(d.productId)}${d.serialNumber ? `:${d.serialNumber}` : ''}`.slice(0, 190);
    const n = (seenIds.get(id) ?? 0) + 1;
    seenIds.set(id, n);
    if (n > 1) id = `${id}#${n}`;
    out.push({ id, identity, path: d.path });
  }
  return out;
}
