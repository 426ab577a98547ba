import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The till's data folder holds its credential (with the chain's lookup secrets), the browser
 * session token and whatever the host keeps: only the till's own OS user may read it (issue 13).
 * New files are written 0600 by their writers and the entry points set the umask to 077; the walk
 * below also tightens what an older version or a loose umask left behind.
 */

/** Create the folder if need be; it and every folder in it 0700, every file 0600 (symlinks left alone). */
export function makeTillDirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const folders = [dir];
  for (let d = folders.pop(); d !== undefined; d = folders.pop()) {
    chmodSync(d, 0o700);
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) folders.push(path);
      else if (entry.isFile() && (lstatSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    }
  }
}

/** For the host's entry points: files this process creates from now on are its user's alone. */
export function ownerOnlyUmask(): void {
  try {
    process.umask(0o077);
  } catch {
    // Not allowed in a worker thread; the folder walk still tightens the files.
  }
}
