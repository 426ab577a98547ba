/**
 * Scanners can be programmed to send a fixed prefix (e.g. "#") before each barcode, so that
 * the host can tell barcodes from anything else on the line. Frames without it are dropped.
 */
export type PrefixResult = { ok: true; bytes: Uint8Array } | { ok: false };

export function stripPrefix(frame: Uint8Array, prefix: Uint8Array): PrefixResult {
  if (prefix.length === 0) return { ok: true, bytes: frame };
  if (frame.length < prefix.length) return { ok: false };
  for (let i = 0; i < prefix.length; i++) if (frame[i] !== prefix[i]) return { ok: false };
  return { ok: true, bytes: frame.subarray(prefix.length) };
}
