/** What every bench prints: one figure per line, `name: value unit`, and percentiles of samples. */
export const out = (name: string, value: number | string, unit = ''): void => console.log(`${name}: ${value}${unit ? ` ${unit}` : ''}`);

/** The p-quantile (0..1) of the samples, nearest rank. */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
