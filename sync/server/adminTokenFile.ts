import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A run's generated admin token goes to a file only its user can read, never to stdout:
 * console output ends up in service journals, CI logs and screenshots (issue 13).
 */
export async function writeAdminTokenFile(token: string, dir?: string): Promise<string> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'loyalty-till-admin-')));
  const path = join(folder, 'admin-token');
  await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'w' });
  // The mode applies to a new file only: one left by an earlier run is made private too.
  await chmod(path, 0o600);
  return path;
}
