import { describe, expect, it } from 'vitest';
import { bankCardLookupKey, phoneLookupKey } from './lookupKey';

describe('lookup keys', () => {
  it('is stable for the same secret and value, and differs across secrets, values and kinds', async () => {
    const a = await phoneLookupKey('secret-one-0123456789', '+79161234567');
    expect(await phoneLookupKey('secret-one-0123456789', '+79161234567')).toBe(a);
    expect(await phoneLookupKey('secret-two-0123456789', '+79161234567')).not.toBe(a);
    expect(await phoneLookupKey('secret-one-0123456789', '+79161234568')).not.toBe(a);
    expect(await bankCardLookupKey('secret-one-0123456789', '+79161234567')).not.toBe(a);
  });

  it('does not contain the value it stands for', async () => {
    const key = await bankCardLookupKey('secret-one-0123456789', '4111111111111111');
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(key).not.toContain('1111');
  });
});
