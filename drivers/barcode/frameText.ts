/**
 * Turns the bytes of one frame into text, or says why they are not text. Noise on a
 * serial line (wrong baud rate, a loose cable) shows up as control bytes and invalid
 * UTF-8; such frames must never become scans.
 */
export type FrameTextFailure = 'control-bytes' | 'not-ascii' | 'invalid-utf8';
export type FrameText = { ok: true; text: string } | { ok: false; reason: FrameTextFailure };

export type Charset = 'ascii' | 'utf8';

/** GS (0x1D) separates GS1 element strings (FNC1), so it is data, not noise. */
const GS = 0x1d;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function frameText(bytes: Uint8Array, charset: Charset): FrameText {
  let ascii = true;
  for (const b of bytes) {
    if ((b < 0x20 && b !== GS) || b === 0x7f) return { ok: false, reason: 'control-bytes' };
    if (b >= 0x80) ascii = false;
  }
  if (ascii) {
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return { ok: true, text };
  }
  if (charset === 'ascii') return { ok: false, reason: 'not-ascii' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'invalid-utf8' };
  }
  // C1 controls (U+0080..U+009F) are as much noise as C0 ones.
  if (/[\u0080-\u009f\ufffe\uffff]/.test(text)) return { ok: false, reason: 'control-bytes' };
  return { ok: true, text };
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
