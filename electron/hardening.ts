import type { Sealer } from './host/credentialStore';

/**
 * Electron policies as plain functions (tested without Electron; main.ts only wires them):
 * which permission requests to grant, and whether safeStorage really protects the credential.
 */

/**
 * The camera (the scanner view) for the till's own pages and nothing else: another origin
 * (a page that got into a frame or the window somehow) gets nothing, nor does a request for
 * the microphone or the screen.
 */
export function permissionGranted(permission: string, requestingUrl: string, ownPrefix: string, mediaTypes: readonly string[] = ['video']): boolean {
  if (permission !== 'media') return false;
  if (!requestingUrl.startsWith(ownPrefix)) return false;
  return mediaTypes.length > 0 && mediaTypes.every((t) => t === 'video');
}

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?: () => string;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

/**
 * safeStorage as the credential's sealer, unless it would seal with a fixed key: on Linux without
 * a keyring it falls back to `basic_text`, a hard-coded password anyone can undo. Then the host's
 * own machine-bound encrypted file is used instead, with a warning for IT.
 */
export function credentialSealer(safe: SafeStorageLike, platform: NodeJS.Platform, warn: (message: string) => void): Sealer | undefined {
  if (!safe.isEncryptionAvailable()) {
    warn('safeStorage is not available: the credential is kept in the machine-bound encrypted file');
    return undefined;
  }
  if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text') {
    warn('safeStorage has no keyring here (basic_text, a fixed key): the credential is kept in the machine-bound encrypted file instead');
    return undefined;
  }
  return { seal: (plain) => safe.encryptString(plain), open: (sealed) => safe.decryptString(sealed) };
}
