// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The house plan (see scripts/layering.test.ts, which also checks third-party packages):
 * each room lists the rooms its production code may import. Anything not listed is
 * forbidden, so a new room or a new arrow has to be written down here first.
 * Tests (*.test.ts), e2e/ and bench/ sit outside the plan: they wire whole rooms together.
 */
const ROOMS = {
  core: ['core'],
  drivers: ['core', 'drivers'],
  'sync/protocol': ['core', 'sync/protocol'],
  'sync/client': ['core', 'sync/protocol', 'sync/client'],
  'sync/server': ['core', 'sync/protocol', 'sync/server'],
  // Test support shared by client, server, e2e and bench (seeded PRNG, fault proxy).
  'sync/testing': ['core', 'sync/protocol', 'sync/testing'],
  electron: ['core', 'drivers', 'sync/protocol', 'sync/client', 'electron'],
  renderer: ['core', 'sync/protocol', 'sync/client', 'renderer'],
  scripts: ['scripts'],
  // Top-level config files (playwright.config.ts, vitest.config.ts).
  '*.{ts,mts,js,mjs}': [],
};

/** Folders that no production room may import; listed so every zone names them. */
const TEST_ROOMS = ['e2e', 'bench'];

/** @param {Record<string, string[]>} rooms */
function layeringZones(rooms) {
  const dirs = [...Object.keys(rooms).filter((room) => !room.includes('*')), ...TEST_ROOMS];
  return Object.entries(rooms).map(([room, allowed]) => ({
    target: room,
    // A room is never forbidden its own parent (sync/server may import sync/protocol, not all of sync/).
    from: dirs.filter((dir) => !allowed.some((ok) => ok === dir || ok.startsWith(`${dir}/`) || dir.startsWith(`${ok}/`))),
    message: `${room} may import only: ${allowed.join(', ') || 'nothing in the repo'} (house plan in eslint.config.js).`,
  }));
}

const ALL_FILES = ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'];
const TEST_FILES = ['**/*.test.{ts,tsx}', '**/*.spec.{ts,tsx}', 'e2e/**', 'bench/**'];

export default defineConfig(
  {
    ignores: ['dist/', 'release/', 'node_modules/', 'test-results/', 'playwright-report/', 'data/', '.tmp/'],
  },
  {
    files: ALL_FILES,
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      // Node everywhere: main, host, server, scripts and tests; the renderer adds the browser below.
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `_`-prefixed names are deliberate placeholders (unused callback parameters, omitted fields).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'e2e/**/*.ts', 'bench/**/*.ts'],
    // e2e and bench pass functions to page.evaluate, which run in the page.
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    // Only the two classic rules: the React-Compiler rules of v7 (purity, refs, immutability...)
    // assume code written for the compiler, which this renderer does not use.
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ALL_FILES,
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts', '.cts'] },
      // Extensionless relative imports (moduleResolution Bundler) resolve like Node with TS extensions;
      // there are no tsconfig paths, so the TypeScript resolver is not needed.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '.node'] })],
    },
    rules: {
      // Type-only imports are skipped by the rule: they vanish at runtime.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ALL_FILES,
    ignores: TEST_FILES,
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layeringZones(ROOMS) }],
    },
  },
  {
    // The host's test helper starts a real sync server in-process; the host itself must not.
    files: ['electron/host/testing/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: layeringZones({ ...ROOMS, electron: [...ROOMS.electron, 'sync/server'] }) },
      ],
    },
  },
);
