import { randomUUID } from 'node:crypto';
import { FeedbackToken } from '../protocol/feedback';
import type { Sql } from './db/database';
import { HttpError } from './httpError';
import { textProblem } from './textScreen';

/**
 * The customer's feedback page (issue 16), opened from the receipt's QR code or the SMS link:
 * GET /f/:token shows a plain form (the visit and the cashier 1-5, a comment), POST stores one
 * answer per receipt in `feedback` (channel 'link'), tied to the store, till and cashier of the
 * sale, so the manager's and head office's scores count it once beside till-screen ratings.
 * Server-side HTML, no script and nothing from elsewhere, readable on a 360px phone; Russian,
 * English by ?lang=en or the browser's first language.
 */

export type PageLang = 'ru' | 'en';

export const MAX_COMMENT = 500;

const TEXTS = {
  ru: {
    title: 'Оценка покупки',
    heading: 'Оцените покупку',
    store: 'Магазин',
    visit: 'Как вам визит?',
    cashier: 'Как вас обслужил кассир?',
    low: 'плохо',
    high: 'отлично',
    comment: 'Комментарий (необязательно)',
    send: 'Отправить',
    thanks: 'Спасибо! Ваша оценка принята.',
    already: 'Вы уже оценили эту покупку',
    alreadyMore: 'Спасибо: на одну покупку принимается одна оценка.',
    notYet: 'Чек ещё не дошёл до сервера, попробуйте позже',
    notYetMore: 'Если покупка была давно, проверьте ссылку на чеке.',
    notFound: 'Ссылка не найдена',
    notFoundMore: 'Проверьте адрес: он напечатан на чеке под QR-кодом.',
    needRatings: 'Поставьте оценки визиту и кассиру: от 1 до 5.',
    tooLong: `Комментарий длиннее ${MAX_COMMENT} знаков: сократите его.`,
    cardNumber: 'Не пишите в комментарии номер банковской карты.',
    badText: 'В комментарии есть недопустимые символы.',
    tooMany: 'Слишком много попыток. Попробуйте через минуту.',
    failed: 'Не получилось. Попробуйте ещё раз.',
  },
  en: {
    title: 'Rate your purchase',
    heading: 'Rate your purchase',
    store: 'Store',
    visit: 'How was your visit?',
    cashier: 'How did the cashier serve you?',
    low: 'poor',
    high: 'excellent',
    comment: 'Comment (optional)',
    send: 'Send',
    thanks: 'Thank you! Your rating is recorded.',
    already: 'You have already rated this purchase',
    alreadyMore: 'Thank you: one rating per purchase.',
    notYet: 'The receipt has not reached the server yet; please try later',
    notYetMore: 'If the purchase was long ago, check the link on the receipt.',
    notFound: 'Link not found',
    notFoundMore: 'Check the address: it is printed on the receipt under the QR code.',
    needRatings: 'Rate both the visit and the cashier, 1 to 5.',
    tooLong: `The comment is longer than ${MAX_COMMENT} characters: please shorten it.`,
    cardNumber: 'Please do not write a bank card number in the comment.',
    badText: 'The comment holds characters that cannot be accepted.',
    tooMany: 'Too many attempts. Please try again in a minute.',
    failed: 'Something went wrong. Please try again.',
  },
} as const;
export type PageText = keyof (typeof TEXTS)['ru'];

/** ?lang=en|ru wins; else the browser's first language when it is English; else Russian. */
export function pageLang(query: unknown, acceptLanguage: string | undefined): PageLang {
  const q = (query as { lang?: unknown } | null)?.lang;
  if (q === 'en' || q === 'ru') return q;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'ru';
}

export const pageText = (lang: PageLang, key: PageText): string => TEXTS[lang][key];

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `*{box-sizing:border-box}body{margin:0;font:16px/1.4 system-ui,sans-serif;color:#1a1a1a;background:#f6f6f4}
main{max-width:480px;margin:0 auto;padding:16px}h1{font-size:22px;margin:8px 0 16px}fieldset{border:0;margin:0 0 16px;padding:0}
legend{font-weight:600;margin-bottom:8px}.scale{display:flex;gap:6px}.scale label{flex:1}.scale input{position:absolute;opacity:0}
.scale span{display:block;text-align:center;padding:12px 0;border:2px solid #888;border-radius:8px;background:#fff;font-size:18px}
.scale input:checked+span{background:#1f6f43;border-color:#1f6f43;color:#fff}.scale input:focus-visible+span{outline:3px solid #e0a800}
.ends{display:flex;justify-content:space-between;font-size:13px;color:#555}textarea{width:100%;min-height:96px;font:inherit;padding:8px;border:2px solid #888;border-radius:8px}
button{width:100%;margin-top:16px;padding:14px;font:inherit;font-weight:600;border:0;border-radius:8px;background:#1f6f43;color:#fff}
.error{background:#fde8e8;border:1px solid #c62828;padding:8px;border-radius:8px}.muted{color:#555}`;

