import { describe, expect, it } from 'vitest';
import { stripPrefix } from './prefix';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('stripPrefix', () => {
  it('strips the configured prefix', () => {
    const r = stripPrefix(b('#4006381333931'), b('#'));
    expect(r.ok && Buffer.from(r.bytes).toString()).toBe('4006381333931');
  });
  it('rejects frames without it', () => {
    expect(stripPrefix(b('4006381333931'), b('#')).ok).toBe(false);
    expect(stripPrefix(b('#'), b('##')).ok).toBe(false);
  });
  it('passes everything through when no prefix is configured', () => {
    const r = stripPrefix(b('abc'), b(''));
    expect(r.ok && Buffer.from(r.bytes).toString()).toBe('abc');
  });
});
