import { describe, expect, it } from 'vitest';
import { findSerialPort, hidCandidates, serialCandidates } from './discovery';

const vendors = new Set([0x0c2e, 0x05e0]);

describe('serial auto-detection', () => {
  it('takes ports of known scanner vendors and leaves generic USB-serial chips alone', () => {
    const c = serialCandidates(
      [
        { path: '/dev/ttyACM0', vendorId: 0x0c2e, productId: 0x0b61, pnpId: 'usb-Honeywell_Imaging_1900-if00' },
        { path: '/dev/ttyUSB0', vendorId: 0x0403, productId: 0x6001 },
        { path: '/dev/ttyS0' },
      ],
      vendors,
    );
    expect(c).toEqual([
      {
        id: 'serial:usb-Honeywell_Imaging_1900-if00',
        identity: { vendorId: 0x0c2e, productId: 0x0b61, pnpId: 'usb-Honeywell_Imaging_1900-if00' },
        path: '/dev/ttyACM0',
      },
    ]);
  });

  it('finds the same scanner again under a new tty name', () => {
    const [c] = serialCandidates([{ path: '/dev/ttyACM0', vendorId: 0x05e0, productId: 0x1701, serialNumber: 'S1' }], vendors);
    expect(c?.id).toBe('serial:05e0:1701:S1');
    expect(
      findSerialPort(
        [
          { path: '/dev/ttyACM1', vendorId: 0x05e0, productId: 0x1701, serialNumber: 'S2' },
          { path: '/dev/ttyACM2', vendorId: 0x05e0, productId: 0x1701, serialNumber: 'S1' },
        ],
        c!.identity,
      )?.path,
    ).toBe('/dev/ttyACM2');
  });
});

describe('HID auto-detection', () => {
  it('takes usage page 0x8C only, once per path, with ids that survive re-plugging', () => {
    const c = hidCandidates([
      { path: '/dev/hidraw0', vendorId: 0x0c2e, productId: 0x0b87, usagePage: 0x01, usage: 0x06 },
      { path: '/dev/hidraw1', vendorId: 0x0c2e, productId: 0x0b87, usagePage: 0x8c, usage: 0x02 },
      { path: '/dev/hidraw1', vendorId: 0x0c2e, productId: 0x0b87, usagePage: 0x8c, usage: 0x12 },
      { path: '/dev/hidraw2', vendorId: 0x0c2e, productId: 0x0b87, usagePage: 0x8c, usage: 0x02 },
      { path: '/dev/hidraw3', vendorId: 0x046d, productId: 0xc31c, usagePage: 0x01, usage: 0x06 },
    ]);
    expect(c.map((x) => [x.id, x.path])).toEqual([
      ['hid:0c2e:0b87', '/dev/hidraw1'],
      ['hid:0c2e:0b87#2', '/dev/hidraw2'],
    ]);
  });
});
