import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCancel, formatPay, formatRead, formatRefund, parseReply } from './lineProtocol';

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
    expect(parseReply('OK R1 123456789012 tok_abcdef12 4242')).toEqual({
      kind: 'ok',
      receiptId: 'R1',
      rrn: '123456789012',
      card: { kind: 'token', token: 'tok_abcdef12' },
      last4: '4242',
    });
    expect(parseReply('OK R1 1 4111111111111111 1111\r')).toEqual({
      kind: 'ok',
      receiptId: 'R1',
      rrn: '1',
      card: { kind: 'pan', pan: '4111111111111111' },
      last4: '1111',
    });
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

  it('formats refunds and card reads, refusing what would break the line', () => {
    expect(formatRefund('RET-1', 9_990, '424242424242')).toBe('REFUND RET-1 9990 424242424242\n');
    expect(formatRead('ID-7')).toBe('READ ID-7\n');
    expect(() => formatRefund('RET-1', 9_990, '4111111111111111')).toThrow(RangeError);
    expect(() => formatRefund('RET-1', 9_990, '')).toThrow(RangeError);
    expect(() => formatRefund('RET-1', 0, '1')).toThrow(RangeError);
    expect(() => formatRefund('RET 1', 1, '1')).toThrow(RangeError);
    expect(() => formatRead('a b')).toThrow(RangeError);
  });

  it('parses card reads with a token or a PAN; a card read without a card is malformed', () => {
    expect(parseReply('CARD ID-7 tok_abcdef12 4242')).toEqual({
      kind: 'card',
      requestId: 'ID-7',
      card: { kind: 'token', token: 'tok_abcdef12' },
      last4: '4242',
    });
    expect(parseReply('CARD ID-7 4111111111111111')).toEqual({ kind: 'card', requestId: 'ID-7', card: { kind: 'pan', pan: '4111111111111111' }, last4: null });
    for (const line of [
      'CARD ID-7',
      'CARD ID-7 -',
      'CARD ID-7 - 4242',
      'CARD ID-7 tok_abcdef12 42',
      'CARD ID-7 tok_abcdef12 4242 x',
      'CARD a+b tok_abcdef12',
    ]) {
      expect(parseReply(line)).toEqual({ kind: 'invalid' });
    }
  });
});
