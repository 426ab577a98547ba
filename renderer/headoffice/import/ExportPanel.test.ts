import { describe, expect, it } from 'vitest';
import { exportRange } from './ExportPanel';

describe('CSV export period', () => {
  it('takes whole days in the browser’s zone: from the first day’s midnight up to (not including) the midnight after the last', () => {
    expect(exportRange('2026-03-01', '2026-03-31')).toEqual({ from: new Date(2026, 2, 1).toISOString(), to: new Date(2026, 3, 1).toISOString() });
    // The last day of a year rolls into the next.
    expect(exportRange('', '2026-12-31')).toEqual({ to: new Date(2027, 0, 1).toISOString() });
    expect(exportRange('2026-12-07', '')).toEqual({ from: new Date(2026, 11, 7).toISOString() });
    expect(exportRange('', '')).toEqual({});
  });
});
