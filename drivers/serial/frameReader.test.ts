import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fakeClock';
import { FrameReader } from './frameReader';

const b = (s: string) => Buffer.from(s, 'latin1');

function reader(clock: FakeClock, resyncQuietMs?: number) {
  const frames: string[] = [];
  const dropped: string[] = [];
  const options = { suffix: 'CR' as const, maxFrameLength: 16, interByteTimeoutMs: 100 };
  const r = new FrameReader(resyncQuietMs === undefined ? options : { ...options, resyncQuietMs }, clock, {
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

describe('FrameReader resynchronisation after a partial frame', () => {
  it('skips the tail that follows the pause, up to the next terminator', () => {
    const clock = new FakeClock();
    const { r, frames, dropped } = reader(clock, 1_000);
    r.push(b('400638'));
    clock.advance(300);
    r.push(b('1333931\r96385074\r'));
    expect(frames).toEqual(['96385074']);
    expect(dropped).toEqual(['partial-frame', 'partial-frame']);
  });

  it('a tail that never ends is dropped at the next timeout, and the skip goes on', () => {
    const clock = new FakeClock();
    const { r, frames, dropped } = reader(clock, 1_000);
    r.push(b('4006'));
    clock.advance(100);
    r.push(b('38'));
    clock.advance(100);
    r.push(b('13\rok-1\r'));
    expect(frames).toEqual(['ok-1']);
    expect(dropped).toEqual(['partial-frame', 'partial-frame', 'partial-frame']);
  });

  it('ends the skip when the line stays quiet after the drop', () => {
    const clock = new FakeClock();
    const { r, frames } = reader(clock, 1_000);
    r.push(b('}'));
    clock.advance(100 + 999);
    r.push(b('early\r'));
    r.push(b('}'));
    clock.advance(100 + 1_000);
    r.push(b('late\r'));
    expect(frames).toEqual(['late']);
  });

  it('dispose stops the quiet timer too', () => {
    const clock = new FakeClock();
    const { r } = reader(clock, 1_000);
    r.push(b('12'));
    clock.advance(100);
    r.dispose();
    expect(clock.pendingDelays()).toEqual([]);
  });
});
