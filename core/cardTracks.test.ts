import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyCard, parseTracks } from './cardTracks';

// Well-known test card numbers (Luhn-valid, issued to no one).
const VISA = '4111111111111111';
const MC = '5555555555554444';

describe('parseTracks', () => {
  it('reads track 1 and track 2 of a bank card swipe', () => {
    const t = parseTracks(`%B${VISA}^DOE/JOHN                  ^2512101000000000000000000?;${VISA}=25121010000000000000?`);
    expect(t.track1).toEqual({ formatCode: 'B', number: VISA, name: 'DOE/JOHN', rest: '2512101000000000000000000' });
    expect(t.track2).toEqual({ number: VISA, rest: '25121010000000000000' });
    expect(t.readError).toBe(false);
  });

  it('reads a loyalty track 2 without a separator', () => {
    expect(parseTracks(';2712345678901?').track2).toEqual({ number: '2712345678901', rest: null });
  });

  it('tolerates LRC characters after end sentinels and a track 3', () => {
    const t = parseTracks(`%B${MC}^SMITH/ANNA^2701201?x;${MC}=2701201?y;0112345678901234=1234?z`);
    expect(t.track1?.number).toBe(MC);
    expect(t.track2?.number).toBe(MC);
  });

  it('notes reader errors', () => {
    const t = parseTracks('%E?;E?');
    expect(t).toEqual({ track1: null, track2: null, readError: true });
  });
});

describe('classifyCard', () => {
  it('a 13-digit number with the chain prefix 27 is a loyalty card', () => {
    expect(classifyCard(parseTracks(';2712345678901?'))).toEqual({ kind: 'loyalty', cardNumber: '2712345678901' });
  });

  it('a number that fails Luhn on a non-bank track is a loyalty card', () => {
    expect(classifyCard(parseTracks(';123456789?'))).toEqual({ kind: 'loyalty', cardNumber: '123456789' });
  });

  it('a Luhn-valid 12-19 digit number is a bank card; track 2 wins over track 1', () => {
    expect(classifyCard(parseTracks(`;${VISA}=2512101?`))).toEqual({ kind: 'bank', pan: VISA, last4: '1111' });
    expect(classifyCard(parseTracks(`%B${MC}^A/B^2701?`))).toEqual({ kind: 'bank', pan: MC, last4: '4444' });
  });

  it('a misread bank card is unreadable, never a loyalty card carrying most of a PAN', () => {
    expect(classifyCard(parseTracks(`;4111111111111112=2512101?`))).toEqual({ kind: 'unreadable', reason: 'bad-bank-number' });
    expect(classifyCard(parseTracks(`%B4111111111111112^A/B^2512101?`))).toEqual({ kind: 'unreadable', reason: 'bad-bank-number' });
  });

  it('tracks that disagree, or none at all, are unreadable', () => {
    expect(classifyCard(parseTracks(`%B${VISA}^A/B^2512?;${MC}=2512?`)).kind).toBe('unreadable');
    expect(classifyCard(parseTracks('hello'))).toEqual({ kind: 'unreadable', reason: 'no-track' });
    expect(classifyCard(parseTracks(';12345?'))).toEqual({ kind: 'unreadable', reason: 'bad-length' });
  });

  it('honours a configured loyalty rule', () => {
    expect(classifyCard(parseTracks(';990000000001?'), { prefix: '99', length: 12 })).toEqual({ kind: 'loyalty', cardNumber: '990000000001' });
  });

  it('fuzz: never throws; a loyalty number is always 6-19 digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = classifyCard(parseTracks(s));
        return r.kind !== 'loyalty' || /^\d{6,19}$/.test(r.cardNumber);
      }),
    );
  });
});
