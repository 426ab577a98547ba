import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeviceManager } from '../../drivers';
import { persistentSessionToken } from './browserHost';
import { createTillHost } from './tillHost';

const noDevices: DeviceManager = {
  start: async () => undefined,
  stop: async () => undefined,
  list: () => [],
  on: () => () => undefined,
  paymentTerminal: () => {
    throw new Error('no payment terminal');
  },
};

function modes(dir: string): Record<string, number> {
  const out: Record<string, number> = { '.': lstatSync(dir).mode & 0o777 };
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      out[`${rel}${e.name}`] = lstatSync(path).mode & 0o777;
      if (e.isDirectory()) walk(path, `${rel}${e.name}/`);
    }
  };
  walk(dir, '');
  return out;
}

describe('the till data folder at rest', () => {
  it('is the till user’s alone: folders 0700, files 0600, even under a loose umask and with files an older version left open', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'lt-private-')), 'till');
    // An older version's folder, readable by everyone.
    mkdirSync(join(dataDir, 'cache'), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'cache', 'old.json'), '{}', { mode: 0o644 });
    writeFileSync(join(dataDir, 'credential.json'), '{"broken":', { mode: 0o666 });
    chmodSync(join(dataDir, 'credential.json'), 0o666);
    const old = process.umask(0o000);
    let till;
    try {
      till = await createTillHost(
        { serverUrl: 'http://127.0.0.1:9', dataDir, enrolCode: null, terminalName: null, port: 0, deviceConfigPath: null },
        'browser',
        { deviceManager: () => noDevices },
      );
      persistentSessionToken(dataDir);
    } finally {
      process.umask(old);
    }
    await till.stop();
    const found = modes(dataDir);
    expect(Object.keys(found)).toEqual(expect.arrayContaining(['.', 'credential.salt', 'browser-session.token', 'cache/old.json']));
    for (const [path, mode] of Object.entries(found)) {
      const isDir = lstatSync(path === '.' ? dataDir : join(dataDir, path)).isDirectory();
      expect(mode.toString(8), path).toBe(isDir ? '700' : '600');
    }
  });
});
