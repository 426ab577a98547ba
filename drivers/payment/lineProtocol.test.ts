import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCancel, formatPay, parseReply } from './lineProtocol';

describe('payment line protocol', () => {
  it('formats requests', () => {
    expect(formatPay('R-0001', 12345)).toBe('PAY R-0001 12345\n');
    expect(formatCancel('R-0001')).toBe('CANCEL R-0001\n');
  });

  it('refuses requests that would break the line format', () => {
    expect(() => formatPay('R 1', 100)).toThrow(RangeError);
    expect(() => formatPay('R1\nPAY', 100)).toThrow(RangeError);
    expect(() => formatPay('R1', 0)).toThrow(RangeError);
    expect(() => formatPay('R1', 12.5)).toThrow(RangeError);
  });

  it('parses approvals with a token, a PAN or no card', () => {
    expect(parseReply('OK R1 123456789012 tok_abcdef12 4242')).toEqual({ kind: 'ok', receiptId: 'R1', rrn: '123456789012', card: { kind: 'token', token: 'tok_abcdef12' }, last4: '4242' });
    expect(parseReply('OK R1 1 4111111111111111 1111\r')).toEqual({ kind: 'ok', receiptId: 'R1', rrn: '1', card: { kind: 'pan', pan: '4111111111111111' }, last4: '1111' });
    expect(parseReply('OK R1 1 - -')).toEqual({ kind: 'ok', receiptId: 'R1', rrn: '1', card: { kind: 'none' }, last4: null });
    expect(parseReply('OK R1 1')).toEqual({ kind: 'ok', receiptId: 'R1', rrn: '1', card: { kind: 'none' }, last4: null });
  });

  it('parses declines and errors', () => {
    expect(parseReply('DECLINED R1 insufficient funds')).toEqual({ kind: 'declined', receiptId: 'R1', reason: 'insufficient funds' });
    expect(parseReply('ERROR - no paper')).toEqual({ kind: 'error', receiptId: null, reason: 'no paper' });
  });

  it('rejects malformed lines', () => {
    for (const line of ['', 'OK', 'OK R1', 'OK R1 1 x 1111', 'OK R1 1 - 12345', 'HELLO R1', 'OK R1 1 - - extra', 'OK R\x011 1']) {
      expect(parseReply(line)).toEqual({ kind: 'invalid' });
    }
  });

  it('fuzz: never throws on any line', () => {
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (s) => void parseReply(s)));
  });
});
