import { describe, expect, it } from 'vitest';
import { nativeArgon2id } from './argon2Native';
import { bankCardLookupKey, phoneLookupKey, useArgon2id, wasmArgon2, type PhoneSecret } from './lookupKey';

// Cheap costs: what is tested is the function, not its price (bench/lookupKey.ts measures that).
const cheap = { memoryKiB: 256, iterations: 1 };
const v1: PhoneSecret = { version: 1, secret: 'secret-one-0123456789', ...cheap };
const v2: PhoneSecret = { version: 2, secret: 'secret-two-0123456789', ...cheap };

describe('lookup keys', () => {
  it('is stable for the same secret and value, and differs across secrets, values, kinds and costs', async () => {
    const a = await phoneLookupKey(v1, '+79161234567');
    expect(await phoneLookupKey(v1, '+79161234567')).toBe(a);
    expect(await phoneLookupKey(v2, '+79161234567')).not.toBe(a);
    expect(await phoneLookupKey(v1, '+79161234568')).not.toBe(a);
    expect(await phoneLookupKey({ ...v1, memoryKiB: 512 }, '+79161234567')).not.toBe(a);
    expect(await bankCardLookupKey(v1.secret, '+79161234567', cheap)).not.toBe(a);
  });

  it('does not contain the value it stands for', async () => {
    const key = await bankCardLookupKey('secret-one-0123456789', '4111111111111111', cheap);
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(key).not.toContain('1111');
  });

  it('gives the same key with the native and the WebAssembly Argon2id (server, host and tests agree)', async () => {
    try {
      useArgon2id(wasmArgon2);
      const wasmKeys = [await phoneLookupKey(v1, '+79161234567'), await bankCardLookupKey(v2.secret, '5555555555554444', cheap)];
      useArgon2id(nativeArgon2id);
      const nativeKeys = [await phoneLookupKey(v1, '+79161234567'), await bankCardLookupKey(v2.secret, '5555555555554444', cheap)];
      expect(nativeKeys).toEqual(wasmKeys);
    } finally {
      useArgon2id(nativeArgon2id);
    }
  });

  it('matches the Argon2id reference (RFC 9106 parameters: password, salt, secret)', async () => {
    // Known answer computed with the reference implementation (argon2 CLI) for the same inputs.
    const out = await wasmArgon2({
      password: new TextEncoder().encode('+79161234567'),
      salt: new TextEncoder().encode('loyalty-till:phone'),
      secret: new Uint8Array(0),
      memoryKiB: 256,
      iterations: 1,
      hashLength: 16,
    });
    expect(Buffer.from(out).toString('hex')).toBe(REFERENCE);
  });
});

const REFERENCE = 'a1acc16c4bf7f3275cacd18bb1bfa862';
