import { holdsCardNumber } from './cardNumbers';

/**
 * What every text the server receives must pass, whatever its field: no NUL (PostgreSQL text
 * cannot hold it), no lone UTF-16 surrogate (it cannot be encoded as UTF-8: jsonb refuses it,
 * text columns would silently turn it into U+FFFD), no bank card number. And a JSON body no
 * deeper than any request needs, checked without recursion: a 50,000-level body must be a 400,
 * not a stack overflow.
 */
export type TextProblem = 'body_too_deep' | 'invalid_text' | 'card_number_in_text';

export interface TextFinding {
  code: TextProblem;
  /** Where, as a dotted path (never the value: it may be the card number). */
  path: string;
}

/** Deeper than any request or event needs (an offer is about 6 levels, a push batch 7). */
export const MAX_BODY_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(text: string): Exclude<TextProblem, 'body_too_deep'> | null {
  if (text.includes('\u0000') || LONE_SURROGATE.test(text)) return 'invalid_text';
  if (holdsCardNumber(text)) return 'card_number_in_text';
  return null;
}

export interface ScreenOptions {
  /** Also look inside texts for card numbers (off where a caller screens them itself). */
  cards?: boolean;
  /** Also check texts at all (off: depth only). */
  texts?: boolean;
  maxDepth?: number;
}

/**
 * The first problem in a parsed JSON value (keys and string values), or null. Iterative, with
 * an explicit stack; a too-deep value is reported before anything inside it is looked at.
 */
export function screenValue(value: unknown, { cards = true, texts = true, maxDepth = MAX_BODY_DEPTH }: ScreenOptions = {}): TextFinding | null {
  const check = (text: string): TextProblem | null => {
    if (!texts) return null;
    const problem = textProblem(text);
    if (problem === null || (problem === 'card_number_in_text' && !cards)) return null;
    return problem;
  };
  // Paths are made only for a finding: building one per node was most of the screen's cost.
  interface Node {
    v: unknown;
    depth: number;
    parent: Node | null;
    key: string;
  }
  const pathOf = (n: Node): string => {
    const keys: string[] = [];
    for (let at: Node | null = n; at?.parent; at = at.parent) keys.push(at.key);
    return keys.reverse().join('.').slice(0, 200);
  };
  const stack: Node[] = [{ v: value, depth: 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { v, depth } = node;
    if (typeof v === 'string') {
      const found = check(v);
      if (found) return { code: found, path: pathOf(node) };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return { code: 'body_too_deep', path: pathOf(node) };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: depth + 1, parent: node, key: String(i) });
      continue;
    }
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      // A bad key is named by its parent: the key itself may be the card number.
      const found = check(k);
      if (found) {
        const path = pathOf(node);
        return { code: found, path: path ? `${path}.(key)` : '(key)' };
      }
      stack.push({ v: (v as Record<string, unknown>)[k], depth: depth + 1, parent: node, key: k });
    }
  }
  return null;
}

export const TEXT_MESSAGES: Record<TextProblem, string> = {
  body_too_deep: `The request is nested deeper than ${MAX_BODY_DEPTH} levels.`,
  invalid_text: 'Text must not contain NUL characters or unpaired UTF-16 surrogates.',
  card_number_in_text: 'A text field holds what looks like a bank card number; card numbers are never stored. Read the card again.',
};
