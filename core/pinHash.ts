/**
 * Salted PBKDF2-SHA256 hashes of short PINs (cashier sign-in). WebCrypto, so the server makes
 * them and a till checks them with the same code, offline. PBKDF2 rather than scrypt because
 * WebCrypto has no scrypt. A 4-8 digit PIN cannot resist a search of a stolen hash whatever
 * the cost: the hash keeps the PIN from being read and makes each guess cost what one sign-in
 * at the till may cost; the till throttles guesses at the keyboard.
 */
const encoder = new TextEncoder();
/**
 * As slow as a sign-in at the till can afford (~0.1-0.2 s in Chromium here, ~0.25-0.4 s in Node;
 * docs/security.md has the measured figures and what they mean for a stolen till). Hashes made
 * with fewer iterations keep verifying: the count is stored in each hash.
 */
export const PIN_HASH_ITERATIONS = 600_000;
/** More than this in a stored hash is not ours (a hostile list must not hang the till). */
export const MAX_PIN_HASH_ITERATIONS = 5_000_000;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function derive(pin: string, salt: Uint8Array, iterations: number, bits: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(pin), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, bits));
}

/** `pbkdf2-sha256$<iterations>$<salt>$<key>` (base64url). */
export async function hashPinPbkdf2(pin: string, iterations = PIN_HASH_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await derive(pin, salt, iterations, 256);
  return `pbkdf2-sha256$${iterations}$${base64url(salt)}$${base64url(key)}`;
}

export async function verifyPinPbkdf2(pin: string, stored: string): Promise<boolean> {
  const m = /^pbkdf2-sha256\$(\d{4,7})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return false;
  const expected = fromBase64url(m[3]!);
  const iterations = Number(m[1]);
  if (expected.length < 16 || expected.length > 64 || iterations > MAX_PIN_HASH_ITERATIONS) return false;
  const key = await derive(pin, fromBase64url(m[2]!), iterations, expected.length * 8);
  // Constant time over the bytes: the till's timing should not say how close a guess was.
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= key[i]! ^ expected[i]!;
  return diff === 0;
}
