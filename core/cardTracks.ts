/**
 * Magnetic stripe track parsing (ISO/IEC 7811/7813), pure and free of Node and npm
 * dependencies so that the renderer's keyboard wedge can reuse it. The only import is
 * core's Luhn check, which is pure too.
 *
 * Track 1: %<format code><number>^<name>^<YYMM><service code><discretionary>?
 * Track 2: ;<number>=<YYMM><service code><discretionary>?   ("=" part optional on loyalty cards)
 * A reader may send both in one swipe, possibly with track 3 after them, and an LRC
 * character after each end sentinel. "%E?" / ";E?" mean the reader could not read a track.
 */
import { luhnValid } from './luhn';

export interface Track1 {
  formatCode: string;
  number: string;
  /** Cardholder name as encoded (SURNAME/FIRST), trimmed. */
  name: string;
  /** Expiry, service code and discretionary data. */
  rest: string;
}

export interface Track2 {
  number: string;
  /** Everything after the "=" separator, or null when there is none. */
  rest: string | null;
}

export interface Tracks {
  track1: Track1 | null;
  track2: Track2 | null;
  /** The reader reported a track it could not read. */
  readError: boolean;
}

const TRACK1 = /%([A-Z])(\d{1,19})\^([^^?%;]{0,26})\^([^?%;]*)\?/;
const TRACK2 = /;(\d{1,19})(?:=([\d=]*))?\?/;
const READ_ERROR = /[%;+]E\?/;

export function parseTracks(text: string): Tracks {
  const t1 = TRACK1.exec(text);
  const t2 = TRACK2.exec(text);
  return {
    track1: t1 && t1[1] !== undefined && t1[2] !== undefined ? { formatCode: t1[1], number: t1[2], name: (t1[3] ?? '').trim(), rest: t1[4] ?? '' } : null,
    track2: t2 && t2[1] !== undefined ? { number: t2[1], rest: t2[2] ?? null } : null,
    readError: READ_ERROR.test(text),
  };
}

export interface LoyaltyRule {
  /** Leading digits of the chain's loyalty cards. */
  prefix: string;
  /** Their length in digits. */
  length: number;
}

export const DEFAULT_LOYALTY_RULE: LoyaltyRule = { prefix: '27', length: 13 };

/**
 * What a swipe is. For a bank card the PAN is handed back to the caller, which must turn
 * it into a keyed hash straight away and keep nothing else but the last four digits.
 */
export type CardRead =
  | { kind: 'loyalty'; cardNumber: string }
  | { kind: 'bank'; pan: string; last4: string }
  | { kind: 'unreadable'; reason: 'no-track' | 'read-error' | 'track-mismatch' | 'bad-bank-number' | 'bad-length' };

export function classifyCard(tracks: Tracks, rule: LoyaltyRule = DEFAULT_LOYALTY_RULE): CardRead {
  const n1 = tracks.track1?.number;
  const n2 = tracks.track2?.number;
  if (n1 !== undefined && n2 !== undefined && n1 !== n2) return { kind: 'unreadable', reason: 'track-mismatch' };
  const number = n2 ?? n1;
  if (number === undefined) return { kind: 'unreadable', reason: tracks.readError ? 'read-error' : 'no-track' };

  if (number.length === rule.length && number.startsWith(rule.prefix)) return { kind: 'loyalty', cardNumber: number };
  if (number.length >= 12 && number.length <= 19 && luhnValid(number)) {
    return { kind: 'bank', pan: number, last4: number.slice(-4) };
  }
  // A bank-format track whose number fails Luhn is a misread bank card, not a loyalty
  // card: emitting it as a loyalty number would leak (most of) a PAN.
  if (looksFinancial(tracks) && number.length >= 12) return { kind: 'unreadable', reason: 'bad-bank-number' };
  if (number.length < 6) return { kind: 'unreadable', reason: 'bad-length' };
  return { kind: 'loyalty', cardNumber: number };
}

/** ISO/IEC 7813 financial layout: track 1 format code B, or track 2 with expiry and service code. */
function looksFinancial(tracks: Tracks): boolean {
  if (tracks.track1?.formatCode === 'B') return true;
  const rest = tracks.track2?.rest;
  return rest !== null && rest !== undefined && /^\d{7}/.test(rest);
}
