import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdsCardNumber } from '../server/cardNumbers';
import { FeedbackToken } from '../protocol/feedback';
import { feedbackReceiptPart, newFeedbackToken, withFeedbackPart, withFeedbackToken } from './feedbackLink';
import type { FiscalReceipt } from '../protocol/fiscal';
import type { SaleEvent } from '../protocol/events';

describe('feedback token made at the till', () => {
  it('is 24 base64url characters from 144 random bits, never a digit run a card screen could refuse', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 18, maxLength: 18 }), fc.uint8Array({ minLength: 18, maxLength: 18 }), (first, second) => {
        let calls = 0;
        const token = newFeedbackToken((b) => {
          b.set(calls++ === 0 ? first : second);
          return b;
        });
        expect(FeedbackToken.safeParse(token).success).toBe(true);
        expect(token).not.toMatch(/\d{6}/);
        expect(holdsCardNumber(token)).toBe(false);
        // The bytes are all there: the token decodes back to the random draw it was made from.
        const drawn = calls === 1 ? first : second;
        expect(Buffer.from(token, 'base64url')).toEqual(Buffer.from(drawn));
      }),
    );
  });

  it('differs between receipts (real randomness)', () => {
    const tokens = new Set(Array.from({ length: 2_000 }, () => newFeedbackToken()));
    expect(tokens.size).toBe(2_000);
  });

  it('is added to the sale only when the chain set a base address, and kept once made', () => {
    const sale = { eventId: 'e', type: 'sale' } as unknown as SaleEvent;
    expect(withFeedbackToken(sale, null)).toBe(sale);
    const withToken = withFeedbackToken(sale, 'https://fb.example.ru', () => 'A'.repeat(24));
    expect(withToken.feedbackToken).toBe('A'.repeat(24));
    expect(withFeedbackToken(withToken, 'https://fb.example.ru', () => 'B'.repeat(24)).feedbackToken).toBe('A'.repeat(24));
  });

  it('prints the link and its QR code, nothing without a base address', () => {
    expect(feedbackReceiptPart(null, 'A'.repeat(24))).toBeNull();
    expect(feedbackReceiptPart('https://fb.example.ru/', undefined)).toBeNull();
    expect(feedbackReceiptPart('https://fb.example.ru/', 'A'.repeat(24))).toEqual({
      lines: ['Оцените покупку и кассира:', `https://fb.example.ru/f/${'A'.repeat(24)}`],
      qrCode: `https://fb.example.ru/f/${'A'.repeat(24)}`,
    });
  });

  it("goes on the register's receipt after its own text lines, with the QR code; a receipt without a token is unchanged", () => {
    const receipt = { receiptId: 'r', positions: [], payments: [], cashier: { name: 'Анна' }, textLines: ['Баланс: 10'] } as unknown as FiscalReceipt;
    expect(withFeedbackPart(receipt, 'https://fb.example.ru', undefined)).toBe(receipt);
    const printed = withFeedbackPart(receipt, 'https://fb.example.ru', 'A'.repeat(24));
    expect(printed.textLines).toEqual(['Баланс: 10', 'Оцените покупку и кассира:', `https://fb.example.ru/f/${'A'.repeat(24)}`]);
    expect(printed.qrCode).toBe(`https://fb.example.ru/f/${'A'.repeat(24)}`);
  });
});
