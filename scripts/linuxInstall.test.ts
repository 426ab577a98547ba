import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The Linux package's install and removal scripts, run for real but sandboxed: file paths go
 * under a scratch root (LT_PACKAGE_ROOT) and getent, groupadd, groupdel, usermod and udevadm are
 * stand-ins on PATH that keep a fake group database and log every call.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const script = (name: string) => join(root, 'build/linux', name);

const STUBS: Record<string, string> = {
  getent: `#!/bin/sh
echo "getent $*" >> "$STATE/calls"
grep -q "^$2:" "$STATE/$1" 2>/dev/null && grep "^$2:" "$STATE/$1"`,
  groupadd: `#!/bin/sh
echo "groupadd $*" >> "$STATE/calls"
for last; do :; done
echo "$last:x:999:" >> "$STATE/group"`,
  groupdel: `#!/bin/sh
echo "groupdel $*" >> "$STATE/calls"
grep -v "^$1:" "$STATE/group" > "$STATE/group.new"; mv "$STATE/group.new" "$STATE/group"`,
  usermod: `#!/bin/sh
echo "usermod $*" >> "$STATE/calls"`,
  udevadm: `#!/bin/sh
echo "udevadm $*" >> "$STATE/calls"`,
};

function sandbox(users: string[] = ['kassa']) {
  const dir = mkdtempSync(join(tmpdir(), 'lt-pkg-'));
  const fakeRoot = join(dir, 'root');
  const state = join(dir, 'state');
  const bin = join(dir, 'bin');
  for (const d of [fakeRoot, state, bin, join(fakeRoot, 'opt/Loyalty Till/resources/udev')]) mkdirSync(d, { recursive: true });
  copyFileSync(join(root, 'drivers/udev/99-loyalty-till.rules'), join(fakeRoot, 'opt/Loyalty Till/resources/udev/99-loyalty-till.rules'));
  writeFileSync(join(state, 'group'), 'dialout:x:20:\n');
  writeFileSync(join(state, 'passwd'), users.map((u, i) => `${u}:x:${1000 + i}:${1000 + i}::/home/${u}:/bin/sh\n`).join(''));
  writeFileSync(join(state, 'calls'), '');
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(join(bin, name), `${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const run = async (name: string, args: string[] = [], env: Record<string, string> = {}) => {
    const res = await promisify(execFile)('/bin/sh', [script(name), ...args], {
      env: { PATH: `${bin}:/usr/bin:/bin`, LT_PACKAGE_ROOT: fakeRoot, STATE: state, ...env },
    });
    return res;
  };
  const calls = () => readFileSync(join(state, 'calls'), 'utf8').trim().split('\n').filter(Boolean);
  const groups = () => readFileSync(join(state, 'group'), 'utf8');
  return { fakeRoot, state, run, calls, groups };
}

describe('Linux package scripts', () => {
  it('install: creates the group the udev rules name, adds the sudo user to it and to dialout, installs the rules', async () => {
    const rules = readFileSync(join(root, 'drivers/udev/99-loyalty-till.rules'), 'utf8');
    const named = new Set([...rules.matchAll(/^[^#].*GROUP="([^"]+)"/gm)].map((m) => m[1]));
    expect([...named]).toEqual(['loyalty-till']);

    const s = sandbox();
    const out = await s.run('after-install.sh', ['configure'], { SUDO_USER: 'kassa' });
    expect(s.groups()).toMatch(/^loyalty-till:/m);
    expect(s.calls()).toEqual(
      expect.arrayContaining(['groupadd --system loyalty-till', 'usermod -a -G loyalty-till kassa', 'usermod -a -G dialout kassa', 'udevadm trigger']),
    );
    expect(out.stdout).toContain('kassa added to loyalty-till');
    expect(readFileSync(join(s.fakeRoot, 'etc/udev/rules.d/99-loyalty-till.rules'), 'utf8')).toBe(rules);
    expect(existsSync(join(s.fakeRoot, 'etc/loyalty-till'))).toBe(true);

    // Installing again (an upgrade) keeps the group: no second groupadd.
    await s.run('after-install.sh', ['configure'], { SUDO_USER: 'kassa' });
    expect(s.calls().filter((c) => c.startsWith('groupadd'))).toHaveLength(1);
  });

  it("takes the till's user from LOYALTY_TILL_USER or /etc/loyalty-till/till-user, never root, and says so when there is none", async () => {
    const s = sandbox(['kassa', 'pos']);
    mkdirSync(join(s.fakeRoot, 'etc/loyalty-till'), { recursive: true });
    writeFileSync(join(s.fakeRoot, 'etc/loyalty-till/till-user'), 'pos\n');
    await s.run('after-install.sh', [], { SUDO_USER: 'kassa' });
    expect(s.calls()).toContain('usermod -a -G loyalty-till pos');
    expect(s.calls()).not.toContain('usermod -a -G loyalty-till kassa');

    const r = sandbox();
    const asRoot = await r.run('after-install.sh', [], { SUDO_USER: 'root' });
    expect(r.calls().some((c) => c.startsWith('usermod'))).toBe(false);
    expect(asRoot.stderr).toContain('usermod -aG loyalty-till <user>');
    const unknown = await r.run('after-install.sh', [], { LOYALTY_TILL_USER: 'nobody-here' });
    expect(unknown.stderr).toContain('no user "nobody-here"');
  });

  it('removal takes the rules and the group away, purge the config too; an upgrade touches nothing', async () => {
    const s = sandbox();
    await s.run('after-install.sh', [], { SUDO_USER: 'kassa' });
    writeFileSync(join(s.fakeRoot, 'etc/loyalty-till/config.json'), '{"kiosk": true}');
    await s.run('after-remove.sh', ['upgrade']);
    await s.run('after-remove.sh', ['1']);
    expect(s.groups()).toMatch(/^loyalty-till:/m);
    expect(existsSync(join(s.fakeRoot, 'etc/udev/rules.d/99-loyalty-till.rules'))).toBe(true);

    await s.run('after-remove.sh', ['remove']);
    expect(s.groups()).not.toMatch(/^loyalty-till:/m);
    expect(existsSync(join(s.fakeRoot, 'etc/udev/rules.d/99-loyalty-till.rules'))).toBe(false);
    expect(existsSync(join(s.fakeRoot, 'etc/loyalty-till/config.json'))).toBe(true);
    await s.run('after-remove.sh', ['purge']);
    expect(existsSync(join(s.fakeRoot, 'etc/loyalty-till'))).toBe(false);
  });

  it('are the scripts electron-builder runs for deb and rpm', () => {
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    for (const pkg of ['deb', 'rpm']) {
      const section = new RegExp(`^${pkg}:\\n((?:  .*\\n)+)`, 'm').exec(yml)?.[1] ?? '';
      expect(section).toContain('afterInstall: build/linux/after-install.sh');
      expect(section).toContain('afterRemove: build/linux/after-remove.sh');
    }
  });
});
