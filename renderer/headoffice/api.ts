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

export function errorOf(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
  const code = typeof b.code === 'string' ? b.code : `http_${status}`;
  if (status === 401 || status === 403) return { key: 'ho.errors.unauthorized' };
  const mapped = CODES[code];
  if (mapped) return { key: `ho.errors.${mapped}` };
  if (code === 'invalid_request' || code === 'invalid_offer' || status === 400 || status === 422) {
    const details = Array.isArray(b.details)
      ? b.details
          .map((d: unknown) => (d && typeof d === 'object' && 'path' in d ? String((d as { path: unknown }).path) : ''))
          .filter(Boolean)
          .join(', ')
      : '';
    return { key: 'ho.errors.invalid', params: { details: details || code } };
  }
  if (status === 409) return { key: 'ho.errors.conflict' };
  return { key: 'ho.errors.server', params: { code } };
}

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
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) return { ok: false, status: res.status, error: errorOf(res.status, body) };
    const parsed = schema.safeParse(body);
    if (!parsed.success) return { ok: false, status: res.status, error: { key: 'ho.errors.server', params: { code: 'bad_answer' } } };
    return { ok: true, value: parsed.data, etag: res.headers.get('etag') };
  }
}
