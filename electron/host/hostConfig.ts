import { resolve } from 'node:path';
import { z } from 'zod';

const Env = z.object({
  LT_SERVER_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8787'),
  LT_TILL_DATA_DIR: z.string().optional(),
  LT_ENROL_CODE: z.string().min(6).optional(),
  LT_TERMINAL_NAME: z.string().min(1).max(100).default('Касса 1'),
  LT_HOST_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  LT_DEVICE_CONFIG: z.string().optional(),
});

export interface HostConfig {
  serverUrl: string;
  dataDir: string;
  enrolCode: string | null;
  terminalName: string;
  port: number;
  deviceConfigPath: string | null;
}

/** The till host's settings, from the environment IT (or the demo launcher) gives it. */
export function readHostConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): HostConfig {
  // An empty variable means unset, as in most shells' habits (FOO= cmd).
  const e = Env.parse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  return {
    serverUrl: e.LT_SERVER_URL.replace(/\/+$/, ''),
    dataDir: resolve(cwd, e.LT_TILL_DATA_DIR ?? 'data/till'),
    enrolCode: e.LT_ENROL_CODE ?? null,
    terminalName: e.LT_TERMINAL_NAME,
    port: e.LT_HOST_PORT,
    deviceConfigPath: e.LT_DEVICE_CONFIG ? resolve(cwd, e.LT_DEVICE_CONFIG) : null,
  };
}
