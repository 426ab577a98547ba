import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/databases';

describe.each(testDatabases())('migration 29: lz4 for receipts on $name', ({ name, open }) => {
  it('compresses a receipt’s sale and pricing with lz4 where the server has it, and migrates where it has not', async () => {
    const db = await open();
    try {
      const rows = await db.query<{ attname: string; attcompression: string }>(
        `SELECT attname, attcompression::text AS attcompression FROM pg_attribute
         WHERE attrelid = 'receipts'::regclass AND attname IN ('sale', 'posted') ORDER BY attname`,
      );
      // PostgreSQL as Debian builds it has lz4 ('l'); PGlite has not and keeps the default ('').
      const expected = name === 'postgres' ? 'l' : '';
      expect(rows).toEqual([
        { attname: 'posted', attcompression: expected },
        { attname: 'sale', attcompression: expected },
      ]);
    } finally {
      await db.close();
    }
  });
});
