import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAdminTokenFile } from './adminTokenFile';

describe('generated admin token', () => {
  it('is written to a file only its owner can read, in a private folder', async () => {
    const path = await writeAdminTokenFile('token-for-this-run-0123456789');
    expect((await readFile(path, 'utf8')).trim()).toBe('token-for-this-run-0123456789');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(path))).mode & 0o777).toBe(0o700);
  });
});
