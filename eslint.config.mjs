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
    'Use the typed wrapper (app/main/window/ipc-main.ts or app/preload/ipc-renderer.ts) instead of raw ipcMain/ipcRenderer.',
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

/**
 * A `..` after a named segment (`app/shared/../broker`, `./../broker`) walks out of a folder the
 * patterns below allow: import paths must be written normalized, so the folder rules see where they go.
 */
const unnormalized = {
  regex: '(^|/)(?!\\.\\.(/|$))[^/]+/\\.\\.(/|$)',
  message: 'Write the import path normalized (no `..` after a folder name): boundary rules read the path as written.',
};

/**
 * no-restricted-imports patterns for a production folder (test/ is always banned, and every folder also
 * gets `unnormalized`).
 */
function restrict({ paths = [], patterns = [] }) {
  return ['error', { paths, patterns: [...patterns, testImportBan, unnormalized] }];
}

/**
 * The modules of app/shared that load zod: the contracts, and the RPC client that parses with them.
 * Every other module there is zod-free (the bridge's fast start uses them; build.mjs checks its bundle).
 */
const sharedZodModules = ['app/shared/*-contract.ts', 'app/shared/rpc-client.ts'];

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
    // What the broker, the app and the bridge all use: it imports node built-ins and zod, nothing else.
    files: ['app/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        paths: [{ name: 'electron', message: 'app/shared is imported by the bridge and the broker: no electron.' }],
        patterns: [
          {
            regex: '^\\.\\./',
            message: 'app/shared imports nothing else from app/ (nor bridge/): everything else imports it.',
          },
          { regex: '^(?!node:|zod$|\\./)', message: 'app/shared may import node built-ins (node:…) and zod only.' },
        ],
      }),
    },
  },
  {
    // The bridge's fast start must not need zod: only sharedZodModules may load it.
    files: ['app/shared/**/*.ts'],
    ignores: sharedZodModules,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'zod',
              allowTypeImports: true,
              message:
                'Zod-free module: only app/shared/*-contract.ts may load zod (the bridge fast start reads this).',
            },
          ],
          patterns: [
            {
              regex: '-contract(\\.ts)?$',
              allowTypeImports: true,
              message: 'Zod-free module: import a contract type-only (`import type`), it loads zod.',
            },
          ],
        },
      ],
    },
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
  // app/main/window/ is main's side of the status window; app/window/ is the renderer, which main never
  // imports. A relative path reaches app/window from app/main/*.ts as ../window/, from a subfolder as ../../window/.
  {
    files: ['app/main/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        paths: [ipcBan],
        patterns: [
          { group: ['**/bridge/**'], message: 'app/main launches the bridge bundle; it never imports bridge/.' },
          {
            group: ['**/app/window/**', '../window/**'],
            message: 'app/main must not import app/window (the renderer).',
          },
        ],
      }),
    },
  },
  {
    files: ['app/main/*/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        paths: [ipcBan],
        patterns: [
          { group: ['**/bridge/**'], message: 'app/main launches the bridge bundle; it never imports bridge/.' },
          {
            group: ['**/app/window/**', '../../window/**', '../../../window/**'],
            message: 'app/main must not import app/window (the renderer).',
          },
        ],
      }),
    },
  },
  {
    files: ['app/main/window/ipc-main.ts'],
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
            regex: '^\\.\\./(?!shared/)',
            message: 'app/preload may import only the app/shared contract types from app/.',
          },
        ],
      }),
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./shared/',
              allowTypeImports: true,
              message:
                'The sandboxed preload imports app/shared contract TYPES only (`import type`): no zod at run time.',
            },
          ],
        },
      ],
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
            group: [
              '**/app/broker/**',
              '../broker/**',
              '**/app/main/**',
              '../main/**',
              '**/app/shared/**',
              '../shared/**',
            ],
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
            regex: '(^|/)app/(?!shared/)',
            message:
              'bridge/ may import only app/shared from app/ (the broker<->bridge contract and shared utilities).',
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
