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
