import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The embedded database's files hold customers' phones and names (the WAL too): only the
 * server's own user may read them. PGlite copies its initial cluster in with mode 0666 whatever
 * the umask, and rewrites a few cache files 0644 on every start, so the folder is walked and
 * tightened when it is opened and again when it is closed. Files PostgreSQL creates itself are 0600.
 */

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/** Create the folder if need be; every folder in it 0700, every file 0600 (symlinks left alone). */
export function secureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  const pending = [dir];
  while (pending.length > 0) {
    const d = pending.pop()!;
    chmodSync(d, DATA_DIR_MODE);
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = lstatSync(path);
      if (st.isDirectory()) pending.push(path);
      else if (st.isFile() && (st.mode & 0o777) !== DATA_FILE_MODE) chmodSync(path, DATA_FILE_MODE);
    }
  }
}

/** For the embedded mode: files the process creates from now on are the owner's alone. */
export function restrictUmask(): void {
  try {
    process.umask(0o077);
  } catch {
    // Worker threads cannot set the umask; the walk in secureDataDir still tightens the files.
  }
}
