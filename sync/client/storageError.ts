/** Is this (possibly wrapped: Dexie puts the DOMException in `inner`) a "disk or quota full" error? */
export function isQuotaError(e: unknown): boolean {
  let cur: unknown = e;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    if ((cur as { name?: unknown }).name === 'QuotaExceededError') return true;
    cur = (cur as { inner?: unknown; cause?: unknown }).inner ?? (cur as { cause?: unknown }).cause;
  }
  return false;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
