import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoAnnouncement } from './demoAnnouncement';

describe('npm start announcing the demo', () => {
  it('never prints the admin token: it names the private file that holds it', async () => {
    const tokenDir = join(await mkdtemp(join(tmpdir(), 'lt-demo-')), 'data');
    // A file left by an earlier run with loose rights is made private again.
    const { mkdir } = await import('node:fs/promises');
    await mkdir(tokenDir, { recursive: true });
    await writeFile(join(tokenDir, 'admin-token'), 'old\n');
    await chmod(join(tokenDir, 'admin-token'), 0o644);
    const adminToken = 'demo-admin-token-0123456789abcdef';
    const line = await demoAnnouncement({
      adminToken,
      tokenDir,
      serverUrl: 'http://127.0.0.1:8787',
      managerPin: '482913',
      managerNew: true,
      cashier: { personnelNo: '101', pin: '1357' },
      cashierNew: false,
    });
    expect(line).not.toContain(adminToken);
    const path = join(tokenDir, 'admin-token');
    expect(line).toContain(path);
    expect((await readFile(path, 'utf8')).trim()).toBe(adminToken);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(line).toContain('cashier 101, PIN 1357 (already set up)');
  });
});
