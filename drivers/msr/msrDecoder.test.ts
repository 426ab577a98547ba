import { describe, expect, it } from 'vitest';
import { bankCardLookupKey } from '../../core/lookupKey';
import type { DeviceEvent } from '../../core/scan';
import { createDeviceManager } from '../manager';
import { FakeClock } from '../testing/fakeClock';
import { flush, until } from '../testing/flush';
import { FakeSerialBackend } from '../testing/fakeSerial';

const SECRET = 'chain-lookup-secret';
const PAN = '4111111111111111';
const PATH = '/dev/ttyMSR';

async function msrRig() {
  const clock = new FakeClock();
  const serial = new FakeSerialBackend();
  serial.present.add(PATH);
  const events: DeviceEvent[] = [];
  const internal: unknown[] = [];
  const manager = createDeviceManager({
    config: {
      devices: [{ type: 'msr', path: PATH, id: 'msr1', framing: { maxFrameLength: 120, interByteTimeoutMs: 50 } }],
      autoDetect: { serial: false, hid: false },
    },
    lookupSecret: SECRET,
    clock,
    serial,
    onInternalError: (e) => internal.push(e),
  });
  manager.on((e) => events.push(e));
  await manager.start();
  const link = serial.link(PATH);
  return { clock, serial, manager, events, internal, link };
}

const cards = (events: DeviceEvent[]) => events.filter((e) => e.kind === 'card');
const errors = (events: DeviceEvent[]) => events.filter((e) => e.kind === 'error');

describe('serial magnetic stripe reader', () => {
  it('a loyalty card swipe gives its card number', async () => {
    const { events, link } = await msrRig();
    link.send(';2712345678901?\r');
    await flush();
    expect(cards(events)).toEqual([{ kind: 'card', cardKind: 'loyalty', deviceId: 'msr1', cardNumber: '2712345678901', at: expect.any(Number) }]);
  });

  it('a bank card swipe gives only the keyed hash of the PAN and its last four digits', async () => {
    const { events, link } = await msrRig();
    link.send(`%B${PAN}^DOE/JOHN^2512101000?;${PAN}=2512101000?\r`);
    await until(() => cards(events).length > 0);
    expect(cards(events)).toEqual([
      { kind: 'card', cardKind: 'bank', deviceId: 'msr1', tokenHash: await bankCardLookupKey(SECRET, PAN), last4: '1111', at: expect.any(Number) },
    ]);
  });

  it('the PAN never leaves the driver: not in events, diagnostics, statuses or internal errors', async () => {
    const { clock, events, internal, link, manager } = await msrRig();
    const misread = PAN.slice(0, 15) + '2';
    const inputs = [
      `%B${PAN}^DOE/JOHN^2512101000?;${PAN}=2512101000?\r`, // good swipe
      `;${misread}=2512101?\r`, // misread bank card (fails Luhn)
      `%B${PAN}^DOE/JOHN^2512?;${'5555555555554444'}=2512?\r`, // tracks disagree
      `;${PAN}=2512101\x01?\r`, // noise inside the track
      `;${PAN}=${'0'.repeat(150)}?\r`, // over-long frame
      `;${PAN}=2512`, // partial frame (cable pulled mid-swipe)
    ];
    for (const input of inputs) {
      link.send(input);
      await flush();
    }
    await until(() => cards(events).length > 0);
    clock.advance(100);
    link.unplug();
    await flush();
    await manager.stop();
    const everything = JSON.stringify({ events, internal: internal.map(String), list: manager.list() });
    expect(errors(events).map((e) => e.kind === 'error' && e.code)).toEqual(['card-unreadable', 'card-unreadable', 'noise', 'frame-too-long', 'partial-frame']);
    expect(cards(events)).toHaveLength(1);
    for (const secret of [PAN, misread, PAN.slice(0, 12), PAN.slice(4, 16)]) expect(everything).not.toContain(secret);
  });

  it('the read buffer handed over by the port is wiped after a swipe', async () => {
    const { link, events } = await msrRig();
    const chunk = Buffer.from(`;${PAN}=2512101?\r`, 'latin1');
    link.send(chunk);
    await until(() => cards(events).length > 0);
    expect(chunk.every((b) => b === 0)).toBe(true);
  });

  it('a till without a lookup secret reads loyalty cards but refuses bank cards, saying why', async () => {
    const serial = new FakeSerialBackend();
    serial.present.add(PATH);
    const events: DeviceEvent[] = [];
    const manager = createDeviceManager({
      config: { devices: [{ type: 'msr', path: PATH }], autoDetect: { serial: false, hid: false } },
      lookupSecret: '',
      serial,
    });
    manager.on((e) => events.push(e));
    await manager.start();
    serial.link(PATH).send(`;${PAN}=2512101?\r;2712345678901?\r`);
    await flush();
    expect(cards(events).map((c) => c.cardKind)).toEqual(['loyalty']);
    expect(errors(events).map((e) => e.kind === 'error' && e.code)).toEqual(['no-lookup-secret']);
    expect(JSON.stringify(events)).not.toContain(PAN);
    await manager.stop();
  });
});
