/**
 * Keyed hashes that let a till find a customer by phone or bank card without
 * storing either. The key is the chain's lookup secret, handed to enrolled terminals.
 * WebCrypto is used because it is the same API in Chromium and in Node.
 */
const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keyCache.set(secret, key);
  }
  return key;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function keyed(secret: string, label: string, value: string): Promise<string> {
  const sig = await crypto.subtle.sign('HMAC', await importKey(secret), encoder.encode(`${label}:${value}`));
  // 128 bits is plenty to avoid collisions among a chain's customers and keeps the index small.
  return base64url(new Uint8Array(sig).slice(0, 16));
}

/** Lookup key for a phone already normalised to E.164. */
export function phoneLookupKey(secret: string, e164: string): Promise<string> {
  return keyed(secret, 'phone', e164);
}

/** Lookup key for a bank card PAN. Call only inside a driver; the PAN must go no further. */
export function bankCardLookupKey(secret: string, pan: string): Promise<string> {
  return keyed(secret, 'pan', pan);
}
