/**
 * electron-builder.yml against electron-builder's OWN JSON schema (app-builder-lib/scheme.json), with
 * the validator and YAML parser electron-builder itself depends on (ajv, js-yaml — no new deps), plus
 * the product rules the schema cannot know.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { APP_ID, createPlatform } from '../../../app/platform/platform.ts';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const root = new URL('../../../', import.meta.url);
interface Target {
  target: string;
}
/** The parts of electron-builder.yml the product rules below read (the schema checks the rest). */
interface BuilderConfig {
  productName: string;
  appId: string;
  /** Globs, and FileSets ({from, to, filter}) for the native modules (test/unit/main/packaging.test.ts). */
  files: (string | { from: string })[];
  extraResources: unknown;
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  mac: { hardenedRuntime: boolean; extendInfo: { LSUIElement: boolean }; entitlements: string; target: Target[] };
  win: { target: Target[] };
  linux: { target: string[] };
  deb: { depends: string[] };
}
const config = yaml.load(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as BuilderConfig;

test('electron-builder.yml is valid against app-builder-lib/scheme.json', () => {
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  const valid = validate(config);
  assert.equal(valid, true, JSON.stringify(validate.errors, null, 2));
});

test('the schema check has teeth: an unknown key and a wrong type are rejected', () => {
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(schema);
  assert.equal(validate({ ...config, appIdd: 'x' }), false);
  assert.equal(validate({ ...config, asar: 'yes please' }), false);
});

test('product rules: identity, tray-only mac app, hardened runtime, targets, resources', () => {
  assert.equal(config.productName, 'Graph Bridge');
  assert.match(config.appId, /^[a-z0-9]+(\.[a-z0-9-]+)+$/);
  assert.equal(config.mac.hardenedRuntime, true);
  assert.equal(config.mac.extendInfo.LSUIElement, true);
  assert.ok(existsSync(fileURLToPath(new URL(config.mac.entitlements, root))), 'entitlements plist exists');
  assert.deepEqual(config.mac.target.map((t) => t.target).sort(), ['dmg', 'zip']);
  assert.deepEqual(
    config.win.target.map((t) => t.target),
    ['nsis'],
  );
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.ok(
    config.deb.depends.some((d) => d.includes('appindicator')),
    'deb depends on an AppIndicator library',
  );
  assert.ok(config.deb.depends.includes('libsecret-1-0'));
  assert.deepEqual(config.extraResources, [{ from: 'dist/bridge.js', to: 'bridge.js' }]);
  assert.equal(config.asar, true);
  assert.ok(config.asarUnpack.some((p) => p.includes('keytar')));
  assert.ok(config.asarUnpack.some((p) => p.includes('@azure/msal-node-runtime')));
  // A packaging attempt must never rebuild (or, offline, delete) the checkout's native modules; they are
  // N-API, so the Node build loads in Electron unchanged.
  assert.equal(config.npmRebuild, false);
  const keytar = JSON.parse(readFileSync(new URL('node_modules/keytar/package.json', root), 'utf8')) as {
    binary?: { napi_versions?: number[] };
  };
  assert.ok((keytar.binary?.napi_versions ?? []).length > 0, 'keytar is an N-API module');
  assert.deepEqual(
    config.files.filter((f) => typeof f === 'string' && !f.startsWith('!')),
    ['dist/**/*', 'package.json'],
  );
  assert.ok(existsSync(fileURLToPath(new URL('build/resources/icon.png', root))));
});

test('entitlements: hardened-runtime minimum, no library-validation bypass', () => {
  const plist = readFileSync(new URL('build/resources/entitlements.mac.plist', root), 'utf8');
  assert.match(plist, /com\.apple\.security\.cs\.allow-jit/);
  assert.match(plist, /com\.apple\.security\.network\.server/);
  assert.doesNotMatch(plist, /<key>com\.apple\.security\.cs\.disable-library-validation<\/key>/);
});

test("Windows: the AppUserModelID the app sets is the installer's (appId), or notifications are not shown", () => {
  assert.equal(createPlatform({ platform: 'win32', env: {}, homedir: 'C:\\Users\\ada' }).appUserModelId, config.appId);
  assert.equal(APP_ID, config.appId);
});
