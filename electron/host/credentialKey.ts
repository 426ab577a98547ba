import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * A key for the till's credential that does not live on the till's disk (issue 13: a stolen disk
 * must not open the credential when the OS keyring is not there to seal it):
 * - a systemd credential named `loyalty-till-credential-key` (`LoadCredentialEncrypted=` in the
 *   till's unit; `systemd-creds encrypt --with-key=tpm2` seals it with this machine's TPM, so the
 *   disk moved to another machine cannot unseal it), read from `$CREDENTIALS_DIRECTORY`;
 * - else `LT_CREDENTIAL_KEY_FILE`: an absolute path to a key file IT keeps off the disk (a
 *   removable token, a network mount only the till's host can reach).
 * At least 32 bytes. Null when neither is given: the machine-bound key alone (credentialStore.ts).
 */
export const SYSTEMD_CREDENTIAL_NAME = 'loyalty-till-credential-key';

export type CredentialKey = { key: Buffer; source: string; problem?: undefined } | { key: null; source: null; problem?: string };

export function readCredentialKey(env: NodeJS.ProcessEnv, read: (path: string) => Buffer = (p) => readFileSync(p)): CredentialKey {
  const candidates: string[] = [];
  if (env.CREDENTIALS_DIRECTORY && isAbsolute(env.CREDENTIALS_DIRECTORY)) candidates.push(join(env.CREDENTIALS_DIRECTORY, SYSTEMD_CREDENTIAL_NAME));
  if (env.LT_CREDENTIAL_KEY_FILE) {
    if (!isAbsolute(env.LT_CREDENTIAL_KEY_FILE)) return { key: null, source: null, problem: 'LT_CREDENTIAL_KEY_FILE must be an absolute path' };
    candidates.push(env.LT_CREDENTIAL_KEY_FILE);
  }
  for (const path of candidates) {
    let key: Buffer;
    try {
      key = read(path);
    } catch {
      continue;
    }
    if (key.length < 32) return { key: null, source: null, problem: `${path} holds fewer than 32 bytes` };
    return { key, source: path };
  }
  return { key: null, source: null, ...(env.LT_CREDENTIAL_KEY_FILE ? { problem: `${env.LT_CREDENTIAL_KEY_FILE} cannot be read` } : {}) };
}
