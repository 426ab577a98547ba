import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const APP_PACKAGE_NAME = 'loyalty-till';

/**
 * The application's version from its own package.json, found by walking up from where the
 * code runs: the bundle's folder (dist/node, dist/electron, or inside app.asar), the entry
 * script's folder, Electron's resources (app.asar), the working folder. Electron's fs reads
 * inside app.asar. Only a package.json named `loyalty-till` counts; 'unknown' when none is found.
 */
export function findAppVersion(
  startDirs: Array<string | undefined> = defaultStartDirs(),
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): string {
  for (const start of startDirs) {
    if (!start) continue;
    let dir = resolve(start);
    for (let depth = 0; depth < 5; depth++) {
      try {
        const pkg = JSON.parse(read(join(dir, 'package.json'))) as { name?: unknown; version?: unknown };
        if (pkg.name === APP_PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // No (readable) package.json here: go up.
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return 'unknown';
}

function defaultStartDirs(): Array<string | undefined> {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  return [
    // Defined in the CommonJS bundle (Electron main); absent in the ESM host bundle.
    typeof __dirname === 'string' ? __dirname : undefined,
    process.argv[1] ? dirname(resolve(process.argv[1])) : undefined,
    resources ? join(resources, 'app.asar') : undefined,
    resources ? join(resources, 'app') : undefined,
    process.cwd(),
  ];
}
