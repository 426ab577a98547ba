import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../core/scan';
import type { DeviceConfigInput } from '../config';
import { createDeviceManager, type DeviceManager } from '../manager';
import { until } from '../testing/flush';
import { createSocatPair, type SocatPair } from '../testing/socatPair';
import { startFakeScale, type FakeScale, type FakeScaleOptions } from './fakeScale';
import type { Scale } from './scale';

/** The scale adapter over a real pty pair, through the device manager, with the fake scale on the other end. */
let pair: SocatPair | undefined;
let manager: DeviceManager | undefined;
let fake: FakeScale | undefined;

afterEach(async () => {
  await manager?.stop();
  await fake?.close();
  await pair?.dispose();
  manager = undefined;
  fake = undefined;
  pair = undefined;
});

async function rig(mode: FakeScaleOptions, device: Partial<Extract<DeviceConfigInput['devices'], unknown[]>[number]> = {}) {
  pair = await createSocatPair();
  fake = await startFakeScale(pair.a, mode);
  const events: DeviceEvent[] = [];
  manager = createDeviceManager({
    config: { devices: [{ id: 'scale1', type: 'scale', path: pair.b, ...device } as never], autoDetect: { serial: false, hid: false } },
    lookupSecret: 'secret',
  });
  manager.on((e) => events.push(e));
  await manager.start();
  await until(() => manager?.list()[0]?.status === 'connected');
  const scale: Scale | undefined = manager.scale?.('scale1');
  if (!scale) throw new Error('the manager has no scale accessor');
  return { scale, fake, events };
}

describe('serial scale over a pty pair', () => {
  it('continuous mode: goods placed on the scale are weighed once they settle', async () => {
    // Silent until asked, so that no reading of an empty scale is still on its way.
    const { scale, fake, events } = await rig({ mode: { kind: 'continuous', intervalMs: 20 }, silent: true });
    expect(events[0]).toMatchObject({ kind: 'status', deviceType: 'scale', status: 'connected' });
    fake.place(1_234, 5);
    const weighing = scale.weigh();
    fake.silence(false);
    expect(await weighing).toEqual({ ok: true, grams: 1_234, stable: true });
  });

  it('request mode with the 22-byte form: the till asks with the configured command', async () => {
    const { scale, fake } = await rig({ mode: { kind: 'request', command: 'WT' }, withDeviceId: true }, { request: { command: 'WT', intervalMs: 200 } });
    fake.place(705, 2);
    expect(await scale.weigh()).toEqual({ ok: true, grams: 705, stable: true });
    expect(fake.received.slice(0, 3)).toEqual(['WT', 'WT', 'WT']);
    fake.overload(true);
    expect(await scale.weigh()).toEqual({ ok: false, code: 'overload' });
  });

  it('a silent scale times out; an unplugged one is offline', async () => {
    const { scale } = await rig({ mode: { kind: 'continuous', intervalMs: 20 }, silent: true }, { responseTimeoutMs: 300 });
    expect(await scale.weigh()).toEqual({ ok: false, code: 'timeout' });
    await pair?.kill();
    await until(() => manager?.list()[0]?.status === 'disconnected', 5_000);
    expect(await scale.weigh()).toEqual({ ok: false, code: 'offline' });
  });
});
