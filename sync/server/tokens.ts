import { createHash, randomBytes, randomInt } from 'node:crypto';

/** Credentials are random and stored only as SHA-256, so a database dump grants no access. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A short code IT can type on a till: 10 characters from an unambiguous alphabet, grouped. */
export function newEnrolmentCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let code = '';
  for (let i = 0; i < 10; i++) code += alphabet[randomInt(alphabet.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export function normaliseEnrolmentCode(code: string): string {
  const compact = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return `${compact.slice(0, 5)}-${compact.slice(5)}`;
}
