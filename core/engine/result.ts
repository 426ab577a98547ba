import type { z } from 'zod';

/** One problem with incoming data, named by its zod path (e.g. "tiers.1.accrualBasisPoints"). */
export interface FieldError {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => String(p)).join('.');
}

export function fromZod<T>(result: z.ZodSafeParseResult<T>): ParseResult<T> {
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  };
}

/**
 * Thrown when a caller hands the engine something its types allow but its rules do not
 * (an unknown line in a return, a fractional piece count). The server maps it to a 4xx.
 */
export class EngineInputError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'EngineInputError';
    this.path = path;
  }
}
