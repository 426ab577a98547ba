import { describe, it, expect } from 'vitest';
import { inYearlyWindow, parseClock, parseIsoDate, toLocal } from './time';
import { EngineInputError } from './result';

describe('toLocal', () => {
  it('turns an instant into the store’s calendar (Moscow, after UTC midnight)', () => {
    const t = toLocal({ kind: 'instant', instant: '2025-03-12T21:30:00Z', timeZone: 'Europe/Moscow' });
    expect(t).toMatchObject({ year: 2025, month: 3, day: 13, hour: 0, minute: 30, weekday: 4, minuteOfDay: 30 });
  });

  it('honours offsets in the instant and far-east zones', () => {
    const t = toLocal({ kind: 'instant', instant: '2025-03-15T08:15:00+03:00', timeZone: 'Asia/Vladivostok' });
    expect(t).toMatchObject({ day: 15, hour: 15, minute: 15, weekday: 6 });
  });

  it('takes local pieces as they are and finds the weekday', () => {
    expect(toLocal({ kind: 'local', year: 2025, month: 3, day: 16, hour: 23, minute: 59 })).toMatchObject({ weekday: 7, minuteOfDay: 1439 });
  });

  it('refuses an instant without an offset, which would depend on the host zone', () => {
    expect(() => toLocal({ kind: 'instant', instant: '2025-03-12T09:00:00', timeZone: 'Europe/Moscow' })).toThrow(/UTC offset/);
  });

  it('rejects impossible dates and unknown zones with the field named', () => {
    expect(() => toLocal({ kind: 'local', year: 2025, month: 2, day: 29, hour: 0, minute: 0 })).toThrow(EngineInputError);
    try {
      toLocal({ kind: 'instant', instant: '2025-03-12T21:30:00Z', timeZone: 'Mars/Olympus' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineInputError);
      expect((e as EngineInputError).path).toBe('at.timeZone');
    }
  });
});

describe('parsers', () => {
  it('reads dates and clocks, refusing nonsense', () => {
    expect(parseIsoDate('2024-02-29')).not.toBeNull();
    expect(parseIsoDate('2025-02-29')).toBeNull();
    expect(parseIsoDate('2025-3-1')).toBeNull();
    expect(parseClock('24:00')).toBe(1440);
    expect(parseClock('24:01')).toBeNull();
    expect(parseClock('09:60')).toBeNull();
  });
});

describe('inYearlyWindow (birthdays)', () => {
  const at = (year: number, month: number, day: number) => toLocal({ kind: 'local', year, month, day, hour: 12, minute: 0 });
  it.each([
    ['3 days before', at(2025, 3, 7), 3, 10, true],
    ['4 days before', at(2025, 3, 6), 3, 10, false],
    ['3 days after', at(2025, 3, 13), 3, 10, true],
    ['4 days after', at(2025, 3, 14), 3, 10, false],
    ['across New Year, before', at(2024, 12, 30), 1, 2, true],
    ['across New Year, after', at(2026, 1, 2), 12, 31, true],
    ['29 February in a common year falls on 28 February', at(2025, 2, 28), 2, 29, true],
  ])('%s', (_label, date, month, day, expected) => {
    expect(inYearlyWindow(date, month, day, 3, 3)).toBe(expected);
  });
  it('a zero window is the day itself', () => {
    expect(inYearlyWindow(at(2025, 3, 10), 3, 10, 0, 0)).toBe(true);
    expect(inYearlyWindow(at(2025, 3, 11), 3, 10, 0, 0)).toBe(false);
  });
});
