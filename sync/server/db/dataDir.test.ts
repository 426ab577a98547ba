import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { restrictUmask, secureDataDir } from './dataDir';
import { openDatabase } from './database';
import { migrate } from './migrations';

/** Every entry under dir (itself included) with its permission bits, as "d700" / "f600". */
function modes(dir: string): Map<string, string> {
  const out = new Map<string, string>([[dir, `d${(statSync(dir).mode & 0o777).toString(8)}`]]);
  for (const name of readdirSync(dir, { recursive: true })) {
    const path = join(dir, String(name));
    const st = lstatSync(path);
    out.set(path, `${st.isDirectory() ? 'd' : 'f'}${(st.mode & 0o777).toString(8)}`);
  }
  return out;
}

describe('the embedded database at rest', () => {
  const root = mkdtempSync(join(tmpdir(), 'lt-datadir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps the PGlite folder 0700 and every file in it 0600, through start, writes and close', async () => {
    const dir = join(root, 'server');
    const db = await openDatabase({ dataDir: dir });
    await migrate(db);
    await db.exec("INSERT INTO chains (name, lookup_secret) VALUES ('Сеть', 'secret-secret-secret')");
    expect(new Set([...modes(dir).values()].map((m) => (m[0] === 'd' ? m === 'd700' : m === 'f600')))).toEqual(new Set([true]));
    await db.close();
    const after = modes(dir);
    expect(after.size).toBeGreaterThan(100);
    const loose = [...after].filter(([, m]) => m !== 'd700' && m !== 'f600');
    expect(loose).toEqual([]);
  });

  it('tightens a folder left open by an older version', () => {
    const dir = join(root, 'old');
    mkdirSync(join(dir, 'base'), { recursive: true });
    writeFileSync(join(dir, 'base', 'wal'), 'phones');
    chmodSync(join(dir, 'base', 'wal'), 0o666);
    chmodSync(join(dir, 'base'), 0o777);
    chmodSync(dir, 0o755);
    secureDataDir(dir);
    expect([...modes(dir).values()].sort()).toEqual(['d700', 'd700', 'f600']);
  });

  it("sets the umask so that files made later are the owner's alone", () => {
    // Reading the umask means setting it (the getter alone is deprecated).
    const before = process.umask(0o022);
    try {
      restrictUmask();
      expect(process.umask(0o077)).toBe(0o077);
      const file = join(root, 'later');
      writeFileSync(file, 'x', { mode: 0o666 });
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(before);
    }
  });
});
