/** How the sync client reaches the server: through the host, which adds the terminal credential. */
export type ApiAnswer = { ok: true; status: number; body: unknown } | { ok: false; offline: boolean; status: number; code: string; message: string };

export type ApiCaller = (method: 'GET' | 'POST', path: string, query?: Record<string, string>, body?: unknown) => Promise<ApiAnswer>;

/** Turn a host `api` result into an answer the sync code can branch on. */
export function toApiAnswer(status: number, body: unknown): ApiAnswer {
  if (status >= 200 && status < 300) return { ok: true, status, body };
  const err = (body ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : `http_${status}`;
  const message = typeof err.message === 'string' ? err.message : `The server answered ${status}`;
  return { ok: false, offline: code === 'server_unreachable' || status === 502 || status === 503 || status === 504, status, code, message };
}
