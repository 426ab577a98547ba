import type { HostLogLine } from '../../sync/protocol/host';
import { scrubText } from './scrub';

export type LogLevel = HostLogLine['level'];

/**
 * The host's own log for IT: a ring buffer of the last `capacity` lines, in memory only
 * (a till restarts clean). Every message is scrubbed when it is added (card numbers, phones,
 * tokens, known secrets) and once more when it leaves, in case a secret became known later.
 * The same message repeated in a row is kept once and counted, so a server that is away for
 * an hour does not push everything else out.
 */
export interface HostLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  add(level: LogLevel, message: string): void;
  /** A secret to cut out of every line from now on (the terminal token, the lookup secret). */
  addSecret(secret: string): void;
  /** Lines oldest first; `limit` keeps the newest. */
  lines(limit?: number): HostLogLine[];
  /** The log as text, one line per entry. */
  text(): string;
  /** Scrub any other text with the same rules and secrets. */
  scrub(text: string): string;
  readonly capacity: number;
}

export interface HostLogOptions {
  capacity?: number;
  now?: () => number;
  /** Also write each new line somewhere (the console), already scrubbed. */
  echo?: (line: string) => void;
}

/** Longest message kept; longer ones are cut (a server error page is not a log line). */
export const MAX_MESSAGE = 1000;

export function formatLogLine(l: HostLogLine): string {
  const repeats = l.repeats > 1 ? ` (×${l.repeats}, last ${l.lastAt ?? l.at})` : '';
  return `${l.at} ${l.level.toUpperCase().padEnd(5)} ${l.message}${repeats}`;
}

export function createHostLog(options: HostLogOptions = {}): HostLog {
  const capacity = Math.max(1, options.capacity ?? 500);
  const now = options.now ?? Date.now;
  const secrets = new Set<string>();
  // A fixed array used as a ring: `start` is the oldest, `size` how many are filled.
  const ring: (HostLogLine | undefined)[] = new Array(capacity);
  let start = 0;
  let size = 0;

  const scrub = (text: string) => scrubText(text, secrets);
  const last = (): HostLogLine | undefined => (size === 0 ? undefined : ring[(start + size - 1) % capacity]);

  const add = (level: LogLevel, message: string) => {
    const clean = scrub(message.replace(/[\r\n]+/g, ' ⏎ ')).slice(0, MAX_MESSAGE);
    const at = new Date(now()).toISOString();
    const prev = last();
    if (prev && prev.level === level && prev.message === clean) {
      prev.repeats += 1;
      prev.lastAt = at;
      return;
    }
    const line: HostLogLine = { at, level, message: clean, repeats: 1 };
    if (size < capacity) {
      ring[(start + size) % capacity] = line;
      size += 1;
    } else {
      ring[start] = line;
      start = (start + 1) % capacity;
    }
    options.echo?.(formatLogLine(line));
  };

  const lines = (limit = capacity): HostLogLine[] => {
    const n = Math.max(0, Math.min(limit, size));
    const out: HostLogLine[] = [];
    for (let i = size - n; i < size; i++) {
      const l = ring[(start + i) % capacity]!;
      out.push({ ...l, message: scrub(l.message) });
    }
    return out;
  };

  return {
    capacity,
    add,
    info: (m) => add('info', m),
    warn: (m) => add('warn', m),
    error: (m) => add('error', m),
    addSecret(secret) {
      if (secret) secrets.add(secret);
    },
    lines,
    text: () => lines().map(formatLogLine).join('\n'),
    scrub,
  };
}
