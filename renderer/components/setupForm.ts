/**
 * The setup screen's decisions, apart from React: what a refused enrolment asks of IT next.
 * A till its server still accepts is enrolled again only with a manager's PIN of its store
 * (issue 13); the host answers `enrol_needs_manager` (none given) or `enrol_manager_refused`.
 */
export type EnrolAnswer = { ok: true } | { ok: false; code: string; message: string };

/** The manager PIN the host accepts (sync/protocol/manager.ts ManagerPin). */
export const MANAGER_PIN_PATTERN = '\\d{4,8}';

export interface SetupRefusal {
  /** Show (or keep showing) the manager PIN field. */
  needsManager: boolean;
  /** The i18n key of the message, in the cashier's language. */
  errorKey: string;
}

/** After a refusal: ask for a manager PIN when the host needs one; word the error by its code. */
export function afterRefusal(code: string, needsManagerBefore: boolean, known: (key: string) => boolean): SetupRefusal {
  const needsManager = needsManagerBefore || code === 'enrol_needs_manager' || code === 'enrol_manager_refused';
  const key = `setup.errors.${code}`;
  return { needsManager, errorKey: known(key) ? key : 'setup.errors.other' };
}

/** A manager card as the host takes it (sync/protocol/manager.ts ManagerCard): its digits, 6 to 19. */
export function managerCardDigits(scanned: string): string | null {
  const digits = scanned.replace(/\D/g, '');
  return /^\d{6,19}$/.test(digits) ? digits : null;
}

/**
 * The manager's part of the request: only once the field is shown; a card read wins over a typed
 * PIN (the manager scanned it to confirm), a PIN only when the host would take it as one.
 */
export function managerPart(
  needsManager: boolean,
  pin: string,
  card: string | null = null,
): { managerPin: string } | { managerCard: string } | Record<string, never> {
  if (!needsManager) return {};
  if (card) return { managerCard: card };
  const trimmed = pin.trim();
  return new RegExp(`^${MANAGER_PIN_PATTERN}$`).test(trimmed) ? { managerPin: trimmed } : {};
}

/** What the re-enrolment screen shows side by side: the server the till works with now, and the one typed. */
export function serverChange(current: string, typed: string): { from: string; to: string } {
  const norm = (u: string) => u.trim().replace(/\/+$/, '');
  return { from: norm(current), to: norm(typed) };
}
