import { runCli } from './cliCommands';

/** `npm run server:cli -- <command>`: `serve` runs the server, other commands call its admin API. */
const [command, ...rest] = process.argv.slice(2);
if (command === 'serve') {
  await import('./main');
} else {
  const code = await runCli(command === undefined ? [] : [command, ...rest], process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    fetch,
  });
  process.exitCode = code;
}
