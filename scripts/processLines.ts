import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Resolve with the first stdout line of `child` matching `pattern`; echo every line to
 * `onLine` (before and after the match). Rejects if the child exits or time runs out first.
 */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  onLine: (line: string) => void = () => undefined,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error('child has no stdout pipe'));
    const lines = createInterface({ input: child.stdout });
    let matched = false;
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}`)), timeoutMs);
    lines.on('line', (line) => {
      onLine(line);
      if (matched) return;
      const m = line.match(pattern);
      if (m) {
        matched = true;
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      if (!matched) {
        clearTimeout(timer);
        reject(new Error(`process exited (${code}) before printing ${pattern}`));
      }
    });
  });
}
