import i18next from 'i18next';
import { z } from 'zod';

/**
 * The admin API as the head-office UI calls it: the admin key as a Bearer header (kept in
 * sessionStorage by App), JSON in and out, every answer checked with zod. A refusal comes back
 * as an i18n key with its parameters, chosen by the server's error code (its message is English,
 * for logs), so the person reads it in their language.
 */
export type ApiError = { key: string; params?: Record<string, string | number> };
export type ApiResult<T> = { ok: true; value: T; etag: string | null } | { ok: false; error: ApiError; status: number };

/** Server error codes → ho.errors keys. */
const CODES: Record<string, string> = {
  unauthorized: 'unauthorized',
  admin_required: 'unauthorized',
  credential_rejected: 'unauthorized',
  offer_not_found: 'notFound',
  not_found: 'notFound',
  store_not_found: 'notFound',
  customer_not_found: 'customerNotFound',
  card_not_found: 'cardNotFound',
  revision_mismatch: 'conflict',
  precondition_failed: 'conflict',
  offer_exists: 'taken',
  offer_id_taken: 'taken',
  offer_changed: 'conflict',
  merge_pending: 'mergePending',
  merge_debt: 'mergeDebt',
  other_chain: 'otherChain',
  rate_limited: 'rateLimited',
  too_many_failures: 'rateLimited',
};

/**
 * The fields a refusal may name (the request's zod paths, their first part) → ho.fields keys. The
 * server names fields as the API spells them (English); the reader gets the form's own words,
 * and a field not listed here as "the values entered", never the API's name for it.
 */
const FIELDS: Record<string, string> = {
  card: 'card',
  toCustomerId: 'customer',
  fromCustomerId: 'duplicate',
  intoCustomerId: 'customer',
  customerId: 'customer',
  amountKopecks: 'amount',
  reason: 'reason',
  from: 'from',
  to: 'to',
  storeId: 'store',
  q: 'search',
  id: 'offerId',
  name: 'name',
  priority: 'priority',
};

export function errorOf(status: number, body: unknown, label: (key: string) => string = (k) => i18next.t(k)): ApiError {
  const b = (body ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
  const code = typeof b.code === 'string' ? b.code : `http_${status}`;
  if (status === 401 || status === 403) return { key: 'ho.errors.unauthorized' };
  const mapped = CODES[code];
  if (mapped) return { key: `ho.errors.${mapped}` };
  if (code === 'invalid_request' || code === 'invalid_offer' || status === 400 || status === 422) {
    const paths = Array.isArray(b.details)
      ? b.details.map((d: unknown) => (d && typeof d === 'object' && 'path' in d ? String((d as { path: unknown }).path) : ''))
      : [];
    const fields = [...new Set(paths.map((p) => FIELDS[p.split('.')[0] ?? ''] ?? 'other'))].map((f) => label(`ho.fields.${f}`));
    return { key: 'ho.errors.invalid', params: { details: fields.length > 0 ? fields.join(', ') : label('ho.fields.other') } };
  }
  if (status === 409) return { key: 'ho.errors.conflict' };
  return { key: 'ho.errors.server', params: { code } };
}

/** Whole-file refusals of an import (422/413/415): worded by the import page, by code. */
export const IMPORT_FILE_CODES = [
  'not_commerceml',
  'xml_doctype_refused',
  'xml_invalid',
  'file_too_large',
  'unsupported_encoding',
  'invalid_encoding',
  'csv_columns_missing',
  'csv_columns_unknown',
  'csv_invalid',
  'upload_expected',
] as const;

export class Api {
  constructor(
    private readonly token: string,
    private readonly base = '',
  ) {}

  async call<T>(
    schema: z.ZodType<T>,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    opts: { query?: Record<string, string | number | undefined>; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResult<T>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') qs.set(k, String(v));
    const url = `${this.base}${path}${qs.size ? `?${qs}` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...opts.headers,
        },
        body: opts.body === undefined ? null : JSON.stringify(opts.body),
      });
    } catch {
      return { ok: false, status: 0, error: { key: 'ho.errors.network' } };
    }
    return this.answer(schema, res);
  }

  /** Send a file as it is (an exchange import): its bytes as the body, with its content type. */
  async upload<T>(schema: z.ZodType<T>, path: string, file: Blob, contentType: string, query: Record<string, string> = {}): Promise<ApiResult<T>> {
    const qs = new URLSearchParams(query);
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}${qs.size ? `?${qs}` : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType },
        body: file,
      });
    } catch {
      return { ok: false, status: 0, error: { key: 'ho.errors.network' } };
    }
    if (res.status === 413) return { ok: false, status: 413, error: { key: 'ho.import.fileErrors.file_too_large' } };
    return this.answer(schema, res);
  }

  /** A file the server makes (a CSV export): its bytes and the name the server gives it. */
  async file(
    path: string,
    query: Record<string, string | undefined> = {},
  ): Promise<{ ok: true; blob: Blob; name: string } | { ok: false; error: ApiError; status: number }> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, v);
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}${qs.size ? `?${qs}` : ''}`, { headers: { authorization: `Bearer ${this.token}` } });
    } catch {
      return { ok: false, status: 0, error: { key: 'ho.errors.network' } };
    }
    if (!res.ok) return { ok: false, status: res.status, error: errorOf(res.status, await res.json().catch(() => null)) };
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv';
    return { ok: true, blob: await res.blob(), name };
  }

  private async answer<T>(schema: z.ZodType<T>, res: Response): Promise<ApiResult<T>> {
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const code = (body as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && (IMPORT_FILE_CODES as readonly string[]).includes(code)) {
        return { ok: false, status: res.status, error: { key: `ho.import.fileErrors.${code}` } };
      }
      return { ok: false, status: res.status, error: errorOf(res.status, body) };
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) return { ok: false, status: res.status, error: { key: 'ho.errors.server', params: { code: 'bad_answer' } } };
    return { ok: true, value: parsed.data, etag: res.headers.get('etag') };
  }
}
