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

/** The manager's part of the request: only once the field is shown, and only a PIN it can take. */
export function managerPart(needsManager: boolean, pin: string): { managerPin: string } | Record<string, never> {
  const trimmed = pin.trim();
  return needsManager && new RegExp(`^${MANAGER_PIN_PATTERN}$`).test(trimmed) ? { managerPin: trimmed } : {};
}
