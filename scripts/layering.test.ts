import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The house plan's arrows, checked on every import: rooms may import only the rooms
 * below them, and `core` nothing with I/O.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const RULES: { room: string; rooms: string[]; packages: RegExp }[] = [
  // Argon2id for lookup keys is a pure function of its inputs (hash-wasm anywhere, the native
  // binding where Node runs it) and SHA-256 for next-order codes (@noble/hashes, synchronous on
  // the till and the server alike): computation, no I/O.
  {
    room: 'core',
    rooms: ['core'],
    packages: /^(zod|libphonenumber-js(\/.*)?|hash-wasm|argon2|@noble\/hashes\/[a-z0-9]+\.js)$/,
  },
  { room: 'sync/protocol', rooms: ['core', 'sync/protocol'], packages: /^zod$/ },
  { room: 'sync/client', rooms: ['core', 'sync/protocol', 'sync/client'], packages: /^(zod|dexie)$/ },
  { room: 'drivers', rooms: ['core', 'drivers'], packages: /^(node:.*|zod|serialport|@serialport\/.*|node-hid)$/ },
  {
    room: 'renderer',
    rooms: ['core', 'sync/protocol', 'sync/client', 'renderer'],
    packages: /^(react|react-dom(\/.*)?|react\/.*|i18next|react-i18next|dexie|zod|@zxing\/library|vite|node:url)$/,
  },
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sources(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);
}

function roomOf(path: string): string | null {
  const rel = relative(root, path).split('\\').join('/');
  const match = RULES.map((r) => r.room).filter((room) => rel === room || rel.startsWith(`${room}/`));
  return match.sort((a, b) => b.length - a.length)[0] ?? null;
}

describe('layering', () => {
  for (const rule of RULES) {
    it(`${rule.room} imports only what the house plan allows`, () => {
      const dir = join(root, rule.room);
      const violations: string[] = [];
      for (const file of sources(dir)) {
        if (roomOf(file) !== rule.room) continue;
        for (const spec of imports(file)) {
          if (spec.startsWith('.')) {
            // The app's own package.json is build metadata (its version), not a room.
            if (resolve(dirname(file), spec) === join(root, 'package.json')) continue;
            const target = roomOf(resolve(dirname(file), spec));
            if (!target || !rule.rooms.includes(target)) violations.push(`${relative(root, file)} -> ${spec}`);
          } else if (!rule.packages.test(spec)) {
            violations.push(`${relative(root, file)} -> ${spec}`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }
});
