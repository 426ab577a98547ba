/**
 * Input reports of a USB HID POS barcode scanner (usage page 0x8C, "Barcode Scanner"
 * application collection, HID Point of Sale Usage Tables 1.02). Honeywell, Zebra,
 * Datalogic and Newland scanners in "HID POS" mode send the Scanned Data Report as a
 * 64-byte input report with report id 2 (hidraw hands it over with the id byte first):
 *
 *   byte 0       report id (0x02)
 *   byte 1       number of valid data bytes in this report (0..56)
 *   bytes 2..4   symbology identifier 1..3: the AIM id, "]" + code + modifier (0 when absent)
 *   bytes 5..60  decoded data, zero padded
 *   byte 61      vendor symbology id (e.g. Honeywell code id)
 *   byte 62      reserved
 *   byte 63      bit 0: "decoded data continued" - more reports of this barcode follow
 *
 * Barcodes longer than 56 bytes arrive as several reports with bit 0 set on all but the
 * last; the data of each is appended in order.
 */
export const SCANNED_DATA_REPORT_ID = 0x02;
export const REPORT_LENGTH = 64;
export const DATA_OFFSET = 5;
export const MAX_DATA_PER_REPORT = 56;

export interface ScannedDataReport {
  /** "]E0" etc., or "" when the scanner sent no AIM id. */
  aimId: string;
  data: Uint8Array;
  vendorSymbologyId: number;
  moreFollows: boolean;
}

export type ParsedReport =
  | { kind: 'scanned-data'; report: ScannedDataReport }
  /** Another report of the scanner (status, settings): not an error, just not a barcode. */
  | { kind: 'other'; reportId: number }
  | { kind: 'invalid'; message: string };

export function parseHidPosReport(bytes: Uint8Array): ParsedReport {
  if (bytes.length === 0) return { kind: 'invalid', message: 'empty report' };
  const reportId = bytes[0] ?? 0;
  if (reportId !== SCANNED_DATA_REPORT_ID) return { kind: 'other', reportId };
  if (bytes.length < REPORT_LENGTH) return { kind: 'invalid', message: `short scanned-data report (${bytes.length} bytes)` };
  const length = bytes[1] ?? 0;
  if (length > MAX_DATA_PER_REPORT) return { kind: 'invalid', message: `scanned-data report claims ${length} data bytes (max ${MAX_DATA_PER_REPORT})` };
  const id1 = bytes[2] ?? 0;
  const id2 = bytes[3] ?? 0;
  const id3 = bytes[4] ?? 0;
  const aimId = id1 === 0x5d && isAlnum(id2) && isAlnum(id3) ? String.fromCharCode(id1, id2, id3) : '';
  return {
    kind: 'scanned-data',
    report: {
      aimId,
      data: bytes.slice(DATA_OFFSET, DATA_OFFSET + length),
      vendorSymbologyId: bytes[61] ?? 0,
      moreFollows: ((bytes[63] ?? 0) & 0x01) === 1,
    },
  };
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** Builds a report as a scanner would send it; used by tests and documentation. */
export function buildScannedDataReport(aimId: string, data: Uint8Array, moreFollows: boolean, vendorSymbologyId = 0): Uint8Array {
  if (data.length > MAX_DATA_PER_REPORT) throw new RangeError('data longer than one report');
  const r = new Uint8Array(REPORT_LENGTH);
  r[0] = SCANNED_DATA_REPORT_ID;
  r[1] = data.length;
  for (let i = 0; i < 3 && i < aimId.length; i++) r[2 + i] = aimId.charCodeAt(i);
  r.set(data, DATA_OFFSET);
  r[61] = vendorSymbologyId;
  r[63] = moreFollows ? 1 : 0;
  return r;
}

/** Splits a barcode into the reports a scanner would send for it. */
export function buildScannedDataReports(aimId: string, data: Uint8Array): Uint8Array[] {
  const reports: Uint8Array[] = [];
  for (let off = 0; off < data.length || reports.length === 0; off += MAX_DATA_PER_REPORT) {
    const part = data.subarray(off, off + MAX_DATA_PER_REPORT);
    reports.push(buildScannedDataReport(aimId, part, off + MAX_DATA_PER_REPORT < data.length));
  }
  return reports;
}
