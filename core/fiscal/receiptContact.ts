import { z } from 'zod';
import { normalisePhone } from '../phone';

/** Where the register's OFD sends an electronic receipt (tag 1008): a phone in E.164 or an e-mail. */
export type ReceiptContact = { ok: true; contact: string | null } | { ok: false };

const Email = z.email().max(254);

/**
 * Read what the cashier typed for an electronic receipt: nothing (no electronic receipt), a phone
 * typed the Russian way, or an e-mail. Anything else is refused, so a receipt never goes astray.
 */
export function parseReceiptContact(text: string): ReceiptContact {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, contact: null };
  if (trimmed.includes('@')) return Email.safeParse(trimmed).success ? { ok: true, contact: trimmed } : { ok: false };
  const phone = normalisePhone(trimmed);
  return phone.ok ? { ok: true, contact: phone.e164 } : { ok: false };
}
