import { AtolSimulator } from './atolSimulator';

/**
 * Runs the ATOL web server simulator for a demo till or e2e tests:
 *   npx tsx drivers/testing/atolSimulatorMain.ts [port]
 * The port comes from the argument, else ATOL_SIM_PORT, else 16732 (the vendor's default);
 * 0 picks a free one. It listens on 127.0.0.1 only and prints its URL on the first line.
 */
async function main(): Promise<void> {
  const raw = process.argv[2] ?? process.env.ATOL_SIM_PORT ?? '16732';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`usage: atolSimulatorMain.ts [port]  (got "${raw}")`);
    process.exitCode = 2;
    return;
  }
  const sim = await AtolSimulator.start({ port });
  console.log(`ATOL web server simulator listening on ${sim.url}`);
  console.log('faults: POST /sim/faults {"paperOut":true}; state: GET /sim/state; clock: POST /sim/clock {"advanceMs":86400000}');
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
