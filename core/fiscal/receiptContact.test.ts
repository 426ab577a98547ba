import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReceiptContact } from './receiptContact';

describe('the contact for an electronic receipt', () => {
  it('takes a phone typed the Russian way as E.164, an e-mail as typed, and nothing as no electronic receipt', () => {
    expect(parseReceiptContact('8 916 123-45-67')).toEqual({ ok: true, contact: '+79161234567' });
    expect(parseReceiptContact(' +7 (916) 123 45 67 ')).toEqual({ ok: true, contact: '+79161234567' });
    expect(parseReceiptContact('vera@example.ru')).toEqual({ ok: true, contact: 'vera@example.ru' });
    expect(parseReceiptContact('   ')).toEqual({ ok: true, contact: null });
  });

  it('refuses what the OFD could not deliver to', () => {
    for (const bad of ['vera@', '@example.ru', '12345', '+7 000 000-00-00', 'вера собака почта', 'a@b@c.ru'])
      expect(parseReceiptContact(bad)).toEqual({ ok: false });
  });

  it('never accepts text that is neither a valid phone nor an e-mail (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const r = parseReceiptContact(text);
        if (!r.ok || r.contact === null) return;
        expect(/^\+[1-9]\d{6,14}$/.test(r.contact) || r.contact.includes('@')).toBe(true);
      }),
    );
  });
});
