import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { testDatabases } from '../testing/databases';
import { inlined } from './inlineSql';

describe.each(testDatabases())('inlined parameters on $name', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reads back exactly what a bound parameter would', async () => {
    const awkward = [`it's`, 'back\\slash', 'quote"d', '{braces},', 'NULL', '', 'Ёжик 🦔', ' spaced ', 'a\\"b\'c'];
    const long = JSON.stringify({ s: `it's "x" \\ y $$ $lt $t$`.repeat(20) });
    const tagged = `${'x'.repeat(300)}$lt$'`;
    const params = [
      awkward,
      [1, null, -2, 9_007_199_254_740_991],
      [true, false, null],
      'plain',
      42.5,
      null,
      JSON.stringify({ s: `it's "x" \\ y` }),
      long,
      tagged,
    ];
    const text =
      'SELECT $1::text[] AS t, $2::bigint[] AS n, $3::bool[] AS b, $4::text AS s, $5::float8 AS f, $6::int AS z, $7::jsonb AS j, $8::jsonb AS long, $9::text AS tagged';
    const [bound] = await db.query(text, params);
    await db.exec(`CREATE TEMP TABLE inlined_check AS ${inlined(text, params)}`);
    const [written] = await db.query('SELECT * FROM inlined_check');
    expect(written).toEqual(bound);
    expect(bound?.t).toEqual(awkward);
  });

  it('refuses what it cannot write safely', () => {
    expect(() => inlined('SELECT $2', [1])).toThrow(RangeError);
    expect(() => inlined('SELECT $1', ['nul\0'])).toThrow(RangeError);
    expect(() => inlined('SELECT $1', [[Number.NaN]])).toThrow(RangeError);
    expect(() => inlined('SELECT $1', [{ an: 'object' }])).toThrow(TypeError);
  });
});
