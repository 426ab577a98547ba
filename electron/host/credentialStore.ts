import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { TerminalInfo } from '../../sync/protocol/schemas';

export const StoredCredential = z.object({
  serverUrl: z.string().url(),
  token: z.string().min(32),
  terminal: TerminalInfo,
  /**
   * The SHA-256 of the certificate the https:// server presented at enrolment (pinnedFetch.ts),
   * when IT configured no pin: every later call must meet the same certificate. Absent in
   * credentials from before, and for plain http://.
   */
  serverCertSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type StoredCredential = z.infer<typeof StoredCredential>;

/**
 * Where the terminal keeps its credential. Electron seals it with safeStorage (the OS keyring);
 * the browser host encrypts it with a machine-bound key (`machineSealer`).
 */
export interface CredentialStore {
  load(): Promise<StoredCredential | null>;
  save(credential: StoredCredential): Promise<void>;
  clear(): Promise<void>;
}

/** Optional sealing of the file's bytes; identity when absent. */
export interface Sealer {
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
  /** The last `open` needed an older key (before a key outside the disk was given): the store seals the file again. */
  stale?(): boolean;
}

export interface FileStoreOptions {
  /**
   * A plaintext credential file an older version wrote: read once when the sealed file is
   * missing, written again sealed, then removed.
   */
  legacyPlainPath?: string;
}

async function writePrivate(path: string, bytes: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  await writeFile(tmp, bytes, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

export function fileCredentialStore(path: string, sealer?: Sealer, options: FileStoreOptions = {}): CredentialStore {
  const store: CredentialStore = {
    async load() {
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch {
        return migrateLegacy();
      }
      try {
        const text = sealer ? sealer.open(bytes) : bytes.toString('utf8');
        const credential = StoredCredential.parse(JSON.parse(text));
        // Sealed again under the current key at once, so the older (disk-only) key no longer opens it.
        if (sealer?.stale?.()) await store.save(credential);
        return credential;
      } catch {
        // A damaged or foreign file (or one sealed on another machine) means "not enrolled", never a crash at start-up.
        return null;
      }
    },
    async save(credential) {
      const text = JSON.stringify(StoredCredential.parse(credential));
      await writePrivate(path, sealer ? sealer.seal(text) : text);
    },
    async clear() {
      await rm(path, { force: true });
      if (options.legacyPlainPath) await rm(options.legacyPlainPath, { force: true });
    },
  };

  async function migrateLegacy(): Promise<StoredCredential | null> {
    if (!options.legacyPlainPath) return null;
    let text: string;
    try {
      text = await readFile(options.legacyPlainPath, 'utf8');
    } catch {
      return null;
    }
    const parsed = StoredCredential.safeParse(
      (() => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return null;
        }
      })(),
    );
    if (!parsed.success) return null;
    // Sealed first, plaintext removed only after: a crash in between loses nothing.
    await store.save(parsed.data);
    await rm(options.legacyPlainPath, { force: true });
    return parsed.data;
  }

  return store;
}

const MAGIC = Buffer.from('LTC1');
const AAD = Buffer.from('loyalty-till terminal credential v1');
const MACHINE_ID_PATHS = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

/**
 * AES-256-GCM with a key bound to this machine, for the browser host's credential file.
 *
 * The key is HKDF-SHA256 of the OS machine id (`/etc/machine-id`, made at OS install) and a
 * random 32-byte salt kept beside the credential (`credential.salt`, 0600). What it protects
 * against: the data folder (or just the credential file) leaving the machine — a backup, a
 * support archive, a copied disk folder, a log collector — is useless without this machine's
 * id; and a credential file edited or swapped is refused (GCM tag). What it does not protect
 * against: root, or the till's own OS user, on this machine: they can read the machine id and
 * the salt as the host does. Where there is no machine id (not Linux), a random key file
 * (`credential.key`, 0600) stands in for it; keep `LT_TILL_DATA_DIR` on a local disk then.
 * Re-imaging the OS changes the machine id: the till then asks to be enrolled again.
 *
 * Everything above is on the same disk, so a stolen disk opens the credential. `externalKey`
 * (credentialKey.ts: a systemd credential, which systemd can seal with the machine's TPM, or a
 * key file on other media) is mixed into the key when given: then the disk alone is not enough.
 * A file sealed before the key was given still opens once, with the disk-only key, and is sealed
 * again at once.
 */
export async function machineSealer(dataDir: string, machineIdPaths: readonly string[] = MACHINE_ID_PATHS, externalKey: Buffer | null = null): Promise<Sealer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const salt = await readOrCreateSecret(join(dataDir, 'credential.salt'));
  let machine: Buffer | null = null;
  for (const p of machineIdPaths) {
    const id = (await readFile(p, 'utf8').catch(() => '')).trim();
    if (id.length >= 16) {
      machine = Buffer.from(id);
      break;
    }
  }
  machine ??= await readOrCreateSecret(join(dataDir, 'credential.key'));
  const diskOnly = Buffer.from(hkdfSync('sha256', machine, salt, 'loyalty-till credential key', 32));
  const keys = externalKey
    ? [Buffer.from(hkdfSync('sha256', Buffer.concat([machine, externalKey]), salt, 'loyalty-till credential key + external', 32)), diskOnly]
    : [diskOnly];
  let stale = false;
  const openWith = (key: Buffer, sealed: Buffer) => {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(4, 16));
    decipher.setAAD(AAD);
    decipher.setAuthTag(sealed.subarray(16, 32));
    return Buffer.concat([decipher.update(sealed.subarray(32)), decipher.final()]).toString('utf8');
  };
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys[0]!, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      if (sealed.length < MAGIC.length + 28 || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a sealed credential');
      stale = false;
      for (const [i, key] of keys.entries()) {
        try {
          const plain = openWith(key, sealed);
          stale = i > 0;
          return plain;
        } catch {
          // The next key, if any (the GCM tag tells a wrong key).
        }
      }
      throw new Error('the credential was sealed with another key');
    },
    stale: () => stale,
  };
}

async function readOrCreateSecret(path: string): Promise<Buffer> {
  const existing = await readFile(path).catch(() => null);
  if (existing && existing.length === 32) return existing;
  const fresh = randomBytes(32);
  await writePrivate(path, fresh);
  return fresh;
}

/** The browser host's credential store in `dataDir`: encrypted, migrating an old plaintext file. */
export async function browserCredentialStore(dataDir: string, machineIdPaths?: readonly string[], externalKey: Buffer | null = null): Promise<CredentialStore> {
  return fileCredentialStore(join(dataDir, 'credential.enc'), await machineSealer(dataDir, machineIdPaths, externalKey), {
    legacyPlainPath: join(dataDir, 'credential.json'),
  });
}
