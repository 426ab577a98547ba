import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FramingConfig } from '../config';
import { FakeClock } from '../testing/fakeClock';
import { checkBarcode } from '../barcode/symbologyRules';
import { SerialScanDecoder } from './serialScanDecoder';
import type { Symbology } from '../../core/scan';

const b = (s: string) => Buffer.from(s, 'latin1');
/** C0 controls other than GS (the GS1 separator), and DEL. */
const hasControl = (text: string) => [...text].some((c) => (c.charCodeAt(0) < 0x20 && c !== '\x1d') || c === '\x7f');

function decoder(framing: Partial<FramingConfig> = {}) {
  const clock = new FakeClock();
  const scans: Array<{ symbology: Symbology; text: string; rawHex: string }> = [];
  const diagnostics: string[] = [];
  const msgs: string[] = [];
  const d = new SerialScanDecoder(FramingConfig.parse(framing), clock, {
    scan: (s) => scans.push(s),
    diagnostic: (code, message) => {
      diagnostics.push(code);
      if (code === 'noise') msgs.push(message);
    },
  });
  return { d, clock, scans, diagnostics, msgs };
}

describe('SerialScanDecoder', () => {
  it('turns a CR-terminated EAN-13 into a scan, symbology inferred from the check digit', () => {
    const { d, scans } = decoder();
    d.push(b('4006381333931\r'));
    expect(scans).toEqual([{ symbology: 'EAN13', text: '4006381333931', rawHex: Buffer.from('4006381333931').toString('hex') }]);
  });

  it('uses AIM identifiers when configured, and strips them from the text', () => {
    const { d, scans } = decoder({ aimIds: true, suffix: 'CRLF' });
    d.push(b(']C1010460043993125621JgXJ5.T\x1d91EE06\r\n]Q1hello\r\n'));
    expect(scans.map((s) => [s.symbology, s.text])).toEqual([
      ['GS1_128', '010460043993125621JgXJ5.T\x1d91EE06'],
      ['QR', 'hello'],
    ]);
  });

  it('leaves a leading "]" alone when AIM ids are off', () => {
    const { d, scans } = decoder();
    d.push(b(']E04006381333931\r'));
    expect(scans.map((s) => [s.symbology, s.text])).toEqual([['UNKNOWN', ']E04006381333931']]);
  });

  it('strips a configured prefix and drops frames without it', () => {
    const { d, scans, diagnostics } = decoder({ prefix: '#' });
    d.push(b('#96385074\r96385074\r'));
    expect(scans.map((s) => [s.symbology, s.text])).toEqual([['EAN8', '96385074']]);
    expect(diagnostics).toEqual(['missing-prefix']);
  });

  it('drops garbage, partial and over-long frames with a diagnostic each, and keeps scanning', () => {
    const { d, clock, scans, diagnostics } = decoder({ maxFrameLength: 20, interByteTimeoutMs: 50 });
    d.push(Uint8Array.of(0xff, 0x00, 0x13, 0x0d));
    d.push(b('x'.repeat(30) + '\r'));
    d.push(b('40063'));
    clock.advance(50);
    // After a pause, what comes up to the next terminator may be the rest of the dropped frame.
    d.push(b('81333931\r'));
    d.push(b('4006381333931\r'));
    expect(diagnostics).toEqual(['noise', 'frame-too-long', 'partial-frame', 'partial-frame']);
    expect(scans.map((s) => s.text)).toEqual(['4006381333931']);
  });

  it('the tail of a barcode split by a pause is never a scan, even when it looks like one', () => {
    const { d, clock, scans, diagnostics } = decoder();
    d.push(b('40063'));
    clock.advance(150);
    d.push(b('96385074\r'));
    d.push(b('4006381333931\r'));
    expect(scans.map((s) => s.text)).toEqual(['4006381333931']);
    expect(diagnostics).toEqual(['partial-frame', 'partial-frame']);
  });

  it('a scan after a quiet spell is read even though a partial frame came before it', () => {
    const { d, clock, scans, diagnostics } = decoder({ resyncQuietMs: 1_000 });
    d.push(b('}'));
    clock.advance(100 + 1_000);
    d.push(b('4006381333931\r'));
    expect(scans.map((s) => s.text)).toEqual(['4006381333931']);
    expect(diagnostics).toEqual(['partial-frame']);
  });

  it('a stray "}" or a short fragment with its terminator is noise, not a scan', () => {
    const { d, scans, diagnostics, msgs } = decoder();
    d.push(b('}\r'));
    d.push(b('931\r'));
    expect(scans).toEqual([]);
    expect(diagnostics).toEqual(['noise']);
    expect(msgs).toEqual(['dropped 1 frame as noise (too-short)']);
  });

  it('requires the configured minimum length for free-length symbologies', () => {
    const { d, scans } = decoder({ minLength: 6, aimIds: true });
    d.push(b(']C0ABCDE\r]C0ABCDEF\r]Q1hello!\r'));
    expect(scans.map((s) => s.text)).toEqual(['ABCDEF', 'hello!']);
  });

  it('an AIM-identified EAN must have its exact length and check digit', () => {
    const { d, clock, scans, msgs } = decoder({ aimIds: true });
    d.push(b(']E04006381333932\r]E0400638133393\r]E4963850\r]E04006381333931\r]E0036000291452\r'));
    expect(scans.map((s) => [s.symbology, s.text])).toEqual([
      ['EAN13', '4006381333931'],
      ['UPCA', '036000291452'],
    ]);
    clock.advance(1_000);
    expect(msgs).toEqual(['dropped 1 frame as noise (bad-check-digit)', 'dropped 2 frames as noise (bad-check-digit, wrong-length)']);
  });

  it('a flood of noise is summarised, not reported frame by frame', () => {
    const { d, clock, diagnostics, msgs } = decoder();
    for (let i = 0; i < 50; i++) d.push(Uint8Array.of(0x41, 0x00, 0x0d));
    d.push(b('x\r'));
    clock.advance(1_000);
    clock.advance(1_000);
    expect(diagnostics).toEqual(['noise', 'noise']);
    expect(msgs).toEqual(['dropped 1 frame as noise (control-bytes)', 'dropped 50 frames as noise (control-bytes x49, too-short)']);
    expect(JSON.stringify(msgs)).not.toContain('A');
  });

  it('an AIM id with no data is not a scan', () => {
    const { d, scans, diagnostics } = decoder({ aimIds: true });
    d.push(b(']E0\r'));
    expect(scans).toEqual([]);
    expect(diagnostics).toEqual(['empty-frame']);
  });

  const configs = fc.record({
    suffix: fc.constantFrom('CR' as const, 'LF' as const, 'CRLF' as const),
    aimIds: fc.boolean(),
    charset: fc.constantFrom('ascii' as const, 'utf8' as const),
  });

  it('fuzz: random bytes without a terminator never produce a scan, even after the timeout', () => {
    fc.assert(
      fc.property(
        configs,
        fc.array(
          fc.uint8Array({ maxLength: 80 }).map((u) => u.filter((x) => x !== 0x0d && x !== 0x0a)),
          { maxLength: 10 },
        ),
        (cfg, chunks) => {
          const { d, clock, scans } = decoder(cfg);
          for (const c of chunks) {
            d.push(c);
            clock.advance(30);
          }
          clock.advance(1_000);
          return scans.length === 0;
        },
      ),
    );
  });

  it('fuzz: non-printable content never yields a scan, terminated or not', () => {
    const controlByte = fc.integer({ min: 0, max: 0x1f }).filter((x) => x !== 0x1d && x !== 0x0d && x !== 0x0a);
    const noisyFrame = fc
      .tuple(
        fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 10 }),
        controlByte,
        fc.array(
          fc.integer({ min: 0, max: 255 }).filter((x) => x !== 0x0d && x !== 0x0a),
          { maxLength: 10 },
        ),
      )
      .map(([pre, bad, post]) => Uint8Array.from([...pre, bad, ...post, 0x0d, 0x0a]));
    fc.assert(
      fc.property(configs, fc.array(noisyFrame, { minLength: 1, maxLength: 5 }), (cfg, noisy) => {
        const { d, scans, diagnostics } = decoder(cfg);
        for (const f of noisy) d.push(f);
        return scans.length === 0 && diagnostics.length > 0;
      }),
    );
  });

  it('fuzz: arbitrary bytes never throw, and every scan is printable text within limits', () => {
    fc.assert(
      fc.property(configs, fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (cfg, chunks) => {
        const { d, clock, scans } = decoder({ ...cfg, maxFrameLength: 64 });
        for (const c of chunks) {
          d.push(c);
          clock.advance(10);
        }
        return scans.every((s) => s.text.length > 0 && s.text.length <= 64 && !hasControl(s.text) && checkBarcode(s.symbology, s.text).ok);
      }),
    );
  });
});
