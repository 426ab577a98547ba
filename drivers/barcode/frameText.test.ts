import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { frameText, toHex } from './frameText';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('frameText', () => {
  it('accepts printable ASCII, and GS as the GS1 separator', () => {
    expect(frameText(b('4006381333931'), 'ascii')).toEqual({ ok: true, text: '4006381333931' });
    expect(frameText(b('0104600439931256\x1d21JgXJ5.T'), 'ascii')).toEqual({ ok: true, text: '0104600439931256\x1d21JgXJ5.T' });
  });

  it('rejects control bytes and DEL', () => {
    expect(frameText(b('40063\x00813'), 'utf8').ok).toBe(false);
    expect(frameText(b('abc\x1b[0m'), 'utf8').ok).toBe(false);
    expect(frameText(b('abc\x7f'), 'utf8').ok).toBe(false);
  });

  it('ascii charset rejects high bytes; utf8 accepts valid UTF-8 text only', () => {
    const cyr = Buffer.from('Привет', 'utf8');
    expect(frameText(cyr, 'ascii')).toEqual({ ok: false, reason: 'not-ascii' });
    expect(frameText(cyr, 'utf8')).toEqual({ ok: true, text: 'Привет' });
    expect(frameText(Uint8Array.of(0x41, 0xc3, 0x28), 'utf8')).toEqual({ ok: false, reason: 'invalid-utf8' });
    expect(frameText(Buffer.from('a\u0085b', 'utf8'), 'utf8').ok).toBe(false);
  });

  it('fuzz: any text it accepts is free of control characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.constantFrom('ascii' as const, 'utf8' as const), (bytes, cs) => {
        const r = frameText(bytes, cs);
        // C0 controls other than GS (the GS1 separator), DEL and the C1 controls.
        return !r.ok || [...r.text].every((c) => c === '\x1d' || (c.charCodeAt(0) >= 0x20 && (c.charCodeAt(0) < 0x7f || c.charCodeAt(0) > 0x9f)));
      }),
    );
  });

  it('toHex', () => {
    expect(toHex(Uint8Array.of(0, 15, 255))).toBe('000fff');
  });
});