function page(lang: PageLang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** A page with a heading and a line under it (thanks, already rated, not found...). */
export function messagePage(lang: PageLang, heading: string, more?: string): string {
  return page(lang, heading, `<h1>${escape(heading)}</h1>${more ? `<p class="muted">${escape(more)}</p>` : ''}`);
}

function scale(lang: PageLang, name: string, legend: string, chosen: number | null): string {
  const t = TEXTS[lang];
  const options = [1, 2, 3, 4, 5]
    .map((n) => `<label><input type="radio" name="${name}" value="${n}" required${chosen === n ? ' checked' : ''}><span>${n}</span></label>`)
    .join('');
  return `<fieldset><legend>${escape(legend)}</legend><div class="scale">${options}</div><div class="ends"><span>1 — ${escape(t.low)}</span><span>5 — ${escape(t.high)}</span></div></fieldset>`;
}

export interface FormState {
  visit: number | null;
  cashier: number | null;
  comment: string;
  error?: string;
}

export function formPage(lang: PageLang, token: string, storeName: string | null, state: FormState): string {
  const t = TEXTS[lang];
  const action = `${token}${lang === 'en' ? '?lang=en' : ''}`;
  return page(
    lang,
    t.title,
    `<h1>${escape(t.heading)}</h1>${storeName ? `<p class="muted">${escape(t.store)}: ${escape(storeName)}</p>` : ''}` +
      `${state.error ? `<p class="error" role="alert">${escape(state.error)}</p>` : ''}` +
      `<form method="post" action="${escape(action)}">${scale(lang, 'visit', t.visit, state.visit)}${scale(lang, 'cashier', t.cashier, state.cashier)}` +
      `<label for="comment">${escape(t.comment)}</label><textarea id="comment" name="comment" maxlength="${MAX_COMMENT}">${escape(state.comment)}</textarea>` +
      `<button type="submit">${escape(t.send)}</button></form>`,
  );
}

export type LinkRow = {
  token: string;
  chain_id: number;
  store_id: number;
  terminal_id: string;
  receipt_id: string;
  cashier_id: string | null;
  store_name: string | null;
  answered: boolean;
};

/** The link of a token, or 404: `feedback_link_malformed` (not a token), `feedback_link_unknown` (no sale with it here yet). */
export async function findLink(db: Sql, token: string): Promise<LinkRow> {
  if (!FeedbackToken.safeParse(token).success) throw new HttpError(404, 'feedback_link_malformed', 'No feedback link has this address.');
  const [row] = await db.query<LinkRow>(
    `SELECT l.token, l.chain_id, l.store_id, l.terminal_id::text AS terminal_id, l.receipt_id, l.cashier_id::text AS cashier_id, s.name AS store_name,
            EXISTS (SELECT 1 FROM feedback f WHERE f.terminal_id = l.terminal_id AND f.receipt_id = l.receipt_id) AS answered
     FROM feedback_links l LEFT JOIN stores s ON s.id = l.store_id WHERE l.token = $1`,
    [token],
  );
  if (!row) throw new HttpError(404, 'feedback_link_unknown', 'The receipt of this link has not reached the server yet; try later.');
  return row;
}

/** The text without control characters but the line feed. */
const withoutControls = (s: string) =>
  [...s]
    .filter((ch) => {
      const c = ch.charCodeAt(0);
      return c === 10 || (c >= 32 && c !== 127);
    })
    .join('');

/** A form's fields read and checked; the problem names a page text. */
export function readAnswer(
  body: unknown,
): { ok: true; visit: number; cashier: number; comment: string | null } | { ok: false; state: FormState; problem: PageText } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const rating = (v: unknown) =>
    typeof v === 'string' && /^[1-5]$/.test(v) ? Number(v) : typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5 ? v : null;
  const visit = rating(b.visit);
  const cashier = rating(b.cashier);
  // Line ends as the browser sends them; other control characters are dropped.
  const raw = typeof b.comment === 'string' ? withoutControls(b.comment.replace(/\r\n?/g, '\n')) : '';
  const comment = raw.trim();
  const state: FormState = { visit, cashier, comment: comment.slice(0, MAX_COMMENT) };
  if (visit === null || cashier === null) return { ok: false, state, problem: 'needRatings' };
  if (comment.length > MAX_COMMENT) return { ok: false, state, problem: 'tooLong' };
  const problem = textProblem(comment);
  if (problem === 'card_number_in_text') return { ok: false, state: { ...state, comment: '' }, problem: 'cardNumber' };
  if (problem) return { ok: false, state: { ...state, comment: '' }, problem: 'badText' };
  return { ok: true, visit, cashier, comment: comment || null };
}

/** Store the answer once per receipt: false when the receipt already has one (from the link or the till's screen). */
export async function storeAnswer(db: Sql, link: LinkRow, answer: { visit: number; cashier: number; comment: string | null }): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO feedback (event_id, chain_id, store_id, terminal_id, receipt_id, cashier_id, rating, cashier_rating, comment, answered_at, channel)
     VALUES ($1, $2, $3, $4::uuid, $5, $6::bigint, $7, $8, $9, now(), 'link')
     ON CONFLICT DO NOTHING RETURNING 1`,
    [randomUUID(), link.chain_id, link.store_id, link.terminal_id, link.receipt_id, link.cashier_id, answer.visit, answer.cashier, answer.comment],
  );
  return rows.length > 0;
}
