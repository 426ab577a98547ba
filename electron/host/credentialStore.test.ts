import { mkdtemp, readFile, stat, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCredentialKey } from './credentialKey';
import { browserCredentialStore, fileCredentialStore, machineSealer, type StoredCredential } from './credentialStore';

const credential: StoredCredential = {
  serverUrl: 'http://127.0.0.1:8787',
  token: 'T0KEN-abcdefghijklmnopqrstuvwxyz-0123456789',
  terminal: {
    terminalId: '8f0c6c1e-5a43-4d7e-9a2b-1f3c5d7e9a0b',
    terminalName: 'Касса 1',
    storeId: 1,
    storeName: 'Магазин 1',
    chainId: 1,
    chainName: 'Сеть',
    storeTimeZone: 'Europe/Moscow',
    lookupSecret: 'lookup-secret-0123456789abcdef',
    cardPrefix: '27',
  },
};

async function machine(id: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lt-machine-'));
  await writeFile(join(dir, 'machine-id'), `${id}\n`);
  return join(dir, 'machine-id');
}

describe('browser-mode credential file', () => {
  it('is AES-256-GCM encrypted, private, and holds no readable token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-cred-'));
    const store = await browserCredentialStore(dir, [await machine('0123456789abcdef0123456789abcdef')]);
    await store.save(credential);
    const bytes = await readFile(join(dir, 'credential.enc'));
    expect(bytes.subarray(0, 4).toString()).toBe('LTC1');
    expect(bytes.toString('latin1')).not.toContain(credential.token);
    expect(bytes.toString('latin1')).not.toContain('lookup-secret');
    expect((await stat(join(dir, 'credential.enc'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'credential.salt'))).mode & 0o777).toBe(0o600);
    expect(await store.load()).toEqual(credential);
    // A fresh process on the same machine reads it.
    expect(await (await browserCredentialStore(dir, [await machine('0123456789abcdef0123456789abcdef')])).load()).toEqual(credential);
  });

  it('is useless on another machine, and a tampered file is refused as "not enrolled"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-cred-'));
    await (await browserCredentialStore(dir, [await machine('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')])).save(credential);
    const copied = await mkdtemp(join(tmpdir(), 'lt-cred-copy-'));
    await cp(dir, copied, { recursive: true });
    expect(await (await browserCredentialStore(copied, [await machine('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')])).load()).toBeNull();

    const path = join(dir, 'credential.enc');
    const bytes = await readFile(path);
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(path, bytes);
    expect(await (await browserCredentialStore(dir, [await machine('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')])).load()).toBeNull();
  });

  it('reads an old plaintext file once, rewrites it encrypted and removes the plaintext', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-cred-'));
    await fileCredentialStore(join(dir, 'credential.json')).save(credential);
    const ids = [await machine('cccccccccccccccccccccccccccccccc')];
    const store = await browserCredentialStore(dir, ids);
    expect(await store.load()).toEqual(credential);
    await expect(stat(join(dir, 'credential.json'))).rejects.toThrow();
    expect((await readFile(join(dir, 'credential.enc'))).subarray(0, 4).toString()).toBe('LTC1');
    expect(await (await browserCredentialStore(dir, ids)).load()).toEqual(credential);
    // Clearing (revoked, re-enrol) removes both names.
    await store.clear();
    expect(await store.load()).toBeNull();
  });

  it('falls back to a private random key file where the OS has no machine id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-cred-'));
    const sealer = await machineSealer(dir, [join(dir, 'no-such-machine-id')]);
    expect((await stat(join(dir, 'credential.key'))).mode & 0o777).toBe(0o600);
    expect(sealer.open(sealer.seal('hello'))).toBe('hello');
    expect((await machineSealer(dir, [join(dir, 'no-such-machine-id')])).open(sealer.seal('again'))).toBe('again');
  });
});

describe('credential key kept off the disk (issue 13)', () => {
  it('a copy of the disk without the external key does not open the credential; an older file is sealed again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-cred-ext-'));
    const id = await machine('0123456789abcdef0123456789abcdef');
    // Sealed before the key was given (machine id only).
    await (await browserCredentialStore(dir, [id])).save(credential);
    const external = Buffer.alloc(32, 7);
    const withKey = await browserCredentialStore(dir, [id], external);
    expect(await withKey.load()).toEqual(credential);
    // Sealed again under the external key: the disk alone (machine id and salt) no longer opens it.
    expect(await (await browserCredentialStore(dir, [id])).load()).toBeNull();
    expect(await (await browserCredentialStore(dir, [id], Buffer.alloc(32, 8))).load()).toBeNull();
    expect(await (await browserCredentialStore(dir, [id], external)).load()).toEqual(credential);
  });

  it('reads the key from a systemd credential or LT_CREDENTIAL_KEY_FILE, and names a bad one', () => {
    const files: Record<string, Buffer> = {
      '/run/creds/loyalty-till-credential-key': Buffer.alloc(32, 1),
      '/media/key': Buffer.alloc(64, 2),
      '/short': Buffer.alloc(8),
    };
    const read = (p: string) => {
      const f = files[p];
      if (!f) throw new Error('ENOENT');
      return f;
    };
    expect(readCredentialKey({ CREDENTIALS_DIRECTORY: '/run/creds' }, read)).toMatchObject({ source: '/run/creds/loyalty-till-credential-key' });
    expect(readCredentialKey({ LT_CREDENTIAL_KEY_FILE: '/media/key' }, read)).toMatchObject({ source: '/media/key' });
    expect(readCredentialKey({}, read)).toEqual({ key: null, source: null });
    expect(readCredentialKey({ LT_CREDENTIAL_KEY_FILE: '/short' }, read).problem).toMatch(/fewer than 32 bytes/);
    expect(readCredentialKey({ LT_CREDENTIAL_KEY_FILE: '/gone' }, read).problem).toMatch(/cannot be read/);
    expect(readCredentialKey({ LT_CREDENTIAL_KEY_FILE: 'relative' }, read).problem).toMatch(/absolute/);
  });
});
