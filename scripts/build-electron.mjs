// Bundles the Node-side entry points. Dependencies stay external (node_modules), so
// native modules (serialport, node-hid) and PGlite's wasm load from where they were installed.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs', packages: 'external' }),
  // A sandboxed preload may require only 'electron': bundle everything else into it.
  build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
  build({ ...common, entryPoints: ['electron/host/main.ts'], outfile: 'dist/node/host.mjs', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['sync/server/main.ts'], outfile: 'dist/node/server.mjs', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['scripts/launch.ts'], outfile: 'dist/node/launch.mjs', format: 'esm', packages: 'external' }),
  // The ATOL register simulator, started by `npm start` as the demo till's fiscal register.
  build({ ...common, entryPoints: ['drivers/testing/atolSimulatorMain.ts'], outfile: 'dist/node/atol-sim.mjs', format: 'esm', packages: 'external' }),
  // The fake SMS provider, started by `npm start` as the demo chain's SMS gateway (prints the codes).
  build({ ...common, entryPoints: ['sync/server/sms/testing/fakeSmsProviderMain.ts'], outfile: 'dist/node/sms-fake.mjs', format: 'esm', packages: 'external' }),
]);
console.log('Built electron main, preload, till host, server and launcher into dist/');
