import { openSync, writeSync, closeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../core/scan';
import { createDeviceManager, type DeviceManager } from './manager';
import type { DeviceConfigInput } from './config';
import { nextEvent } from './testing/events';
import { createSocatPair, type SocatPair } from './testing/socatPair';

/**
 * End to end through real serial ports: socat pty pairs stand in for scanners. A test
 * writes scanner bytes into end `a`; the manager has claimed end `b`.
 */
const pairs: SocatPair[] = [];
let manager: DeviceManager | undefined;

afterEach(async () => {
  await manager?.stop();
  manager = undefined;
  await Promise.all(pairs.splice(0).map((p) => p.dispose()));
});

function writeTo(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  } finally {
    closeSync(fd);
  }
}

async function pair(): Promise<SocatPair> {
  const p = await createSocatPair();
  pairs.push(p);
  return p;
}

function start(config: DeviceConfigInput): DeviceManager {
  manager = createDeviceManager({ config, lookupSecret: 'secret' });
  return manager;
}

const isScan =
  (id: string) =>
  (e: DeviceEvent): e is Extract<DeviceEvent, { kind: 'scan' }> =>
    e.kind === 'scan' && e.deviceId === id;
const isStatus = (id: string, status: string) => (e: DeviceEvent) => e.kind === 'status' && e.deviceId === id && e.status === status;

describe('serial scanners through pty pairs', () => {
  it('scans, notices the cable pulled, reconnects by itself and scans again', async () => {
    const p = await pair();
    const m = start({
      devices: [{ id: 'till-scanner', type: 'scanner', path: p.b, framing: { aimIds: true, suffix: 'CRLF' } }],
      autoDetect: { serial: false, hid: false },
      reconnect: { baseMs: 50, maxMs: 200, jitter: 0.2, presenceCheckMs: 100 },
    });
    const connected = nextEvent(m, isStatus('till-scanner', 'connected'), 'connected');
    await m.start();
    await connected;

    const first = nextEvent(m, isScan('till-scanner'), 'first scan');
    writeTo(p.a, ']E04006381333931\r\n');
    expect(await first).toMatchObject({ source: 'serial', symbology: 'EAN13', text: '4006381333931' });

    const gone = nextEvent(m, isStatus('till-scanner', 'disconnected'), 'disconnected');
    await p.kill();
    await gone;
    expect(m.list()[0]?.status).toBe('disconnected');

    const back = nextEvent(m, isStatus('till-scanner', 'connected'), 'connected');
    await p.restart();
    await back;

    const second = nextEvent(m, isScan('till-scanner'), 'scan after reconnect');
    writeTo(p.a, ']d2010460043993125621JgXJ5.T\x1d91EE06\r\n');
    expect(await second).toMatchObject({ symbology: 'DATAMATRIX', text: '010460043993125621JgXJ5.T\x1d91EE06' });
  });

  it('a scanner sending noise does not stop the other one', async () => {
    const noisy = await pair();
    const good = await pair();
    const m = start({
      devices: [
        { id: 'noisy', type: 'scanner', path: noisy.b, framing: { interByteTimeoutMs: 20 } },
        { id: 'good', type: 'scanner', path: good.b },
      ],
      autoDetect: { serial: false, hid: false },
    });
    const events: DeviceEvent[] = [];
    m.on((e) => events.push(e));
    await m.start();

    const noiseReported = nextEvent(m, (e) => e.kind === 'error' && e.deviceId === 'noisy', 'noise diagnostic');
    const noise = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256);
    writeTo(noisy.a, noise);
    const scanned = nextEvent(m, isScan('good'), 'good scan');
    writeTo(good.a, '96385074\r');
    expect(await scanned).toMatchObject({ text: '96385074', symbology: 'EAN8' });
    await noiseReported;

    writeTo(noisy.a, noise);
    const again = nextEvent(m, isScan('good'), 'second good scan');
    writeTo(good.a, '4006381333931\r');
    expect(await again).toMatchObject({ text: '4006381333931' });
    expect(events.filter((e) => e.kind === 'scan' && e.deviceId === 'noisy')).toEqual([]);
    expect(m.list().map((d) => d.status)).toEqual(['connected', 'connected']);
  });
});
