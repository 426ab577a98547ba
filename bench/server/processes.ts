import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { SERVER_NODE_FLAGS } from '../../sync/server/nodeFlags';

/**
 * The processes of a scale-out run: the server bundle as `npm run build` makes it
 * (dist/node/server.mjs), server instances started from it, and haproxy in front of them.
 */

/** A port nobody listens on now (the OS's pick; taken back at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * How to start the server: `node` on a bundle made as scripts/build-electron.mjs makes
 * dist/node/server.mjs, written into node_modules/.cache (so that its external packages resolve;
 * a private copy, where rebuilding dist/ would disturb other work using it). BENCH_SERVER_BUNDLE
 * names a built one to use instead. When the tree does not bundle (work in progress elsewhere),
 * the instances run the sources through tsx, which compiles file by file.
 */
export async function serverCommand(root: string): Promise<string[]> {
  const given = process.env.BENCH_SERVER_BUNDLE;
  if (given) return [given];
  const outfile = join(root, 'node_modules/.cache/loyalty-till-bench/server.mjs');
  try {
    await build({
      entryPoints: [join(root, 'sync/server/main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    return [outfile];
  } catch (err) {
    console.error(`# the server does not bundle now (${(err as Error).message.split('\n')[1] ?? ''}); running it through tsx`);
    return ['--import', 'tsx', join(root, 'sync/server/main.ts')];
  }
}

export interface Child {
  proc: ChildProcess;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

function stopper(proc: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      // A server that does not finish its requests in time is not waited for.
      setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
    });
}

/** One server instance: `node <command>` on a port of its own, up when it says it listens. */
export async function startServer(command: readonly string[], env: Record<string, string>): Promise<Child & { base: string }> {
  // SCALE_SERVER_NODE_ARGS: flags for the instances' node (--cpu-prof to profile them).
  const flags = [...SERVER_NODE_FLAGS, ...(process.env.SCALE_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const proc = spawn(process.execPath, [...flags, ...command], { env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      said += chunk.toString('utf8');
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(said);
      if (m) resolve(m[1]!);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => (said += c.toString('utf8')));
    proc.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${said.slice(-2000)}`)));
  });
  // Keep reading what it says, or a full pipe would stall it.
  proc.stdout!.resume();
  proc.stderr!.resume();
  return { proc, base, stop: stopper(proc) };
}

/**
 * haproxy in front of `servers`, as a chain would run it: HTTP mode, keep-alive on both sides,
 * least-connections balancing, at most `perServer` requests at a time on each instance (the
 * rest queue in haproxy, not in the instance's pool), and its statistics as CSV on `statsPort`.
 */
export async function startHaproxy(
  dir: string,
  servers: readonly string[],
  perServer: number,
): Promise<Child & { port: number; requestsByServer(): Promise<Map<string, number>> }> {
  const port = await freePort();
  const statsPort = await freePort();
  const config = `global
  maxconn 8000
  nbthread 1

defaults
  mode http
  option http-keep-alive
  option forwardfor
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout queue 300s
  timeout http-keep-alive 60s

frontend tills
  bind 127.0.0.1:${port}
  maxconn 8000
  default_backend instances

backend instances
  balance leastconn
  http-reuse safe
${servers.map((s, i) => `  server i${i + 1} ${new URL(s).host} maxconn ${perServer}`).join('\n')}

frontend stats
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats
`;
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const binary = process.env.BENCH_HAPROXY ?? '/usr/sbin/haproxy';
  const proc = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  proc.stdout!.on('data', (c: Buffer) => (said += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => (said += c.toString('utf8')));
  const spawned = new Promise<never>((_, reject) => {
    proc.once('error', (err) => reject(new Error(`${binary}: ${err.message} (scripts/install-system-packages.sh installs haproxy)`)));
    proc.once('exit', (code) => reject(new Error(`haproxy exited (${code}): ${said.slice(-2000)}`)));
  });
  // Up when its port answers.
  for (let i = 0; ; i++) {
    const up = await Promise.race([
      spawned,
      new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      }),
    ]);
    if (up) break;
    if (i > 100) throw new Error(`haproxy does not listen: ${said}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  spawned.catch(() => undefined);
  return {
    proc,
    port,
    stop: stopper(proc),
    async requestsByServer() {
      const res = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`);
      const rows = (await res.text()).split('\n').map((l) => l.split(','));
      const header = rows[0] ?? [];
      const at = (name: string) => header.findIndex((h) => h.replace(/^# /, '') === name);
      const [px, sv, total] = [at('pxname'), at('svname'), at('stot')];
      const out = new Map<string, number>();
      for (const r of rows) if (r[px] === 'instances' && /^i\d+$/.test(r[sv] ?? '')) out.set(r[sv]!, Number(r[total]));
      return out;
    },
  };
}
