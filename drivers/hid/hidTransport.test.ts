import { describe, expect, it } from 'vitest';
import { nodeHidBackend } from './hidTransport';

/** The real node-hid wiring, as far as a machine without HID devices allows. */
describe('node-hid backend', () => {
  it('loads node-hid and lists devices (none on this machine) as plain records', async () => {
    const devices = await nodeHidBackend.list();
    expect(Array.isArray(devices)).toBe(true);
    for (const d of devices) expect(typeof d.path).toBe('string');
  });

  it('opening a device that is not there rejects instead of crashing', async () => {
    await expect(nodeHidBackend.open('/dev/hidraw-does-not-exist')).rejects.toThrow();
  });
});
