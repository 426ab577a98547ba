import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FakeClock } from '../testing/fakeClock';
import { buildScannedDataReports, parseHidPosReport } from './hidPosReport';
import { HidScanDecoder } from './hidScanDecoder';

/*
 * Report bytes as a HID POS scanner (Honeywell Voyager 1450g layout) sends them over
 * hidraw, written out per the HID POS Usage Tables layout documented in hidPosReport.ts:
 * [0]=report id 2, [1]=data length, [2..4]=AIM id, [5..60]=data, [61]=vendor code id,
 * [63] bit 0 = more reports follow. No scanner could be attached here, so these are
 * constructed to the spec rather than captured.
 */
const EAN13_4600439931256 = '020d5d45303436303034333939333132353600000000000000000000000000000000000000000000000000000000000000000000000000000000000000640000';
// A GS1 DataMatrix marking code (Russian "Chestny ZNAK" style, GS separators), 66 bytes in two reports.
const DATAMATRIX_PART1 = '02385d64323031303436303034333939333132353632314a67584a352e541d383030353131323030301d3933303030311d3932337a62724c413d3d1d32770001';
const DATAMATRIX_PART2 = '020a5d64323430313432373632383100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000770000';
const DATAMATRIX_TEXT = '010460043993125621JgXJ5.T\x1d8005112000\x1d930001\x1d923zbrLA==\x1d24014276281';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

function decoder(maxFrameLength = 4096) {
  const clock = new FakeClock();
  const scans: Array<{ symbology: string; text: string }> = [];
  const diagnostics: string[] = [];
  const d = new HidScanDecoder({ maxFrameLength, charset: 'utf8', continuationTimeoutMs: 250 }, clock, {
    scan: (s) => scans.push({ symbology: s.symbology, text: s.text }),
    diagnostic: (code) => diagnostics.push(code),
  });
  return { d, clock, scans, diagnostics };
}

describe('parseHidPosReport', () => {
  it('reads the AIM id, data and the "more follows" flag', () => {
    const r = parseHidPosReport(hex(EAN13_4600439931256));
    expect(r.kind).toBe('scanned-data');
    if (r.kind !== 'scanned-data') return;
    expect(r.report.aimId).toBe(']E0');
    expect(Buffer.from(r.report.data).toString()).toBe('4600439931256');
    expect(r.report.moreFollows).toBe(false);
    expect(r.report.vendorSymbologyId).toBe(0x64);
    const p1 = parseHidPosReport(hex(DATAMATRIX_PART1));
    expect(p1.kind === 'scanned-data' && p1.report.moreFollows).toBe(true);
  });

  it('ignores other report ids and rejects malformed scanned-data reports', () => {
    expect(parseHidPosReport(Uint8Array.of(0x04, 1, 2, 3))).toEqual({ kind: 'other', reportId: 4 });
    expect(parseHidPosReport(hex(EAN13_4600439931256).subarray(0, 20)).kind).toBe('invalid');
    const bad = hex(EAN13_4600439931256);
    bad[1] = 57;
    expect(parseHidPosReport(bad).kind).toBe('invalid');
  });
});

describe('HidScanDecoder', () => {
  it('turns a single report into a scan with the symbology from its AIM id', () => {
    const { d, scans } = decoder();
    d.push(hex(EAN13_4600439931256));
    expect(scans).toEqual([{ symbology: 'EAN13', text: '4600439931256' }]);
  });

  it('reassembles a barcode spread over several reports', () => {
    const { d, scans } = decoder();
    d.push(hex(DATAMATRIX_PART1));
    expect(scans).toEqual([]);
    d.push(hex(DATAMATRIX_PART2));
    expect(scans).toEqual([{ symbology: 'DATAMATRIX', text: DATAMATRIX_TEXT }]);
  });

  it('drops a barcode whose continuation never comes, and reads the next one whole', () => {
    const { d, clock, scans, diagnostics } = decoder();
    d.push(hex(DATAMATRIX_PART1));
    clock.advance(250);
    d.push(hex(EAN13_4600439931256));
    expect(diagnostics).toEqual(['partial-frame']);
    expect(scans).toEqual([{ symbology: 'EAN13', text: '4600439931256' }]);
  });

  it('drops an over-long barcode', () => {
    const { d, scans, diagnostics } = decoder(60);
    for (const r of buildScannedDataReports(']d2', new Uint8Array(200).fill(0x41))) d.push(r);
    d.push(hex(EAN13_4600439931256));
    expect(diagnostics).toEqual(['frame-too-long']);
    expect(scans.map((s) => s.text)).toEqual(['4600439931256']);
  });

  it('round-trips barcodes of any length through the report builder', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabc.-\x1d'.split('')), minLength: 1, maxLength: 400 }), (text) => {
        const { d, scans } = decoder();
        for (const r of buildScannedDataReports(']Q1', Buffer.from(text, 'latin1'))) d.push(r);
        expect(scans).toEqual([{ symbology: 'QR', text }]);
      }),
    );
  });

  it('fuzz: random reports never throw, and random non-printable data never yields a scan', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 80 }), { maxLength: 10 }), (reports) => {
        const { d, clock } = decoder();
        for (const r of reports) {
          d.push(r);
          clock.advance(100);
        }
      }),
    );
    const controlData = fc.uint8Array({ minLength: 1, maxLength: 56 }).map((u) => {
      u[0] = 0x07; // BEL: a control byte in every barcode
      return u;
    });
    fc.assert(
      fc.property(controlData, fc.uint8Array({ minLength: 3, maxLength: 3 }), (data, aim) => {
        const { d, scans } = decoder();
        for (const r of buildScannedDataReports(Buffer.from(aim).toString('latin1'), data)) d.push(r);
        return scans.length === 0;
      }),
    );
  });
});
