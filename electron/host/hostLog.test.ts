import { describe, expect, it } from 'vitest';
import { describeDeviceEvent, logDeviceEvents } from './deviceLog';
import { createHostLog, formatLogLine, MAX_MESSAGE } from './hostLog';

function clock(start = Date.UTC(2025, 0, 15, 10, 30)) {
  let t = start;
  return { now: () => t, tick: (ms = 1000) => (t += ms) };
}

describe('host log ring buffer', () => {
  it('keeps the last `capacity` lines, oldest first', () => {
    const c = clock();
    const log = createHostLog({ capacity: 5, now: c.now });
    for (let i = 1; i <= 12; i++) {
      log.info(`line ${i}`);
      c.tick();
    }
    expect(log.lines().map((l) => l.message)).toEqual(['line 8', 'line 9', 'line 10', 'line 11', 'line 12']);
    expect(log.lines(2).map((l) => l.message)).toEqual(['line 11', 'line 12']);
    expect(log.lines(0)).toEqual([]);
    expect(log.text().split('\n')).toHaveLength(5);
    expect(log.lines()[0]!.at).toBe('2025-01-15T10:30:07.000Z');
  });

  it('is right before it wraps and exactly at capacity', () => {
    const log = createHostLog({ capacity: 3 });
    expect(log.lines()).toEqual([]);
    expect(log.text()).toBe('');
    log.warn('a');
    expect(log.lines().map((l) => l.message)).toEqual(['a']);
    log.error('b');
    log.info('c');
    expect(log.lines().map((l) => [l.level, l.message])).toEqual([
      ['warn', 'a'],
      ['error', 'b'],
      ['info', 'c'],
    ]);
    log.info('d');
    expect(log.lines().map((l) => l.message)).toEqual(['b', 'c', 'd']);
  });

  it('counts a message repeated in a row instead of filling the buffer with it', () => {
    const c = clock();
    const log = createHostLog({ capacity: 3, now: c.now });
    log.info('started');
    for (let i = 0; i < 100; i++) {
      c.tick();
      log.warn('API POST /api/v1/push: server unreachable');
    }
    log.info('back');
    const lines = log.lines();
    expect(lines.map((l) => [l.message, l.repeats])).toEqual([
      ['started', 1],
      ['API POST /api/v1/push: server unreachable', 100],
      ['back', 1],
    ]);
    expect(formatLogLine(lines[1]!)).toBe('2025-01-15T10:30:01.000Z WARN  API POST /api/v1/push: server unreachable (×100, last 2025-01-15T10:31:40.000Z)');
  });

  it('scrubs when a line is added and again when it leaves, once a secret is known', () => {
    const echoed: string[] = [];
    const log = createHostLog({ echo: (l) => echoed.push(l) });
    log.info('customer 2700000000427 phone +7 (916) 000-00-42');
    log.info('a message with tok_live_0123456789abcdef in it');
    log.addSecret('tok_live_0123456789abcdef');
    const text = log.text();
    expect(text).not.toContain('2700000000427');
    expect(text).not.toContain('000-00-42');
    expect(text).not.toContain('tok_live_0123456789abcdef');
    expect(echoed.join('\n')).not.toContain('2700000000427');
    expect(log.scrub('x tok_live_0123456789abcdef y')).toBe('x [secret] y');
  });

  it('keeps one line per entry and cuts very long messages', () => {
    const log = createHostLog();
    log.error(`first\nsecond\r\nthird ${'x'.repeat(5000)}`);
    const [line] = log.lines();
    expect(line!.message).not.toMatch(/[\r\n]/);
    expect(line!.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(log.text().split('\n')).toHaveLength(1);
  });
});

describe('device events in the host log', () => {
  it('logs status changes and errors with their detail, scans and card reads without their text', () => {
    const listeners: Array<(e: Parameters<typeof describeDeviceEvent>[0]) => void> = [];
    const log = createHostLog();
    const stop = logDeviceEvents({ on: (l) => (listeners.push(l), () => listeners.splice(listeners.indexOf(l), 1)) }, log);
    const emit = (e: Parameters<typeof describeDeviceEvent>[0]) => listeners.forEach((l) => l(e));
    emit({ kind: 'status', deviceId: 'front-scanner', deviceType: 'scanner', status: 'connected', at: 1 });
    emit({ kind: 'scan', deviceId: 'front-scanner', source: 'serial', symbology: 'EAN13', text: '2700000000427', at: 2 });
    emit({ kind: 'card', cardKind: 'loyalty', deviceId: 'msr', cardNumber: '2700000000427', at: 3 });
    emit({ kind: 'card', cardKind: 'bank', deviceId: 'msr', tokenHash: 'abcdefghijklmnopqrstuvwxyz', last4: '4242', at: 4 });
    emit({ kind: 'status', deviceId: 'front-scanner', deviceType: 'scanner', status: 'disconnected', detail: 'port closed', at: 5 });
    emit({ kind: 'error', deviceId: 'front-scanner', code: 'frame_too_long', message: 'frame over 4096 bytes dropped', at: 6 });
    stop();
    emit({ kind: 'status', deviceId: 'front-scanner', deviceType: 'scanner', status: 'connected', at: 7 });
    expect(log.lines().map((l) => `${l.level} ${l.message}`)).toEqual([
      'info device front-scanner (scanner) connected',
      'info scan from front-scanner (serial, EAN13, 13 characters)',
      'info card read on msr: loyalty card, 13 digits',
      'info card read on msr: bank card (hashed at the driver)',
      'warn device front-scanner (scanner) disconnected: port closed',
      'error device front-scanner error frame_too_long: frame over 4096 bytes dropped',
    ]);
    expect(log.text()).not.toMatch(/2700000000427|4242|abcdefghij/);
  });
});
