import { FeedbackToken, feedbackLinkUrl } from '../protocol/feedback';
import type { SaleEvent } from '../protocol/events';
import type { FiscalReceipt } from '../protocol/fiscal';

/**
 * Feedback by a link on the receipt (issue 16). At checkout, when head office set a base address
 * (desk settings `feedbackLink`), the till makes the receipt's token itself, offline too, and the
 * sale event carries it; the receipt prints the link and its QR code. The link names only the
 * token: no phone, name or amount.
 */

const TOKEN_BYTES = 18; // 144 bits, 24 base64url characters

function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A new token from WebCrypto (Chromium and Node alike). One with six digits in a row is drawn
 * again: the server refuses any text holding a card-number-like digit run, and a sale must never
 * be refused for its token (a redraw costs under 2^-20 of the 144 bits).
 */
export function newFeedbackToken(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  for (;;) {
    const token = base64url(random(new Uint8Array(TOKEN_BYTES)));
    if (!/\d{6}/.test(token) && FeedbackToken.safeParse(token).success) return token;
  }
}

/** The sale event with a feedback token when the chain prints feedback links; unchanged otherwise. */
export function withFeedbackToken(event: SaleEvent, baseUrl: string | null, token: () => string = newFeedbackToken): SaleEvent {
  if (!baseUrl || event.feedbackToken) return event;
  return { ...event, feedbackToken: token() };
}

/** What the receipt's text part gets: the lines (Russian, as the receipt is) and the QR code's content. */
export function feedbackReceiptPart(baseUrl: string | null, token: string | undefined): { lines: string[]; qrCode: string } | null {
  if (!baseUrl || !token) return null;
  const url = feedbackLinkUrl(baseUrl, token);
  return { lines: ['Оцените покупку и кассира:', url], qrCode: url };
}

/** The register's receipt with the feedback link after its text lines, and the link's QR code. */
export function withFeedbackPart(receipt: FiscalReceipt, baseUrl: string | null, token: string | undefined): FiscalReceipt {
  const part = feedbackReceiptPart(baseUrl, token);
  if (!part) return receipt;
  return { ...receipt, textLines: [...(receipt.textLines ?? []), ...part.lines], qrCode: part.qrCode };
}
