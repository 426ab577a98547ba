import { z } from 'zod';
import { EngineInputError } from './result';

/**
 * When a sale happened, in the store's local time. Offers are written in local time
 * ("weekdays 10:00-14:00"), so the engine needs the local calendar, not just an instant.
 * Either the till gives local pieces, or an ISO instant and the store's IANA zone.
 */
export const SaleTimeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('local'),
    year: z.number().int().min(1970).max(9999),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
    hour: z.number().int().min(0).max(23),
    minute: z.number().int().min(0).max(59),
  }),
  z.object({
    kind: z.literal('instant'),
    instant: z.iso.datetime({ offset: true }),
    timeZone: z.string().min(1).max(100),
  }),
]);
export type SaleTime = z.infer<typeof SaleTimeSchema>;

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** Days since 1970-01-01 of the local calendar date (comparable, gap-free). */
  dayNumber: number;
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minuteOfDay: number;
}

export function dayNumberOf(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}

/** "2025-03-08" -> day number, or null when it is not a real calendar date. */
export function parseIsoDate(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return dayNumberOf(y, mo, d);
}

/** "HH:MM" -> minutes since midnight, "24:00" allowed as an end of day. */
export function parseClock(text: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (mi > 59 || h > 24 || (h === 24 && mi !== 0)) return null;
  return h * 60 + mi;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function build(year: number, month: number, day: number, hour: number, minute: number): LocalDateTime {
  const dayNumber = dayNumberOf(year, month, day);
  // 1970-01-01 was a Thursday (ISO 4).
  const weekday = ((((dayNumber + 3) % 7) + 7) % 7) + 1;
  return { year, month, day, hour, minute, dayNumber, weekday, minuteOfDay: hour * 60 + minute };
}

// Formatters are costly to create; one per zone is kept (a cache, not state that changes results).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
      });
    } catch {
      throw new EngineInputError('at.timeZone', `unknown time zone "${timeZone}"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The instant of a sale in epoch ms, or null when only local pieces were given. */
export function saleInstantMs(at: SaleTime): number | null {
  if (at.kind === 'local') return null;
  // Without an offset Date.parse reads the host's zone, and till and server would disagree.
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/i.test(at.instant)) {
    throw new EngineInputError('at.instant', `needs a UTC offset or Z: "${at.instant}"`);
  }
  const ms = Date.parse(at.instant);
  if (Number.isNaN(ms)) throw new EngineInputError('at.instant', `not an ISO instant: "${at.instant}"`);
  return ms;
}

export function toLocal(at: SaleTime): LocalDateTime {
  if (at.kind === 'local') {
    if (at.day > daysInMonth(at.year, at.month)) {
      throw new EngineInputError('at.day', `${at.year}-${at.month} has no day ${at.day}`);
    }
    return build(at.year, at.month, at.day, at.hour, at.minute);
  }
  const ms = saleInstantMs(at) ?? 0;
  // Zone offsets change only on whole minutes, so every instant of one minute has the same local
  // time: a server pricing a thousand sales a second asks Intl once a minute per zone.
  const minute = Math.floor(ms / 60_000);
  const last = lastLocal.get(at.timeZone);
  if (last?.minute === minute) return { ...last.local };
  const parts = formatterFor(at.timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const p = parts.find((x) => x.type === type);
    return p ? Number(p.value) : 0;
  };
  const local = build(get('year'), get('month'), get('day'), get('hour'), get('minute'));
  lastLocal.set(at.timeZone, { minute, local });
  return { ...local };
}

/** The last minute converted per zone (a cache like `formatters`: one entry per zone). */
const lastLocal = new Map<string, { minute: number; local: LocalDateTime }>();

/**
 * Whether `date` falls within `before` days ahead of to `after` days past a yearly date
 * (a birthday), looking at last, this and next year's occurrence so windows can cross
 * New Year. 29 February falls on 28 February in other years.
 */
export function inYearlyWindow(date: LocalDateTime, month: number, day: number, before: number, after: number): boolean {
  for (const y of [date.year - 1, date.year, date.year + 1]) {
    const d = Math.min(day, daysInMonth(y, month));
    const diff = date.dayNumber - dayNumberOf(y, month, d);
    if (diff >= -before && diff <= after) return true;
  }
  return false;
}
