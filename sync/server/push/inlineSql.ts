import { literal } from '../db/database';

/**
 * A parameterised statement with its `$n` parameters written in as literals, for statements
 * that ride with BEGIN or COMMIT in one round trip (see TxOptions in ../db/database.ts), which
 * cannot take parameters. Values are escaped by `literal`; arrays become array literals, cast
 * by the statement as it casts its parameters (`$3::bigint[]`). The statement text must hold no
 * `$n` other than its parameters (no dollar quoting).
 */
export function inlined(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length) throw new RangeError(`inlined: no parameter $${n}`);
    return valueLiteral(params[i]);
  });
}

/** Dollar quotes for long texts (JSON documents): no escaping to do, where `literal` would copy them twice. */
const TAG = '$lt$';

function valueLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return literal(`{${value.map(arrayElement).join(',')}}`);
  if (typeof value === 'string' && value.length > 256 && !value.includes('\0') && !value.includes(TAG)) return `${TAG}${value}${TAG}`;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return literal(value);
  throw new TypeError('inlined: a parameter must be text, a number, a boolean, null or an array of those');
}

/** An element of an array literal: quoted, with backslashes and double quotes escaped, as array_in reads it. */
function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('inlined: not a finite number');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  throw new TypeError('inlined: an array element must be text, a number, a boolean or null');
}
