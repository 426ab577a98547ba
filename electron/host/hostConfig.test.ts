import { isAbsolute, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHostConfig } from './hostConfig';
import { defaultDataDir, machineConfigPath } from './machineConfig';

const files = (map: Record<string, string>) => (path: string) => map[path] ?? null;
const ETC = '/etc/loyalty-till/config.json';

describe('the machine config file', () => {
  it('carries the server, till name, device config, data folder and port; the environment wins over it', () => {
    const file = JSON.stringify({
      serverUrl: 'https://loyalty.example.ru/',
      terminalName: 'Тверская, касса 2',
      deviceConfig: '/etc/loyalty-till/devices.json',
      dataDir: '/var/lib/loyalty-till',
      kiosk: true,
      hostPort: 9000,
    });
    const c = readHostConfig({}, files({ [ETC]: file }), 'linux');
    expect(c).toMatchObject({
      serverUrl: 'https://loyalty.example.ru',
      terminalName: 'Тверская, касса 2',
      deviceConfigPath: '/etc/loyalty-till/devices.json',
      dataDir: '/var/lib/loyalty-till',
      port: 9000,
      configPath: ETC,
    });
    const env = readHostConfig(
      { LT_SERVER_URL: 'http://10.0.0.5:8787', LT_TERMINAL_NAME: 'Касса 7', LT_TILL_DATA_DIR: '/srv/till' },
      files({ [ETC]: file }),
      'linux',
    );
    expect(env).toMatchObject({ serverUrl: 'http://10.0.0.5:8787', terminalName: 'Касса 7', dataDir: '/srv/till' });
  });

  it('without a file: the default server, no name (the setup screen asks), an absolute per-user data folder', () => {
    const c = readHostConfig({ HOME: '/home/kassa' }, files({}), 'linux');
    expect(c.serverUrl).toBe('http://127.0.0.1:8787');
    expect(c.terminalName).toBeNull();
    expect(isAbsolute(c.dataDir)).toBe(true);
    expect(c.dataDir.endsWith('loyalty-till')).toBe(true);
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative/dir' }, 'linux', '/home/kassa')).toBe('/home/kassa/.local/share/loyalty-till');
    expect(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\kassa\\AppData\\Local' }, 'win32')).toBe('C:\\Users\\kassa\\AppData\\Local\\LoyaltyTill');
    expect(win32.isAbsolute(defaultDataDir({}, 'win32', 'C:\\Users\\kassa'))).toBe(true);
  });

  it('is looked for in ProgramData on Windows and where LT_CONFIG says in tests', () => {
    expect(machineConfigPath({ ProgramData: 'D:\\PD' }, 'win32')).toBe('D:\\PD\\LoyaltyTill\\config.json');
    expect(machineConfigPath({}, 'linux')).toBe(ETC);
    const c = readHostConfig({ LT_CONFIG: '/tmp/x.json' }, files({ '/tmp/x.json': '{"terminalName": "Касса 3"}' }), 'linux');
    expect(c.terminalName).toBe('Касса 3');
  });

  it('refuses a wrong file with an error naming the file and the field', () => {
    const read = (text: string) => () => readHostConfig({}, files({ [ETC]: text }), 'linux');
    expect(read('{"serverUrl": "ftp://x"}')).toThrow(/config\.json is invalid: serverUrl: /);
    expect(read('{"dataDir": "data/till"}')).toThrow(/dataDir: dataDir must be an absolute path/);
    expect(read('{"terminalName": ""}')).toThrow(/terminalName/);
    expect(read('{"serverURL": "http://x"}')).toThrow(/serverURL/);
    expect(read('{"kiosk": "yes"}')).toThrow(/kiosk/);
    expect(read('{serverUrl')).toThrow(/not valid JSON/);
  });

  it('refuses a data folder relative to wherever the till was started', () => {
    expect(() => readHostConfig({ LT_TILL_DATA_DIR: 'data/till' }, files({}), 'linux')).toThrow(/LT_TILL_DATA_DIR: must be an absolute path/);
  });
});

describe('what the setup screen is offered', () => {
  it('before enrolment the host reports the configured server and till name', async () => {
    const { createHostServices } = await import('./hostServices');
    const credentials = { load: async () => null, save: async () => undefined, clear: async () => undefined };
    const services = createHostServices({ mode: 'browser', credentials, serverUrl: 'https://loyalty.example.ru', terminalName: 'Тверская, касса 2' });
    const res = await services.handle({ op: 'status' });
    expect(res).toMatchObject({ ok: true, value: { enrolled: false, serverUrl: 'https://loyalty.example.ru', setupName: 'Тверская, касса 2' } });
  });
});
