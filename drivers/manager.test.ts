import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../core/scan';
import { buildScannedDataReport } from './hid/hidPosReport';
import { createDeviceManager } from './manager';
import type { DeviceConfigInput } from './config';
import { FakeClock } from './testing/fakeClock';
import { FakeHidBackend } from './testing/fakeHid';
import { flush } from './testing/flush';
import { FakeSerialBackend } from './testing/fakeSerial';

const noAuto = { serial: false, hid: false };
const reconnect = { baseMs: 100, maxMs: 1_000, jitter: 0.5 };

function rig(config: DeviceConfigInput, opts: { hid?: FakeHidBackend; random?: () => number } = {}) {
  const clock = new FakeClock();
  const serial = new FakeSerialBackend();
  const hid = opts.hid ?? new FakeHidBackend();
  const events: DeviceEvent[] = [];
  const internal: unknown[] = [];
  const manager = createDeviceManager({
    config,
    lookupSecret: 'secret',
    clock,
    random: opts.random ?? (() => 0),
    serial,
    hid,
    resolvePath: async (p) => (p === '/dev/serial/by-id/scanner' ? '/dev/ttyACM0' : p),
    onInternalError: (e) => internal.push(e),
  });
  manager.on((e) => events.push(e));
  return { clock, serial, hid, events, internal, manager };
}

const statuses = (events: DeviceEvent[], id?: string) => events.flatMap((e) => (e.kind === 'status' && (!id || e.deviceId === id) ? [e.status] : []));
const scans = (events: DeviceEvent[]) => events.flatMap((e) => (e.kind === 'scan' ? [`${e.deviceId} ${e.text}`] : []));

describe('DeviceManager with a configured serial scanner', () => {
  const config: DeviceConfigInput = { devices: [{ id: 'scan1', type: 'scanner', path: '/dev/ttyS1' }], autoDetect: noAuto, reconnect };

  it('claims the port, reports it connected and emits scans', async () => {
    const { serial, events, manager, clock } = rig(config);
    serial.present.add('/dev/ttyS1');
    await manager.start();
    serial.link('/dev/ttyS1').send('4006381333931\r');
    expect(events).toEqual([
      { kind: 'status', deviceId: 'scan1', deviceType: 'scanner', status: 'connected', at: clock.now() },
      {
        kind: 'scan',
        deviceId: 'scan1',
        source: 'serial',
        symbology: 'EAN13',
        text: '4006381333931',
        rawHex: Buffer.from('4006381333931').toString('hex'),
        at: clock.now(),
      },
    ]);
    expect(manager.list()).toEqual([
      { id: 'scan1', type: 'scanner', transport: 'serial', address: '/dev/ttyS1', origin: 'config', status: 'connected', lastEventAt: clock.now() },
    ]);
  });

  it('survives unplugging: disconnected, retried with growing capped delays, back by itself', async () => {
    const { serial, events, manager, clock } = rig(config);
    serial.present.add('/dev/ttyS1');
    await manager.start();
    serial.present.delete('/dev/ttyS1');
    serial.link('/dev/ttyS1').unplug();
    expect(statuses(events)).toEqual(['connected', 'disconnected']);

    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const [next] = clock.pendingDelays();
      delays.push(next ?? -1);
      clock.advance(next ?? 0);
      await flush();
    }
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    // Failed retries are not news: still just one "disconnected".
    expect(statuses(events)).toEqual(['connected', 'disconnected']);

    serial.present.add('/dev/ttyS1');
    clock.advance(1_000);
    await flush();
    expect(statuses(events)).toEqual(['connected', 'disconnected', 'connected']);
    serial.link('/dev/ttyS1').send('96385074\r');
    expect(scans(events)).toEqual(['scan1 96385074']);
  });

  it('jitter keeps retry delays within the policy', async () => {
    const { manager, clock } = rig(config, { random: () => 1 });
    await manager.start();
    expect(clock.pendingDelays()).toEqual([50]);
  });

  it('a port it may not open is an error with a hint for IT, and is retried', async () => {
    const { serial, events, manager, clock } = rig(config);
    serial.failures.set('/dev/ttyS1', 'Error: Permission denied, cannot open /dev/ttyS1');
    await manager.start();
    const status = events.find((e) => e.kind === 'status');
    expect(status).toMatchObject({ status: 'error', detail: expect.stringContaining('udev') });
    serial.failures.delete('/dev/ttyS1');
    serial.present.add('/dev/ttyS1');
    clock.advance(100);
    await flush();
    expect(statuses(events)).toEqual(['error', 'connected']);
  });

  it('a listener that throws neither stops the device nor other listeners', async () => {
    const { serial, events, manager, internal } = rig(config);
    manager.on(() => {
      throw new Error('renderer bridge broke');
    });
    serial.present.add('/dev/ttyS1');
    await manager.start();
    serial.link('/dev/ttyS1').send('4006381333931\r96385074\r');
    expect(scans(events)).toEqual(['scan1 4006381333931', 'scan1 96385074']);
    expect(internal.length).toBeGreaterThan(0);
  });

  it('unsubscribing stops delivery', async () => {
    const { serial, manager } = rig(config);
    const seen: DeviceEvent[] = [];
    const off = manager.on((e) => seen.push(e));
    serial.present.add('/dev/ttyS1');
    await manager.start();
    off();
    serial.link('/dev/ttyS1').send('4006381333931\r');
    expect(seen.map((e) => e.kind)).toEqual(['status']);
  });

  it('stop() closes the port, reports it disabled and leaves no timers', async () => {
    const { serial, events, manager, clock } = rig(config);
    serial.present.add('/dev/ttyS1');
    await manager.start();
    const link = serial.link('/dev/ttyS1');
    await manager.stop();
    expect(link.closed).toBe(true);
    expect(statuses(events)).toEqual(['connected', 'disabled']);
    expect(clock.pendingDelays()).toEqual([]);
  });
});

