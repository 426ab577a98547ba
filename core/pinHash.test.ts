import { describe, expect, it } from 'vitest';
import { hashPinPbkdf2, verifyPinPbkdf2 } from './pinHash';

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
});
