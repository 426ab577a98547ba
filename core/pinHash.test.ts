import { describe, expect, it } from 'vitest';
import { hashPinPbkdf2, MAX_PIN_HASH_ITERATIONS, PIN_HASH_ITERATIONS, verifyPinPbkdf2 } from './pinHash';

describe('PIN hashes (PBKDF2)', () => {
  it('verifies the right PIN only, with a fresh salt each time', async () => {
    const a = await hashPinPbkdf2('2468', 1_000);
    const b = await hashPinPbkdf2('2468', 1_000);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^pbkdf2-sha256\$1000\$/);
    expect(await verifyPinPbkdf2('2468', a)).toBe(true);
    expect(await verifyPinPbkdf2('2469', a)).toBe(false);
    expect(await verifyPinPbkdf2('2468', 'scrypt$1$2$3')).toBe(false);
  });

  it('makes new hashes at the full cost, and still verifies hashes made at the old one', async () => {
    expect(PIN_HASH_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    const made = await hashPinPbkdf2('1357');
    expect(made).toMatch(new RegExp(`^pbkdf2-sha256\\$${PIN_HASH_ITERATIONS}\\$`));
    expect(await verifyPinPbkdf2('1357', made)).toBe(true);
    const old = await hashPinPbkdf2('1357', 100_000);
    expect(await verifyPinPbkdf2('1357', old)).toBe(true);
  });

  it('refuses a stored hash asking for absurd work instead of hanging the till', async () => {
    const [, , salt, key] = (await hashPinPbkdf2('1357', 1_000)).split('$');
    expect(await verifyPinPbkdf2('1357', `pbkdf2-sha256$${MAX_PIN_HASH_ITERATIONS + 1}$${salt}$${key}`)).toBe(false);
  });
});

describe('PIN hashes (Argon2id, issue 13)', () => {
  it('verifies the right PIN only, with a fresh salt each time, at the memory-hard cost', async () => {
    const { hashPinArgon2, verifyPin, isLegacyPinHash, PIN_ARGON2_COST } = await import('./pinHash');
    expect(PIN_ARGON2_COST.memoryKiB).toBeGreaterThanOrEqual(16 * 1024);
    const a = await hashPinArgon2('2468');
    const b = await hashPinArgon2('2468');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^argon2id\$16384\$3\$/);
    expect(isLegacyPinHash(a)).toBe(false);
    expect(await verifyPin('2468', a)).toBe(true);
    expect(await verifyPin('2469', a)).toBe(false);
    // PBKDF2 hashes keep verifying (until the server upgrades them).
    const old = await hashPinPbkdf2('2468', 1_000);
    expect(isLegacyPinHash(old)).toBe(true);
    expect(await verifyPin('2468', old)).toBe(true);
    // A hostile stored hash asking for absurd memory is refused, not run.
    const [, , , salt, key] = a.split('$');
    expect(await verifyPin('2468', `argon2id$${4 * 1024 * 1024}$3$${salt}$${key}`)).toBe(false);
    expect(await verifyPin('2468', 'argon2id$16384$3$x$y')).toBe(false);
  });
});
