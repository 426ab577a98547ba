import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceConfigError, deviceIdOf, loadDeviceConfig, parseDeviceConfig } from './config';

describe('device config', () => {
  it('an empty file means: auto-detect everything with sensible defaults', () => {
    const cfg = parseDeviceConfig({});
    expect(cfg.devices).toEqual([]);
    expect(cfg.autoDetect).toMatchObject({
      serial: true,
      hid: true,
      serialBaudRate: 9600,
      serialFraming: { suffix: 'CR', aimIds: false, maxFrameLength: 512 },
    });
    expect(cfg.reconnect).toMatchObject({ baseMs: 500, maxMs: 15_000 });
    expect(cfg.loyaltyCard).toEqual({ prefix: '27', length: 13 });
  });

  it('fills in per-device defaults and accepts USB ids in lsusb form', () => {
    const cfg = parseDeviceConfig({
      devices: [
        { type: 'scanner', path: '/dev/ttyACM0', framing: { suffix: 'CRLF' } },
        { type: 'scanner', transport: 'hid', vendorId: '0c2e', productId: '0x0b87' },
      ],
    });
    const [serial, hid] = cfg.devices;
    expect(serial).toMatchObject({ transport: 'serial', baudRate: 9600, framing: { suffix: 'CRLF', prefix: '', interByteTimeoutMs: 100 } });
    expect(hid).toMatchObject({ transport: 'hid', vendorId: 0x0c2e, productId: 0x0b87 });
    expect(cfg.devices.map(deviceIdOf)).toEqual(['serial:/dev/ttyACM0', 'hid:0c2e:0b87']);
  });

  it('a scale: CAS weight lines, streaming unless a request command is given', () => {
    const cfg = parseDeviceConfig({
      devices: [
        { id: 'scale', type: 'scale', path: '/dev/ttyUSB3' },
        { id: 'scale2', type: 'scale', path: '/dev/ttyUSB4', request: { command: 'WT' } },
      ],
    });
    expect(cfg.devices[0]).toEqual({
      id: 'scale',
      type: 'scale',
      transport: 'serial',
      path: '/dev/ttyUSB3',
      baudRate: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      protocol: 'cas',
      responseTimeoutMs: 1_000,
      stableTimeoutMs: 3_000,
      enabled: true,
    });
    expect(cfg.devices[1]).toMatchObject({ request: { command: 'WT', suffix: 'CRLF', intervalMs: 200 } });
    expect(() => parseDeviceConfig({ devices: [{ type: 'scale', path: '/dev/x', request: { command: 'W\r' } }] })).toThrow(/devices\[0\]\.request\.command/);
    expect(() => parseDeviceConfig({ devices: [{ type: 'scale', path: '/dev/x', protocol: 'massa-k' }] })).toThrow(DeviceConfigError);
  });

  it('scanner framing: resynchronisation and minimum length have defaults', () => {
    const cfg = parseDeviceConfig({ devices: [{ type: 'scanner', path: '/dev/ttyACM0' }] });
    expect(cfg.devices[0]).toMatchObject({ framing: { resyncQuietMs: 250, minLength: 4 } });
  });

  it('is idempotent, so a loaded config can be passed on and checked again', () => {
    const once = parseDeviceConfig({ devices: [{ type: 'scanner', transport: 'hid', vendorId: '05e0', productId: 1 }] });
    expect(parseDeviceConfig(once)).toEqual(once);
  });

  it('says what is wrong, and where', () => {
    const bad = () =>
      parseDeviceConfig({
        devices: [
          { type: 'scanner', path: '/dev/ttyACM0', framing: { suffix: 'TAB' } },
          { type: 'scanner', path: '/dev/ttyACM0' },
        ],
        autoDetect: { serial: 'yes' },
      });
    expect(bad).toThrow(DeviceConfigError);
    expect(bad).toThrow(/autoDetect\.serial/);
    expect(() =>
      parseDeviceConfig({
        devices: [
          { type: 'scanner', path: '/a' },
          { type: 'msr', path: '/a' },
        ],
      }),
    ).toThrow(/duplicate device id/);
    expect(() => parseDeviceConfig({ devicez: [] })).toThrow(DeviceConfigError);
  });

  it('loadDeviceConfig reads a file, and reports unreadable or non-JSON files clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-config-'));
    try {
      const ok = join(dir, 'devices.json');
      writeFileSync(ok, JSON.stringify({ devices: [{ type: 'msr', path: '/dev/ttyUSB1', baudRate: 19200 }] }));
      expect((await loadDeviceConfig(ok)).devices[0]).toMatchObject({ type: 'msr', baudRate: 19200 });
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{ "devices": [ ');
      await expect(loadDeviceConfig(broken)).rejects.toThrow(/not valid JSON/);
      await expect(loadDeviceConfig(join(dir, 'missing.json'))).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has no fiscal register unless configured; an ATOL web server register gets its defaults', () => {
    expect(parseDeviceConfig({}).fiscal).toBeUndefined();
    expect(parseDeviceConfig({ fiscal: { kind: 'atol-web' } }).fiscal).toEqual({
      kind: 'atol-web',
      url: 'http://127.0.0.1:16732',
      pollIntervalMs: 250,
      requestTimeoutMs: 5_000,
      taskTimeoutMs: 60_000,
      markingTimeoutMs: 15_000,
      defaultVat: 'vat22',
      bonuses: 'discount',
      enabled: true,
    });
    const cfg = parseDeviceConfig({
      fiscal: { kind: 'atol-web', url: 'http://192.168.1.20:16732', taxationType: 'usnIncome', defaultVat: 'none', bonuses: 'otherPayment' },
    });
    expect(cfg.fiscal).toMatchObject({ url: 'http://192.168.1.20:16732', taxationType: 'usnIncome', defaultVat: 'none', bonuses: 'otherPayment' });
    expect(parseDeviceConfig(cfg)).toEqual(cfg);
    expect(() => parseDeviceConfig({ fiscal: { kind: 'shtrih' } })).toThrow(/fiscal/);
    expect(() => parseDeviceConfig({ fiscal: { kind: 'atol-web', url: 'ftp://x' } })).toThrow(/fiscal\.url/);
    expect(() => parseDeviceConfig({ fiscal: { kind: 'atol-web', defaultVat: 'vat18' } })).toThrow(/fiscal\.defaultVat/);
    expect(() => parseDeviceConfig({ fiscal: { kind: 'atol-web', pollIntervalMs: 1 } })).toThrow(/fiscal\.pollIntervalMs/);
    // 57 mm paper: 32 characters a line for a receipt copy; wider than the 80 mm register's 48 is refused.
    expect(parseDeviceConfig({ fiscal: { kind: 'atol-web', lineWidth: 32 } }).fiscal).toMatchObject({ lineWidth: 32 });
    expect(() => parseDeviceConfig({ fiscal: { kind: 'atol-web', lineWidth: 80 } })).toThrow(/fiscal\.lineWidth/);
  });

  it('the example in drivers/README.md is a valid config', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const cfg = parseDeviceConfig(JSON.parse(example ?? ''));
    expect(cfg.devices.length).toBeGreaterThan(2);
    expect(cfg.fiscal?.kind).toBe('atol-web');
  });
});
