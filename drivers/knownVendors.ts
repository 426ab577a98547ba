/**
 * USB vendor ids of barcode scanner makers. Only these are claimed by serial
 * auto-detection: generic USB-serial chips (FTDI, Prolific, CH340) are left alone because
 * the same till often has a fiscal printer or a payment terminal behind one.
 */
export const KNOWN_SCANNER_VENDORS: Readonly<Record<number, string>> = {
  0x0c2e: 'Honeywell (Metrologic)',
  0x0536: 'Honeywell (Hand Held Products)',
  0x05e0: 'Zebra (Symbol)',
  0x05f9: 'Datalogic',
  0x1eab: 'Newland',
  0x065a: 'Opticon',
};

/** HID usage page of POS barcode scanners (HID Point of Sale Usage Tables 1.02, section 3). */
export const HID_USAGE_PAGE_BARCODE_SCANNER = 0x8c;

export function formatUsbId(id: number): string {
  return id.toString(16).padStart(4, '0');
}
