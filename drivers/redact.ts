/**
 * Defence in depth for text that leaves the drivers (status details, diagnostics, terminal
 * decline reasons): any run of 12 or more digits, spaced or not, could be a card number.
 */
const LONG_DIGIT_RUN = /\d(?:[ -]?\d){11,}/g;

export function redactDigits(text: string): string {
  return text.replace(LONG_DIGIT_RUN, '[redacted]');
}
