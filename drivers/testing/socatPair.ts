import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A pair of connected pseudo-terminals made by socat: to serialport they are real serial
 * ports. `a` plays the device, `b` is what the till opens (or the other way round).
 * Used by the end-to-end tests and the bench.
 */
export interface SocatPair {
  readonly dir: string;
  readonly a: string;
  readonly b: string;
  /** Kills socat (the "cable is pulled"); resolves when it has exited and removed its links. */
  kill(): Promise<void>;
  /** Starts socat again with the same link names ("plugged back in"). */
  restart(): Promise<void>;
  /** Kills socat and removes the temp dir. */
  dispose(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export async function createSocatPair(prefix = 'loyalty-till-pty-'): Promise<SocatPair> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    const p = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    live.add(p);
    p.once('exit', () => live.delete(p));
    child = p;
    await waitFor(() => existsSync(a) && existsSync(b), 5_000, 'socat links');
  }

  async function kill(): Promise<void> {
    const p = child;
    child = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
    // socat removes its links on SIGTERM; make sure before a restart reuses the names.
    await waitFor(() => !existsSync(a) && !existsSync(b), 2_000, 'socat links removed').catch(() => {
      rmSync(a, { force: true });
      rmSync(b, { force: true });
    });
  }

  await start();
  return {
    dir,
    a,
    b,
    kill,
    restart: start,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