describe('DeviceManager with several devices', () => {
  it('a device sending noise does not stop another', async () => {
    const { serial, events, manager } = rig({
      devices: [
        { id: 'noisy', type: 'scanner', path: '/dev/ttyS1' },
        { id: 'good', type: 'scanner', path: '/dev/ttyS2' },
      ],
      autoDetect: noAuto,
    });
    serial.present.add('/dev/ttyS1');
    serial.present.add('/dev/ttyS2');
    await manager.start();
    const noisy = serial.link('/dev/ttyS1');
    for (let i = 0; i < 50; i++) noisy.send(Uint8Array.from({ length: 64 }, (_, j) => (i * 64 + j * 7) % 256));
    serial.link('/dev/ttyS2').send('4006381333931\r');
    expect(scans(events)).toEqual(['good 4006381333931']);
    expect(events.some((e) => e.kind === 'error' && e.deviceId === 'noisy')).toBe(true);
    expect(manager.list().map((d) => d.status)).toEqual(['connected', 'connected']);
  });

  it('a device disabled in the config is listed as disabled and never opened', async () => {
    const { serial, manager } = rig({ devices: [{ id: 'off', type: 'scanner', path: '/dev/ttyS1', enabled: false }], autoDetect: noAuto });
    serial.present.add('/dev/ttyS1');
    await manager.start();
    expect(manager.list()[0]?.status).toBe('disabled');
    expect(serial.opens).toEqual([]);
  });
});

