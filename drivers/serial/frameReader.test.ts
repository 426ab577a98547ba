import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fakeClock';
import { FrameReader } from './frameReader';

const b = (s: string) => Buffer.from(s, 'latin1');

function reader(clock: FakeClock) {
  const frames: string[] = [];
  const dropped: string[] = [];
  const r = new FrameReader({ suffix: 'CR', maxFrameLength: 16, interByteTimeoutMs: 100 }, clock, {
    onFrame: (bytes) => frames.push(Buffer.from(bytes).toString('latin1')),
    onDropped: (code) => dropped.push(code),
  });
  return { r, frames, dropped };
}

describe('FrameReader inter-byte timeout', () => {
  it('drops a frame whose bytes stop arriving, and does not glue it to the next one', () => {
    const clock = new FakeClock();
    const { r, frames, dropped } = reader(clock);
    r.push(b('400638'));
    clock.advance(100);
    expect(dropped).toEqual(['partial-frame']);
    r.push(b('1333931\r'));
    expect(frames).toEqual(['1333931']);
  });

  it('keeps a frame whose bytes keep coming within the timeout', () => {
    const clock = new FakeClock();
    const { r, frames, dropped } = reader(clock);
    for (const ch of '4006381333931') {
      r.push(b(ch));
      clock.advance(60);
    }
    r.push(b('\r'));
    clock.advance(1_000);
    expect(frames).toEqual(['4006381333931']);
    expect(dropped).toEqual([]);
  });

  it('reports an over-long frame and then reads on', () => {
    const clock = new FakeClock();
    const { r, frames, dropped } = reader(clock);
    r.push(b('x'.repeat(40) + '\rok\r'));
    expect(dropped).toEqual(['frame-too-long']);
    expect(frames).toEqual(['ok']);
  });

  it('dispose stops the timer', () => {
    const clock = new FakeClock();
    const { r, dropped } = reader(clock);
    r.push(b('123'));
    r.dispose();
    clock.advance(1_000);
    expect(dropped).toEqual([]);
    expect(clock.pendingDelays()).toEqual([]);
  });
});
