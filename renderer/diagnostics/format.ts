/** Display helpers for the diagnostics screen, by the UI's locale (ru-RU, en-GB). */

export function formatBytes(bytes: number, locale: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: i === 0 ? 0 : 1 }).format(value);
}

export function formatMs(ms: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: ms < 10 ? 1 : 0 }).format(ms);
}

/** Clock skew in seconds with its sign: "+0,3 с" means the server is ahead of this till. */
export function formatSkew(ms: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(
    ms / 1000,
  );
}

export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

export function formatTime(at: number | string, locale: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? String(at) : d.toLocaleString(locale, { dateStyle: 'short', timeStyle: 'medium' });
}

/** A clock more than a minute off the server's is worth a warning: offers and returns depend on dates. */
export const SKEW_WARNING_MS = 60_000;