describe('auto-detection', () => {
  it('claims USB-serial scanners of known vendors only, and not twice when also configured', async () => {
    const { serial, manager, events } = rig({
      devices: [{ id: 'configured', type: 'scanner', path: '/dev/serial/by-id/scanner' }],
      autoDetect: { serial: true, hid: false },
    });
    serial.ports = [
      { path: '/dev/ttyACM0', vendorId: 0x0c2e, productId: 0x0b61, pnpId: 'usb-Honeywell_1' },
      { path: '/dev/ttyACM1', vendorId: 0x05e0, productId: 0x1701, pnpId: 'usb-Zebra_2' },
      { path: '/dev/ttyUSB0', vendorId: 0x0403, productId: 0x6001, pnpId: 'usb-FTDI_fiscal_printer' },
    ];
    for (const p of ['/dev/serial/by-id/scanner', '/dev/ttyACM0', '/dev/ttyACM1', '/dev/ttyUSB0']) serial.present.add(p);
    await manager.start();
    expect(manager.list().map((d) => [d.id, d.origin, d.status])).toEqual([
      ['configured', 'config', 'connected'],
      ['serial:usb-Zebra_2', 'auto', 'connected'],
    ]);
    expect(serial.opens).not.toContain('/dev/ttyUSB0');
    serial.link('/dev/ttyACM1').send('96385074\r');
    expect(scans(events)).toEqual(['serial:usb-Zebra_2 96385074']);
  });

  it('finds a scanner plugged in later, and again under a new tty name after re-plugging', async () => {
    const { serial, manager, events, clock } = rig({ autoDetect: { serial: true, hid: false, rescanIntervalMs: 1_000 }, reconnect });
    await manager.start();
    expect(manager.list()).toEqual([]);
    serial.ports = [{ path: '/dev/ttyACM0', vendorId: 0x1eab, productId: 0x1d06, serialNumber: 'NL123' }];
    serial.present.add('/dev/ttyACM0');
    clock.advance(1_000);
    await flush();
    expect(statuses(events)).toEqual(['connected']);

    serial.present.delete('/dev/ttyACM0');
    serial.link('/dev/ttyACM0').unplug();
    serial.ports = [{ path: '/dev/ttyACM3', vendorId: 0x1eab, productId: 0x1d06, serialNumber: 'NL123' }];
    serial.present.add('/dev/ttyACM3');
    clock.advance(100);
    await flush();
    expect(statuses(events)).toEqual(['connected', 'disconnected', 'connected']);
    expect(manager.list()).toHaveLength(1);
    serial.link('/dev/ttyACM3').send('4006381333931\r');
    expect(scans(events)).toHaveLength(1);
  });
});

describe('HID POS scanners (node-hid behind a fake)', () => {
  const scannerInfo = { vendorId: 0x0c2e, productId: 0x0b87, usagePage: 0x8c, usage: 0x02, serialNumber: 'HW42' };

  it('claims devices on usage page 0x8C, not the keyboard interface of the same scanner', async () => {
    const hid = new FakeHidBackend();
    hid.devices = [
      { ...scannerInfo, path: '/dev/hidraw1' },
      { ...scannerInfo, usagePage: 0x01, usage: 0x06, path: '/dev/hidraw0' },
    ];
    const { manager, events } = rig({ autoDetect: { serial: false, hid: true } }, { hid });
    await manager.start();
    expect(manager.list().map((d) => [d.id, d.transport, d.status])).toEqual([['hid:0c2e:0b87:HW42', 'hid', 'connected']]);
    hid.links.get('/dev/hidraw1')?.report(buildScannedDataReport(']E0', Buffer.from('4600439931256'), false));
    expect(events.filter((e) => e.kind === 'scan')).toEqual([
      {
        kind: 'scan',
        deviceId: 'hid:0c2e:0b87:HW42',
        source: 'hid',
        symbology: 'EAN13',
        text: '4600439931256',
        rawHex: Buffer.from('4600439931256').toString('hex'),
        at: expect.any(Number),
      },
    ]);
  });

  it('a re-plugged HID scanner comes back under its new hidraw path', async () => {
    const hid = new FakeHidBackend();
    hid.devices = [{ ...scannerInfo, path: '/dev/hidraw1' }];
    const { manager, events, clock } = rig(
      { devices: [{ type: 'scanner', transport: 'hid', vendorId: '0c2e', productId: '0b87' }], autoDetect: noAuto, reconnect },
      { hid },
    );
    await manager.start();
    hid.devices = [];
    hid.links.get('/dev/hidraw1')?.unplug();
    clock.advance(100);
    await flush();
    expect(statuses(events)).toEqual(['connected', 'disconnected']);
    hid.devices = [{ ...scannerInfo, path: '/dev/hidraw5' }];
    clock.advance(200);
    await flush();
    expect(statuses(events)).toEqual(['connected', 'disconnected', 'connected']);
    hid.links.get('/dev/hidraw5')?.report(buildScannedDataReport(']Q1', Buffer.from('hello'), false));
    expect(scans(events)).toEqual(['hid:0c2e:0b87 hello']);
  });

  it('HID discovery failing (native module missing) is reported once and serial scanners still work', async () => {
    const hid = new FakeHidBackend();
    hid.listFailure = new Error('Cannot load native module');
    const { manager, serial, events, internal, clock } = rig(
      { devices: [{ id: 's', type: 'scanner', path: '/dev/ttyS1' }], autoDetect: { serial: false, hid: true, rescanIntervalMs: 500 } },
      { hid },
    );
    serial.present.add('/dev/ttyS1');
    await manager.start();
    clock.advance(500);
    await flush();
    clock.advance(500);
    await flush();
    expect(internal.map(String)).toEqual(['Error: hid discovery failed: Cannot load native module']);
    serial.link('/dev/ttyS1').send('96385074\r');
    expect(scans(events)).toEqual(['s 96385074']);
  });
});

