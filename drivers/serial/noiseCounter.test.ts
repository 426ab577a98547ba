import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fakeClock';
import { NoiseCounter } from './noiseCounter';

describe('NoiseCounter', () => {
  it('reports the first drop at once, then one summary per window while the noise goes on', () => {
    const clock = new FakeClock();
    const reports: string[] = [];
    const n = new NoiseCounter(clock, 1_000, (m) => reports.push(m));
    n.add('too-short');
    n.add('too-short');
    n.add('control-bytes');
    expect(reports).toEqual(['dropped 1 frame as noise (too-short)']);
    clock.advance(1_000);
    expect(reports.at(-1)).toBe('dropped 2 frames as noise (too-short, control-bytes)');
    clock.advance(1_000);
    expect(reports).toHaveLength(2);
    expect(clock.pendingDelays()).toEqual([]);
    n.add('too-short');
    expect(reports.at(-1)).toBe('dropped 1 frame as noise (too-short)');
  });

  it('dispose reports what is left and stops its timer', () => {
    const clock = new FakeClock();
    const reports: string[] = [];
    const n = new NoiseCounter(clock, 1_000, (m) => reports.push(m));
    n.add('a');
    n.add('b');
    n.add('b');
    n.dispose();
    expect(reports).toEqual(['dropped 1 frame as noise (a)', 'dropped 2 frames as noise (b x2)']);
    expect(clock.pendingDelays()).toEqual([]);
  });
});
