import { isValidE164 } from '../../core/phone';
import { FISCAL_ID_FIELDS, type ConsentRecord, type SaleFiscal, type TillEvent } from '../protocol/events';
import type { Sql } from './db/database';
import { Rejection } from './push/rejection';
import { screenValue } from './textScreen';

/**
 * Checks a till event must pass before it is applied, beyond its wire schema: no bank card
 * number or unstorable text anywhere in it, a phone that exists by the full numbering-plan
 * metadata, and dates that can be true. A failing event is rejected for good (recorded, listed
 * in the exceptions report), never stored.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Till clocks drift and time zones get set wrong; beyond a day ahead is not drift. */
export const FUTURE_SLACK_MS = DAY_MS;
/** A consent is recorded when it is given: a few minutes after the event at most... */
export const CONSENT_AFTER_EVENT_MS = 5 * 60_000;
/** ...and not backdated by more than a day (a form left open overnight). */
export const CONSENT_BEFORE_EVENT_MS = DAY_MS;
/** Birthdays before this are typing slips. */
export const EARLIEST_BIRTHDAY = '1900-01-01';

/** What the checks need to know of the event's chain. */
export interface ChainPolicy {
  /** When the chain started: nothing happened at its tills before (less a day for time zones). */
  openedAtMs: number;
  /** Published consent texts: `${purpose}/${version}` -> when published (ms). */
  consentTexts: ReadonlyMap<string, number>;
}

export async function loadChainPolicy(db: Sql, chainId: number): Promise<ChainPolicy> {
  const rows = await db.query<{ opened_ms: number; purpose: string | null; version: string | null; published_ms: number | null }>(
    `SELECT (extract(epoch FROM c.opened_at) * 1000)::float8 AS opened_ms, t.purpose, t.version,
            (extract(epoch FROM t.published_at) * 1000)::float8 AS published_ms
     FROM chains c LEFT JOIN consent_texts t ON t.chain_id = c.id WHERE c.id = $1`,
    [chainId],
  );
  const consentTexts = new Map<string, number>();
  for (const r of rows) if (r.purpose !== null && r.version !== null) consentTexts.set(`${r.purpose}/${r.version}`, Number(r.published_ms));
  return { openedAtMs: Number(rows[0]?.opened_ms ?? 0), consentTexts };
}

/**
 * Zones already checked: building an Intl.DateTimeFormat costs more than the rest of a sale's
 * screening (docs/scaling.md). A chain has few zones; the cap keeps hostile input from growing it.
 */
const zoneVerdicts = new Map<string, boolean>();
const MAX_ZONES_REMEMBERED = 1_000;

function validTimeZone(zone: string): boolean {
  const known = zoneVerdicts.get(zone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    valid = true;
  } catch {
    valid = false;
  }
  if (zoneVerdicts.size >= MAX_ZONES_REMEMBERED) zoneVerdicts.clear();
  zoneVerdicts.set(zone, valid);
  return valid;
}

/** An instant the event claims, within [chain opened - 1 day, now + 1 day]? */
function plausible(ms: number, policy: ChainPolicy, nowMs: number): boolean {
  return Number.isFinite(ms) && ms >= policy.openedAtMs - DAY_MS && ms <= nowMs + FUTURE_SLACK_MS;
}

function screenConsent(c: ConsentRecord, occurredMs: number, policy: ChainPolicy, nowMs: number): Rejection | null {
  const published = policy.consentTexts.get(`${c.purpose}/${c.textVersion}`);
  if (published === undefined) {
    return new Rejection('consent_version_unknown', `Consent text version "${c.textVersion}" (${c.purpose}) is not one this chain has published.`);
  }
  const given = Date.parse(c.givenAt);
  if (
    !plausible(given, policy, nowMs) ||
    given > occurredMs + CONSENT_AFTER_EVENT_MS ||
    given < occurredMs - CONSENT_BEFORE_EVENT_MS ||
    given < published - DAY_MS
  ) {
    return new Rejection(
      'consent_time_out_of_range',
      'The consent is dated outside what can be true: after its event, long before it, before its text was published, or before the chain opened.',
    );
  }
  return null;
}

/**
 * The event as the card-number screen reads it: a sale's, return's or approved no-receipt return's
 * fiscal block without the register's identifiers (FISCAL_ID_FIELDS). The schema lets only digits
 * into them, and 16-digit fiscal drive and registration numbers pass Luhn one time in ten, yet are
 * no card numbers (an approval carrying one was refused for good: found by the no-receipt return test).
 */
function screenable(ev: TillEvent): unknown {
  if ((ev.type !== 'sale' && ev.type !== 'return' && ev.type !== 'approval') || !ev.fiscal) return ev;
  const fiscal: Partial<SaleFiscal> = { ...ev.fiscal };
  for (const field of FISCAL_ID_FIELDS) delete fiscal[field];
  return { ...ev, fiscal };
}

/** Null when the event may be applied; else why not. `nowMs`: the server's clock. */
export function screenEvent(ev: TillEvent, policy: ChainPolicy, nowMs: number): Rejection | null {
  const text = screenValue(screenable(ev));
  if (text?.code === 'card_number_in_text') {
    return new Rejection('card_number_in_text', `A text field (${text.path}) holds what looks like a bank card number; it is never stored.`);
  }
  if (text) return new Rejection('invalid_event', `${text.path || 'event'}: text must not contain NUL characters or unpaired surrogates.`);

  const occurred = Date.parse(ev.occurredAt);
  if (!plausible(occurred, policy, nowMs)) {
    return new Rejection('event_time_out_of_range', "The event is dated in the future or before the chain opened: check the till's clock.");
  }
  switch (ev.type) {
    case 'sale': {
      const at = ev.sale.at;
      if (at.kind === 'instant') {
        if (!validTimeZone(at.timeZone)) return new Rejection('invalid_event', 'sale.at.timeZone: not a known time zone.');
        if (!plausible(Date.parse(at.instant), policy, nowMs)) {
          return new Rejection('event_time_out_of_range', "The sale is dated in the future or before the chain opened: check the till's clock.");
        }
      }
      return null;
    }
    case 'registration': {
      if (!isValidE164(ev.phone)) return new Rejection('phone_invalid', 'The phone is not a number in use by the numbering plan of its country.');
      if (ev.birthday !== undefined) {
        const latest = new Date(nowMs + FUTURE_SLACK_MS).toISOString().slice(0, 10);
        if (ev.birthday < EARLIEST_BIRTHDAY || ev.birthday > latest) {
          return new Rejection('birthday_out_of_range', `The birthday must be between ${EARLIEST_BIRTHDAY} and today.`);
        }
      }
      for (const c of ev.consents) {
        const bad = screenConsent(c, occurred, policy, nowMs);
        if (bad) return bad;
      }
      return null;
    }
    case 'consent':
      return screenConsent(ev.consent, occurred, policy, nowMs);
    default:
      return null;
  }
}
