import { describe, expect, it } from 'vitest';
import { machineConfigPath, readWindowConfig } from './windowConfig';

const files = (map: Record<string, string>) => (path: string) => map[path] ?? null;

describe('kiosk setting of the installed till', () => {
  it('takes LT_KIOSK first, then the machine file, then the build default, then off', () => {
    const build = { '/opt/lt/resources/till-config.json': '{"kiosk": true}' };
    expect(readWindowConfig({}, undefined, files({}), 'linux')).toMatchObject({ kiosk: false, source: 'default' });
    expect(readWindowConfig({}, '/opt/lt/resources', files(build), 'linux')).toMatchObject({ kiosk: true, source: '/opt/lt/resources/till-config.json' });
    const machine = { ...build, '/etc/loyalty-till/config.json': '{"kiosk": false}' };
    expect(readWindowConfig({}, '/opt/lt/resources', files(machine), 'linux')).toMatchObject({ kiosk: false, source: '/etc/loyalty-till/config.json' });
    expect(readWindowConfig({ LT_KIOSK: '1' }, '/opt/lt/resources', files(machine), 'linux')).toMatchObject({ kiosk: true, source: 'LT_KIOSK' });
    expect(readWindowConfig({ LT_KIOSK: '0' }, '/opt/lt/resources', files(build), 'linux').kiosk).toBe(false);
    expect(readWindowConfig({ LT_CONFIG: '/srv/till.json' }, undefined, files({ '/srv/till.json': '{"kiosk": true}' }), 'linux').kiosk).toBe(true);
  });

  it('skips a broken or unknown config with a note instead of failing the start', () => {
    const c = readWindowConfig({}, '/r', files({ '/etc/loyalty-till/config.json': '{kiosk', '/r/till-config.json': '{"kiosk": "yes"}' }), 'linux');
    expect(c).toMatchObject({ kiosk: false, source: 'default' });
    expect(c.problems).toHaveLength(2);
    expect(readWindowConfig({}, undefined, files({ '/etc/loyalty-till/config.json': '{"kiosk": true, "x": 1}' }), 'linux').problems[0]).toMatch(/x/);
  });

  it('looks in ProgramData on Windows', () => {
    expect(machineConfigPath({ ProgramData: 'D:\\PD' }, 'win32')).toMatch(/LoyaltyTill[\\/]config\.json$/);
  });
});
