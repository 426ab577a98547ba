import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,drivers,electron,renderer,sync,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Lookup keys with the native Argon2id, as in the server and the till host (core/argon2Native.ts).
    setupFiles: ['core/testing/nativeArgon2Setup.ts'],
    // Hang guards, not speed limits: the heavy tests (1,000 checkouts through a faulty
    // network, property runs against PGlite) take several times longer on a busy machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Server tests start PGlite instances; keep parallelism within 2 cores.
    maxWorkers: 2,
  },
});
