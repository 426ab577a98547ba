/**
 * What of an error may be logged. Database errors carry the failed query's parameters and
 * often the offending values in their message and detail, which may be phones or names:
 * log their SQLSTATE and constraint only.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: typeof err };
  const e = err as Error & { code?: unknown; constraint?: unknown; severity?: unknown };
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    return { error: 'database', sqlstate: e.code, constraint: typeof e.constraint === 'string' ? e.constraint : undefined };
  }
  return { error: e.name, message: e.message.slice(0, 300), stack: e.stack?.split('\n').slice(0, 6).join('\n') };
}
