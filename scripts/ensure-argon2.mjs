// Runs after `npm install` / `npm ci`. The argon2 package's prebuilt Linux binary crashes on some
// machines (a segfault on load, seen on the project's own CI machines), and npm 11 does not run
// its install script. If loading it fails, build it from source against the machine's Node headers.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const loads = () => spawnSync(process.execPath, ['-e', "require('argon2')"], { stdio: 'ignore' }).status === 0;

let dir;
try {
  dir = dirname(require.resolve('argon2/package.json'));
} catch {
  process.exit(0); // not installed (e.g. a production install without it): nothing to do
}
if (loads()) process.exit(0);

console.log('argon2: the prebuilt binary does not load here; building it from source');
function nodeGyp() {
  try {
    return join(dirname(require.resolve('node-gyp/package.json')), 'bin', 'node-gyp.js');
  } catch {
    // npm bundles node-gyp beside its own CLI.
    return join(dirname(process.env.npm_execpath ?? ''), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  }
}
const gyp = nodeGyp();
const args = [gyp, 'rebuild'];
// npm passes its configured Node headers folder; without it node-gyp would try to download them.
const nodedir = process.env.npm_config_nodedir;
if (nodedir && existsSync(join(nodedir, 'include', 'node'))) args.push(`--nodedir=${nodedir}`);
const built = spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' });
if (built.status !== 0 || !loads()) {
  console.error('argon2: could not build it from source (python3, make and g++ are needed); lookup keys will not work');
  process.exit(1);
}
console.log('argon2: built from source');
