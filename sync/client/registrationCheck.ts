import { luhnValid } from '../../core/luhn';
import { validPhone } from '../../core/phoneInput';
import { RegistrationEvent } from '../protocol/events';
import type { RegistrationForm } from './registration';

export { validPhone };

/** A form field the cashier can fix, and the i18n key that says what is wrong with it. */
export type RegistrationField = 'firstName' | 'phone' | 'email' | 'birthday' | 'cardNumber' | 'consent';
export type RegistrationProblems = Partial<Record<RegistrationField, string>>;

/** A run of 13-19 digits that passes Luhn: a bank card number, which must never be stored or sent. */
export function holdsBankCardNumber(text: string): boolean {
  for (const run of text.replace(/[\s-]/g, '').match(/\d{13,19}/g) ?? []) {
    for (let len = 19; len >= 13; len--) for (let i = 0; i + len <= run.length; i++) if (luhnValid(run.slice(i, i + len))) return true;
  }
  return false;
}

const FIELD_OF: Record<string, RegistrationField> = {
  firstName: 'firstName',
  phone: 'phone',
  email: 'email',
  birthday: 'birthday',
  cardNumber: 'cardNumber',
  consents: 'consent',
};

/**
 * Check a registration with the same schema the server applies, plus what the server would
 * refuse by meaning (a birthday in year 0, a card number in a name), before anything is stored:
 * a registration the server refuses later would lose the customer.
 */
export function checkRegistration(form: RegistrationForm, now: Date): RegistrationProblems {
  const problems: RegistrationProblems = {};
  if (!form.firstName.trim()) problems.firstName = 'register.needName';
  else if (holdsBankCardNumber(form.firstName)) problems.firstName = 'register.cardInText';
  if (validPhone(form.phone) === null) problems.phone = 'register.badPhone';
  if (form.email && holdsBankCardNumber(form.email)) problems.email = 'register.cardInText';
  if (form.birthday) {
    const year = Number(form.birthday.slice(0, 4));
    const at = Date.parse(`${form.birthday}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.birthday) || Number.isNaN(at) || year < 1900 || at > now.getTime()) problems.birthday = 'register.badBirthday';
  }
  if (!form.personalDataConsent) problems.consent = 'register.needConsent';
  // The wire schema, exactly as the server parses it (e-mail format, lengths, lone surrogates).
  const probe = RegistrationEvent.safeParse({
    eventId: '00000000-0000-4000-8000-000000000000',
    occurredAt: now.toISOString(),
    type: 'registration',
    customerId: '00000000-0000-4000-8000-000000000001',
    firstName: form.firstName.trim(),
    phone: validPhone(form.phone) ?? '+70000000000',
    ...(form.email ? { email: form.email.trim() } : {}),
    ...(form.birthday ? { birthday: form.birthday } : {}),
    ...(form.cardNumber ? { cardNumber: form.cardNumber } : {}),
    consents: [{ purpose: 'personal_data', channel: null, granted: true, textVersion: 'v', givenAt: now.toISOString() }],
    welcomeBonusKopecks: 0,
  });
  if (!probe.success) {
    for (const issue of probe.error.issues) {
      const field = FIELD_OF[String(issue.path[0])];
      if (field && !problems[field]) problems[field] = `register.invalid.${field}`;
    }
  }
  if (/[\uD800-\uDFFF]/.test(form.firstName) && !problems.firstName) {
    // A lone surrogate cannot be stored as UTF-8 at the server; a pair (an emoji) can.
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(form.firstName)) problems.firstName = 'register.invalid.firstName';
  }
  return problems;
}