describe('payment terminal handle', () => {
  it('answers terminal-unavailable while the terminal is away, and works once it is back', async () => {
    const { manager, serial, clock } = rig({ devices: [{ id: 'pos', type: 'payment-terminal', path: '/dev/ttyS9' }], autoDetect: noAuto, reconnect });
    await manager.start();
    const pos = manager.paymentTerminal();
    expect(await pos.pay(100, 'R1')).toEqual({ approved: false, declineReason: 'terminal-unavailable' });
    serial.present.add('/dev/ttyS9');
    clock.advance(100);
    await flush();
    const paying = pos.pay(100, 'R2');
    const link = serial.link('/dev/ttyS9');
    expect(link.written).toEqual(['PAY R2 100\n']);
    link.send('DECLINED R2 no funds\n');
    expect(await paying).toEqual({ approved: false, declineReason: 'no funds' });
  });

  it('a late approval reaches IT with the receipt id and RRN needed to reverse it', async () => {
    const { manager, serial, clock, events } = rig({
      devices: [{ id: 'pos', type: 'payment-terminal', path: '/dev/ttyS9', responseTimeoutMs: 1_000 }],
      autoDetect: noAuto,
    });
    serial.present.add('/dev/ttyS9');
    await manager.start();
    const paying = manager.paymentTerminal('pos').pay(100, 'R-000000000123');
    clock.advance(1_000);
    expect(await paying).toEqual({ approved: false, declineReason: 'timeout' });
    serial.link('/dev/ttyS9').send('OK R-000000000123 424242424242 4111111111111111 1111\n');
    const late = events.find((e) => e.kind === 'error' && e.code === 'late-approval');
    expect(late?.kind === 'error' && late.message).toContain('R-000000000123 (rrn 424242424242)');
    expect(JSON.stringify(events)).not.toContain('4111111111111111');
  });
});

describe('payment terminal handle: refunds and card reads', () => {
  it('answer terminal-unavailable while no terminal is connected', async () => {
    const { manager } = rig({ devices: [{ id: 'pos', type: 'payment-terminal', path: '/dev/ttyS9' }], autoDetect: noAuto, reconnect });
    await manager.start();
    const pos = manager.paymentTerminal();
    expect(await pos.refund(100, 'RET-1', '1')).toEqual({ approved: false, declineReason: 'terminal-unavailable' });
    expect(await pos.readCard('ID-1')).toEqual({ ok: false, reason: 'terminal-unavailable' });
  });
});

describe('scale handle', () => {
  it('answers offline while the scale is away, and weighs once it is back', async () => {
    const { manager, serial, clock, events } = rig({ devices: [{ id: 'scale', type: 'scale', path: '/dev/ttyS7' }], autoDetect: noAuto, reconnect });
    await manager.start();
    const scale = manager.scale?.();
    expect(await scale?.weigh()).toEqual({ ok: false, code: 'offline' });
    serial.present.add('/dev/ttyS7');
    clock.advance(100);
    await flush();
    expect(statuses(events, 'scale')).toEqual(['disconnected', 'connected']);
    expect(manager.list()[0]).toMatchObject({ type: 'scale', status: 'connected' });
    const weighing = scale?.weigh();
    serial.link('/dev/ttyS7').send('US,GS,+000.998kg\r\nST,GS,+001.002kg\r\n');
    expect(await weighing).toEqual({ ok: true, grams: 1_002, stable: true });
  });

  it('a till without a scale answers offline', async () => {
    const { manager } = rig({ devices: [], autoDetect: noAuto });
    await manager.start();
    expect(await manager.scale?.().weigh()).toEqual({ ok: false, code: 'offline' });
  });
});
