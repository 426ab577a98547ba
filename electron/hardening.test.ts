import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { credentialSealer, permissionGranted } from './hardening';

const OWN = 'file:///opt/loyalty-till/resources/app.asar/dist/renderer/';

describe('permissions', () => {
  it('grants the camera to the till pages only', () => {
    expect(permissionGranted('media', `${OWN}index.html`, OWN)).toBe(true);
    expect(permissionGranted('media', 'https://evil.invalid/', OWN)).toBe(false);
    expect(permissionGranted('media', 'file:///tmp/other.html', OWN)).toBe(false);
  });

  it('never grants the microphone, the screen or any other permission', () => {
    expect(permissionGranted('media', `${OWN}index.html`, OWN, ['audio'])).toBe(false);
    expect(permissionGranted('media', `${OWN}index.html`, OWN, ['video', 'audio'])).toBe(false);
    expect(permissionGranted('media', `${OWN}index.html`, OWN, [])).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'openExternal', 'hid', 'serial'])
      expect(permissionGranted(p, `${OWN}index.html`, OWN)).toBe(false);
  });
});

describe('credential sealing', () => {
  const safe = (backend: string, available = true) => ({
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s: string) => Buffer.from(`sealed:${s}`),
    decryptString: (b: Buffer) => b.toString().slice('sealed:'.length),
  });

  it('uses the keyring when there is one', () => {
    const warn = vi.fn();
    const sealer = credentialSealer(safe('gnome_libsecret'), 'linux', warn);
    expect(sealer?.open(sealer.seal('token'))).toBe('token');
    expect(warn).not.toHaveBeenCalled();
  });

  it("refuses safeStorage's fixed-key fallback (basic_text) and says so", () => {
    const warn = vi.fn();
    expect(credentialSealer(safe('basic_text'), 'linux', warn)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('basic_text'));
    expect(credentialSealer(safe('unknown', false), 'win32', warn)).toBeUndefined();
  });

  it('trusts DPAPI and the macOS keychain (no backend choice there)', () => {
    expect(credentialSealer(safe('unknown'), 'win32', () => undefined)).toBeDefined();
    expect(credentialSealer(safe('unknown'), 'darwin', () => undefined)).toBeDefined();
  });
});

describe('desktop build configuration', () => {
  const yml = readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8');

  it('sets the Electron fuses: no Node mode, no NODE_OPTIONS or --inspect, asar only and checked, cookies encrypted', () => {
    for (const line of [
      'runAsNode: false',
      'enableNodeOptionsEnvironmentVariable: false',
      'enableNodeCliInspectArguments: false',
      'enableEmbeddedAsarIntegrityValidation: true',
      'onlyLoadAppFromAsar: true',
      'enableCookieEncryption: true',
    ])
      expect(yml).toMatch(new RegExp(`^\\s+${line}\\s*$`, 'm'));
  });

  it('unpacks every native module from the asar archive, argon2 included', () => {
    for (const mod of ['@serialport/bindings-cpp', 'node-hid', 'argon2']) expect(yml).toContain(`- node_modules/${mod}/**`);
  });
});
