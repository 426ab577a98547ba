import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fakeClock';
import { flush } from '../testing/flush';
import { SerialScale, type ScaleRequest } from './serialScale';
import { formatWeightLine, type WeightReading } from './weightLine';

function rig(request: ScaleRequest | null = null) {
  const clock = new FakeClock();
  const written: string[] = [];
  const diagnostics: string[] = [];
  const scale = new SerialScale(
    { write: async (d) => void written.push(d) },
    { clock, request, responseTimeoutMs: 1_000, stableTimeoutMs: 3_000, onDiagnostic: (c) => diagnostics.push(c) },
  );
  const send = (r: WeightReading) => scale.push(Buffer.from(formatWeightLine(r), 'latin1'));
  return { clock, written, diagnostics, scale, send };
}

const stable = (grams: number): WeightReading => ({ status: 'stable', net: false, grams });
const moving = (grams: number): WeightReading => ({ status: 'unstable', net: false, grams });

describe('SerialScale, continuous mode', () => {
  it('waits past unsteady readings for a steady one', async () => {
    const { scale, send } = rig();
    const weighing = scale.weigh();
    send(moving(1_180));
    send(moving(1_262));
    send(stable(1_234));
    expect(await weighing).toEqual({ ok: true, grams: 1_234, stable: true });
  });

  it('only readings after the question count', async () => {
    const { scale, send } = rig();
    send(stable(500));
    const weighing = scale.weigh();
    send(stable(1_234));
    expect(await weighing).toEqual({ ok: true, grams: 1_234, stable: true });
  });

  it('requireStable: false takes the first reading and says whether it was steady', async () => {
    const { scale, send } = rig();
    const live = scale.weigh({ requireStable: false });
    send(moving(990));
    expect(await live).toEqual({ ok: true, grams: 990, stable: false });
  });

  it('goods that never settle: unstable; a silent scale: timeout', async () => {
    const { scale, send, clock } = rig();
    const weighing = scale.weigh();
    send(moving(1_000));
    clock.advance(2_999);
    send(moving(1_010));
    clock.advance(1);
    expect(await weighing).toEqual({ ok: false, code: 'unstable' });
    const silent = scale.weigh();
    clock.advance(1_000);
    expect(await silent).toEqual({ ok: false, code: 'timeout' });
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('an overload is answered at once', async () => {
    const { scale, send } = rig();
    const weighing = scale.weigh();
    send({ status: 'overload', net: false, grams: null });
    expect(await weighing).toEqual({ ok: false, code: 'overload' });
  });

  it('several callers share the readings', async () => {
    const { scale, send } = rig();
    const a = scale.weigh();
    const b = scale.weigh({ requireStable: false });
    send(moving(100));
    send(stable(120));
    expect(await Promise.all([a, b])).toEqual([
      { ok: true, grams: 120, stable: true },
      { ok: true, grams: 100, stable: false },
    ]);
  });

  it('unplugged while weighing, or after: offline', async () => {
    const { scale, clock } = rig();
    const weighing = scale.weigh();
    scale.dispose();
    expect(await weighing).toEqual({ ok: false, code: 'offline' });
    expect(await scale.weigh()).toEqual({ ok: false, code: 'offline' });
    expect(clock.pendingDelays()).toEqual([]);
  });
});

describe('SerialScale, request mode', () => {
  const request: ScaleRequest = { command: 'W', suffix: 'CRLF', intervalMs: 200 };

  it('asks, and asks again while the weight settles, then stops asking', async () => {
    const { scale, send, clock, written } = rig(request);
    const weighing = scale.weigh();
    expect(written).toEqual(['W\r\n']);
    send(moving(700));
    clock.advance(200);
    expect(written).toEqual(['W\r\n', 'W\r\n']);
    send(stable(705));
    expect(await weighing).toEqual({ ok: true, grams: 705, stable: true });
    clock.advance(1_000);
    await flush();
    expect(written).toHaveLength(2);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('a scale that never answers: timeout, and the asking stops', async () => {
    const { scale, clock, written } = rig({ ...request, suffix: 'none' });
    const weighing = scale.weigh();
    clock.advance(1_000);
    expect(await weighing).toEqual({ ok: false, code: 'timeout' });
    expect(written).toEqual(['W', 'W', 'W', 'W', 'W']);
    expect(clock.pendingDelays()).toEqual([]);
  });
});
