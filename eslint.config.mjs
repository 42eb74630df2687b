// Lint enforces the dependency table in ARCHITECTURE.md (and ../shared/design/architecture.md).
// test/unit/lint/boundaries.test.ts runs this config over violating fixtures so each rule is proven
// to fire — change a rule there too.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'crypto', 'http', 'https', 'url', 'util'];
const electronBan = { name: 'electron', message: 'Only app/main and app/preload may import electron.' };
const ipcBan = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message:
    'Use the typed wrapper (app/main/ipc-main.ts or app/preload/ipc-renderer.ts) instead of raw ipcMain/ipcRenderer.',
};
const platformBan = {
  selector: "MemberExpression[object.name='process'][property.name='platform']",
  message: 'Only app/platform reads process.platform: add the difference to app/platform and inject it.',
};

/** Production (app/, bridge/) never imports test/: the emulator and dev entries do not ship. */
const testImportBan = {
  group: ['**/test/**', 'test/**'],
  message: 'Production code never imports test/ (the emulator, helpers and dev entries are not shipped).',
};
/** …nor names a path into it (e.g. spawning test/emulator/main.ts). */
const testPathBan = {
  selector: 'Literal[value=/(^|[\\/])test[\\/](emulator|helpers|fixtures|unit|integration|e2e|dev)([\\/]|$)/]',
  message: 'Production code never references test/ (the emulator and dev entries are not shipped).',
};

/** no-restricted-imports patterns for a production folder (test/ is always banned). */
function restrict({ paths = [], patterns = [] }) {
  return ['error', { paths, patterns: [...patterns, testImportBan] }];
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'release/**',
      'test-artifacts/**',
      'test/fixtures/**',
      '**/*.d.ts',
      '.graph-bridge-demo/**',
      '.graph-bridge-tray-demo/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs', '*.js', 'build/*.mjs', 'test/*.mjs'] } },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-restricted-syntax': ['error', platformBan, testPathBan],
      'no-restricted-imports': restrict({ paths: [electronBan] }),
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain Node scripts (build, test runner): Node globals, and they may branch on the OS.
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
    rules: { 'no-restricted-syntax': 'off' },
  },
  // --- per-folder boundaries -------------------------------------------------------------------
  {
    files: ['app/platform/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', testPathBan] },
  },
  {
    files: ['app/broker/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        paths: [electronBan],
        patterns: [
          { group: ['**/app/main/**', '**/main/**', '../main/*'], message: 'app/broker must not import app/main.' },
          { group: ['**/window/**'], message: 'app/broker must not import app/window.' },
          { group: ['**/bridge/**'], message: 'app/broker must not import bridge/.' },
        ],
      }),
    },
  },
  {
    files: ['app/main/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        paths: [ipcBan],
        patterns: [
          { group: ['**/bridge/**'], message: 'app/main launches the bridge bundle; it never imports bridge/.' },
          { group: ['**/window/**'], message: 'app/main must not import app/window (the renderer).' },
        ],
      }),
    },
  },
  {
    files: ['app/main/ipc-main.ts'],
    rules: { 'no-restricted-imports': restrict({}) },
  },
  {
    files: ['app/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        paths: [ipcBan],
        patterns: [
          { group: nodeBuiltins, message: 'The preload runs sandboxed: no Node built-ins.' },
          {
            regex: '(^|/)(app/)?broker/(?!protocol(\\.ts)?$)',
            message: 'app/preload may import only app/broker/protocol.ts (types) from the broker.',
          },
        ],
      }),
    },
  },
  {
    files: ['app/preload/ipc-renderer.ts'],
    rules: {
      'no-restricted-imports': restrict({
        patterns: [{ group: nodeBuiltins, message: 'The preload runs sandboxed: no Node built-ins.' }],
      }),
    },
  },
  {
    files: ['app/window/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        paths: [{ name: 'electron', message: 'The window is an untrusted renderer: no electron import.' }],
        patterns: [
          { group: nodeBuiltins, message: 'The window is an untrusted renderer: no Node built-ins.' },
          {
            group: ['**/app/broker/**', '../broker/**', '**/app/main/**', '../main/**'],
            message: 'The window talks to main only through the preload API (type-only import from app/preload).',
          },
        ],
      }),
      'no-restricted-globals': ['error', 'process', 'require', 'Buffer', '__dirname'],
    },
  },
  {
    files: ['bridge/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': restrict({
        paths: [{ name: 'electron', message: 'bridge/ runs in the editor process: no electron.' }],
        patterns: [
          {
            regex: '(^|/)app/(?!broker/protocol(\\.ts)?$)',
            message: 'bridge/ may import only app/broker/protocol.ts from app/ (the broker<->bridge contract).',
          },
        ],
      }),
    },
  },
  {
    files: ['bridge/main.ts'],
    rules: { 'no-restricted-syntax': ['error', testPathBan] },
  },
  {
    // Tests and dev entries may import test/ (and name its paths).
    files: ['test/**/*.ts', 'test/**/*.mjs'],
    rules: {
      'no-restricted-syntax': 'off',
      'no-restricted-imports': ['error', { paths: [electronBan] }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Hand-written fakes implement async interfaces without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // node:test's describe()/it()/test() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
