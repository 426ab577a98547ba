import { describe, expect, it } from 'vitest';
import { logFileName } from './logFile';

describe('log file name', () => {
  const day = new Date(2025, 0, 5, 23, 59);
  it('is loyalty-till-logs-<terminal>-<date>.txt with the terminal name made safe', () => {
    expect(logFileName('Касса 1', day)).toBe('loyalty-till-logs-Касса-1-2025-01-05.txt');
    expect(logFileName('Till "A"/../B: front', day)).toBe('loyalty-till-logs-Till-A-B-front-2025-01-05.txt');
    expect(logFileName('  ', day)).toBe('loyalty-till-logs-till-2025-01-05.txt');
    expect(logFileName(null, day)).toBe('loyalty-till-logs-till-2025-01-05.txt');
    expect(logFileName('x'.repeat(300), day)).toHaveLength('loyalty-till-logs--2025-01-05.txt'.length + 60);
  });
});
