import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { listPackage, extractFile } from '@electron/asar';
import { beforeAll, describe, expect, it } from 'vitest';
import { readWindowConfig, TillConfigFile } from '../electron/host/windowConfig';

/**
 * The desktop build's layout, checked without downloading Electron: electron-builder packs
 * the app around a stand-in Electron folder, and we look where the runtime will look.
 * Needs `npm run build` first (npm test runs it).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(join(tmpdir(), 'lt-package-'));
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const resources = join(out, 'linux-unpacked', 'resources');
const asar = join(resources, 'app.asar');

beforeAll(async () => {
  const fakeElectron = join(out, 'fake-electron');
  mkdirSync(fakeElectron, { recursive: true });
  // A real Electron binary carries a fuse wire after this sentinel (version 1, 8 fuses, all '1'):
  // electron-builder flips the fuses electron-builder.yml sets, and fails on a binary without one.
  writeFileSync(join(fakeElectron, 'electron'), Buffer.concat([Buffer.from(`#!/bin/sh\n${FUSE_SENTINEL}`), Buffer.from([1, 8]), Buffer.from('11111111')]));
  chmodSync(join(fakeElectron, 'electron'), 0o755);
  writeFileSync(join(fakeElectron, 'version'), 'v38\n');
  writeFileSync(join(fakeElectron, 'LICENSE'), '');
  await promisify(execFile)(
    join(root, 'node_modules/.bin/electron-builder'),
    ['--config', 'electron-builder.yml', '--dir', '--linux', `-c.electronDist=${fakeElectron}`, `-c.directories.output=${out}`],
    { cwd: root, env: { ...process.env, CI: 'true' }, maxBuffer: 16 * 1024 * 1024 },
  );
}, 240_000);

describe('packaged desktop build', () => {
  it('flips the Electron fuses: no RunAsNode, NODE_OPTIONS or --inspect; asar only, integrity-checked; cookies encrypted', () => {
    const bin = readFileSync(join(out, 'linux-unpacked', 'loyalty-till'));
    const at = bin.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length + 2;
    // Wire order: RunAsNode, EnableCookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar.
    expect(bin.subarray(at, at + 6).toString('latin1')).toBe('010011');
  });

  it('puts main, preload and the renderer in the app archive where package.json points', () => {
    const files = new Set(listPackage(asar, { isPack: false }).map((f) => f.replace(/\\/g, '/')));
    const pkg = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string };
    expect(files.has(`/${pkg.main}`)).toBe(true);
    for (const f of ['/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html']) expect(files.has(f), f).toBe(true);
    expect([...files].some((f) => /^\/dist\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
    // Sources, tests and source maps stay out of the shipped app.
    expect([...files].some((f) => f.startsWith('/core/') || f.startsWith('/e2e/') || f.endsWith('.map'))).toBe(false);
  });

  it('unpacks the native modules next to the archive, with prebuilds for Linux', () => {
    const unpacked = join(resources, 'app.asar.unpacked', 'node_modules');
    expect(readdirSync(join(unpacked, '@serialport/bindings-cpp/prebuilds/linux-x64')).some((f) => f.endsWith('.node'))).toBe(true);
    expect(readdirSync(join(unpacked, 'node-hid/prebuilds')).some((d) => d.startsWith('HID-linux-x64'))).toBe(true);
  });

  it('ships the udev rules for the deb to install', () => {
    expect(existsSync(join(resources, 'udev', '99-loyalty-till.rules'))).toBe(true);
  });

  it('ships the kiosk default that main reads, valid and on', () => {
    const shipped = JSON.parse(readFileSync(join(resources, 'till-config.json'), 'utf8')) as unknown;
    expect(TillConfigFile.parse(shipped)).toEqual({ kiosk: true });
    expect(readWindowConfig({ LT_CONFIG: join(out, 'no-machine-config.json') }, resources)).toMatchObject({ kiosk: true, problems: [] });
  });

  it('has a 512x512 PNG app icon, named for Linux and Windows', () => {
    const png = readFileSync(join(root, 'build', 'icon.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    // No YAML parser among our dependencies: the top-level key and the one in each platform's block.
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/^icon: build\/icon\.png$/m);
    for (const platform of ['linux', 'win']) expect(yml, platform).toMatch(new RegExp(`^${platform}:\\n(?:  .*\\n)*?  icon: build/icon\\.png$`, 'm'));
  });
});
