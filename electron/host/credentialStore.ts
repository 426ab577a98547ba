import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { TerminalInfo } from '../../sync/protocol/schemas';

export const StoredCredential = z.object({
  serverUrl: z.string().url(),
  token: z.string().min(32),
  terminal: TerminalInfo,
});
export type StoredCredential = z.infer<typeof StoredCredential>;

/** Where the terminal keeps its credential. Electron seals it with safeStorage; the browser host uses a private file. */
export interface CredentialStore {
  load(): Promise<StoredCredential | null>;
  save(credential: StoredCredential): Promise<void>;
  clear(): Promise<void>;
}

/** Optional sealing of the file's bytes (Electron's safeStorage); identity when absent. */
export interface Sealer {
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
}

export function fileCredentialStore(path: string, sealer?: Sealer): CredentialStore {
  return {
    async load() {
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch {
        return null;
      }
      try {
        const text = sealer ? sealer.open(bytes) : bytes.toString('utf8');
        return StoredCredential.parse(JSON.parse(text));
      } catch {
        // A damaged or foreign file means "not enrolled", never a crash at start-up.
        return null;
      }
    },
    async save(credential) {
      await mkdir(dirname(path), { recursive: true });
      const text = JSON.stringify(StoredCredential.parse(credential));
      const tmp = `${path}.tmp`;
      await writeFile(tmp, sealer ? sealer.seal(text) : text, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, path);
    },
    async clear() {
      await rm(path, { force: true });
    },
  };
}
