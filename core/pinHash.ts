/**
 * Salted PBKDF2-SHA256 hashes of short PINs (cashier sign-in). WebCrypto, so the server makes
 * them and a till checks them with the same code, offline. PBKDF2 rather than scrypt because
 * WebCrypto has no scrypt. A 4-8 digit PIN cannot resist a search of a stolen hash whatever
 * the cost: the hash keeps the PIN from being read and makes each guess cost what one sign-in
 * at the till may cost; the till throttles guesses at the keyboard.
 */
import { runArgon2id, type KeyCost } from './lookupKey';

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

/**
 * Cashier PINs are hashed with Argon2id (issue 13): memory-hard, so a stolen till's hashes cost an
 * attacker's GPU what they cost a CPU. 16 MiB and three passes, as lookup keys: ~32 ms native
 * (the server makes them), ~120-230 ms in the till's page (WebAssembly), once per sign-in.
 * Older PBKDF2 hashes keep verifying and are upgraded at the server after the cashier's next
 * sign-in (POST /api/v1/cashiers/pin-upgrade).
 */
export const PIN_ARGON2_COST: KeyCost = { memoryKiB: 16 * 1024, iterations: 3 };
/** More than this in a stored hash is not ours (a hostile list must not exhaust the till). */
const MAX_ARGON2_MEMORY_KIB = 256 * 1024;
const MAX_ARGON2_ITERATIONS = 20;

/** `argon2id$<memory KiB>$<passes>$<salt>$<key>` (base64url). */
export async function hashPinArgon2(pin: string, cost: KeyCost = PIN_ARGON2_COST): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await runArgon2id({
    password: encoder.encode(pin),
    salt,
    secret: new Uint8Array(0),
    memoryKiB: cost.memoryKiB,
    iterations: cost.iterations,
    hashLength: 32,
  });
  return `argon2id$${cost.memoryKiB}$${cost.iterations}$${base64url(salt)}$${base64url(key)}`;
}

async function verifyPinArgon2(pin: string, stored: string): Promise<boolean> {
  const m = /^argon2id\$(\d{1,7})\$(\d{1,3})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return false;
  const memoryKiB = Number(m[1]);
  const iterations = Number(m[2]);
  let salt: Uint8Array;
  let expected: Uint8Array;
  try {
    salt = fromBase64url(m[3]!);
    expected = fromBase64url(m[4]!);
  } catch {
    return false;
  }
  if (memoryKiB < 8 || memoryKiB > MAX_ARGON2_MEMORY_KIB || iterations < 1 || iterations > MAX_ARGON2_ITERATIONS) return false;
  if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
  const key = await runArgon2id({ password: encoder.encode(pin), salt, secret: new Uint8Array(0), memoryKiB, iterations, hashLength: expected.length });
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= key[i]! ^ expected[i]!;
  return diff === 0;
}

/** Whether a stored hash is an older kind the server should re-make with Argon2id. */
export const isLegacyPinHash = (stored: string): boolean => stored.startsWith('pbkdf2-sha256$');

/** A PIN against a stored hash of either kind. */
export function verifyPin(pin: string, stored: string): Promise<boolean> {
  return isLegacyPinHash(stored) ? verifyPinPbkdf2(pin, stored) : verifyPinArgon2(pin, stored);
}
