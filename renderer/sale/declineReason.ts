/**
 * Why a card payment failed, as the cashier reads it. The driver, the host and the session
 * name their own failures by code ('terminal-unavailable', 'timeout', ...): those are said in
 * the cashier's language. A reason the terminal wrote itself (the bank's words) is shown as sent.
 */
const CODES: Record<string, string> = {
  'terminal-unavailable': 'terminalUnavailable',
  timeout: 'timeout',
  busy: 'busy',
  'invalid-request': 'invalidRequest',
  'host-unreachable': 'hostUnreachable',
  'bad answer from the till host': 'badHostAnswer',
  declined: 'noReason',
  'terminal error': 'terminalError',
  'over-card-limit': 'overCardLimit',
};

export function declineText(reason: string, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (!reason) return t('pay.noReason');
  const code = CODES[reason];
  if (code) return t(`pay.reasons.${code}`);
  // The driver's "terminal-error: <what the terminal said>".
  const error = /^terminal-error: (.*)$/s.exec(reason);
  if (error) return t('pay.reasons.terminalSaid', { text: error[1] });
  return reason;
}
