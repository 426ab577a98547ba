import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFiscalRegister } from '../../drivers/fiscal';
import { AtolSimulator } from '../../drivers/testing/atolSimulator';
import { createFiscalService } from './fiscalService';
import { createHostServices } from './hostServices';
import { MemoryCredentials } from './testing/tillHostProcess';

let sim: AtolSimulator;
beforeAll(async () => {
  sim = await AtolSimulator.start({ port: 0 });
});
afterAll(async () => {
  await sim?.close();
});

function host(withRegister: boolean) {
  const settings = { defaultVat: 'vat22', bonuses: 'discount' } as const;
  const register = createFiscalRegister({
    kind: 'atol-web',
    url: sim.url,
    pollIntervalMs: 10,
    requestTimeoutMs: 1_000,
    taskTimeoutMs: 2_000,
    markingTimeoutMs: 1_000,
    ...settings,
    enabled: true,
  })!;
  const fiscal = withRegister ? createFiscalService(register, settings) : null;
  return createHostServices({
    mode: 'browser',
    credentials: new MemoryCredentials(),
    devices: { list: () => [], on: () => () => undefined, fiscal },
    timeoutMs: 2_000,
  });
}

describe('fiscal host op: non-fiscal text (a receipt copy)', () => {
  it('prints the lines on the register without a fiscal document', async () => {
    sim.reset();
    const before = sim.state().documents.length;
    const r = await host(true).handle({ op: 'fiscal', action: 'printText', lines: ['КОПИЯ ЧЕКА', 'ИТОГ 1 234,50'] });
    expect(r).toEqual({ ok: true, value: { ok: true, value: null } });
    expect(sim.state().printed).toContainEqual(['КОПИЯ ЧЕКА', 'ИТОГ 1 234,50']);
    expect(sim.state().documents.length).toBe(before);
  });

  it('refuses text wider than the paper, too long, empty or with control characters at the edge', async () => {
    sim.reset();
    const h = host(true);
    for (const lines of [['x'.repeat(49)], Array.from({ length: 201 }, () => 'x'), [], ['a\x1bp'], ['a\nb'], 'text']) {
      expect(await h.handle({ op: 'fiscal', action: 'printText', lines })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect(sim.state().printed).toEqual([]);
  });

  it("answers the register's error (paper out) and a till without a register says it has none", async () => {
    sim.reset();
    sim.setFaults({ paperOut: true });
    expect(await host(true).handle({ op: 'fiscal', action: 'printText', lines: ['x'] })).toMatchObject({
      ok: true,
      value: { ok: false, error: { code: 'paperOut' } },
    });
    sim.setFaults({ paperOut: false });
    expect(await host(false).handle({ op: 'fiscal', action: 'printText', lines: ['x'] })).toMatchObject({
      ok: false,
      error: { code: 'fiscal_not_configured' },
    });
  });
});
