import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { APP_ID, createPlatform, keychainFor } from '../../../app/platform/platform.ts';
import { browserCommand, createOpenBrowser, type SpawnFn } from '../../../app/platform/open-browser.ts';

interface Spawned {
  command: string;
  args: readonly string[];
  shell: unknown;
}

/** A launcher that fails to start (`fail`), exits with `exit` (code, signal), or never exits (`exit: 'running'`). */
function fakeSpawn(
  calls: Spawned[],
  fail?: Error,
  exit: [number | null, NodeJS.Signals | null] | 'running' = [0, null],
): SpawnFn {
  return (command, args, options) => {
    calls.push({ command, args, shell: options.shell });
    const child = new EventEmitter() as EventEmitter & { unref(): void };
    child.unref = () => undefined;
    if (fail) process.nextTick(() => child.emit('error', fail));
    else if (exit !== 'running') process.nextTick(() => child.emit('exit', ...exit));
    return child;
  };
}

void test('createPlatform takes every OS fact from deps', () => {
  const p = createPlatform({ platform: 'darwin', env: {}, homedir: '/Users/ada', username: 'ada', uid: 501 });
  assert.equal(p.os, 'darwin');
  assert.equal(p.uid, 501);
  assert.equal(p.keychain.kind, 'macos-keychain');
  assert.equal(p.paths.configDir, '/Users/ada/Library/Application Support/Graph Bridge');
  const w = createPlatform({ platform: 'win32', env: {}, homedir: 'C:\\Users\\ada', username: 'ada' });
  assert.equal(w.uid, null);
  assert.equal(w.keychain.kind, 'dpapi');
});

void test('only Linux offers the plaintext-cache opt-in', () => {
  assert.equal(keychainFor('linux').plaintextOptInSupported, true);
  assert.equal(keychainFor('darwin').plaintextOptInSupported, false);
  assert.equal(keychainFor('win32').plaintextOptInSupported, false);
});

void test('the browser is opened with the URL as a single argv element, never through a shell', async () => {
  const url = 'https://login.example/authorize?a=1&b=2;rm -rf /&c="x"';
  for (const os of ['linux', 'darwin', 'win32'] as const) {
    const calls: Spawned[] = [];
    await createOpenBrowser(os, fakeSpawn(calls))(url);
    const expected = browserCommand(os, url);
    assert.deepEqual(calls, [{ command: expected.command, args: expected.args, shell: false }]);
    assert.equal(calls[0]?.args.at(-1), url);
  }
  assert.equal(browserCommand('linux', url).command, 'xdg-open');
  assert.equal(browserCommand('darwin', url).command, 'open');
  assert.equal(browserCommand('win32', url).command, 'rundll32');
});

void test('non-web URLs are refused and a missing launcher is reported', async () => {
  const calls: Spawned[] = [];
  await assert.rejects(createOpenBrowser('linux', fakeSpawn(calls))('file:///etc/passwd'), /only http\(s\)/);
  assert.equal(calls.length, 0);
  await assert.rejects(
    createOpenBrowser('linux', fakeSpawn(calls, new Error('spawn xdg-open ENOENT')))('https://example.com/'),
    /Could not open a browser \(xdg-open could not be started: spawn xdg-open ENOENT\)/,
  );
});

void test('createPlatform reads xdg-user-dirs (under XDG_CONFIG_HOME) for the default upload folders on Linux only', () => {
  const read: string[] = [];
  const readTextFile = (path: string): string | undefined => {
    read.push(path);
    return path === '/cfg/user-dirs.dirs' ? 'XDG_DOCUMENTS_DIR="$HOME/Dokumente"\n' : undefined;
  };
  const p = createPlatform({ platform: 'linux', env: { XDG_CONFIG_HOME: '/cfg' }, homedir: '/home/ada', readTextFile });
  assert.deepEqual(p.defaultUploadFolders, ['/home/ada/Downloads', '/home/ada/Dokumente', '/home/ada/Desktop']);
  assert.deepEqual(read, ['/cfg/user-dirs.dirs']);
  const m = createPlatform({ platform: 'darwin', env: {}, homedir: '/Users/ada', readTextFile });
  assert.deepEqual(m.defaultUploadFolders, ['/Users/ada/Downloads', '/Users/ada/Documents', '/Users/ada/Desktop']);
  assert.equal(read.length, 1);
});

void test('a launcher that exits non-zero is a failed launch that says why', async () => {
  const calls: Spawned[] = [];
  await assert.rejects(
    createOpenBrowser('linux', fakeSpawn(calls, undefined, [3, null]))('https://example.com/'),
    (err: Error) => {
      assert.equal(err.name, 'BrowserLaunchError');
      assert.equal(
        err.message,
        'Could not open a browser (xdg-open exited with code 3: no web browser is installed or set up).',
      );
      return true;
    },
  );
  await assert.rejects(
    createOpenBrowser('darwin', fakeSpawn(calls, undefined, [1, null]))('https://example.com/'),
    /\(open exited with code 1\)/,
  );
  await assert.rejects(
    createOpenBrowser('linux', fakeSpawn(calls, undefined, [null, 'SIGTERM']))('https://example.com/'),
    /xdg-open was stopped by SIGTERM/,
  );
  await createOpenBrowser('linux', fakeSpawn(calls, undefined, [0, null]))('https://example.com/');
});

void test('a launcher still running after the wait is taken as a browser starting', async () => {
  const calls: Spawned[] = [];
  await createOpenBrowser('linux', fakeSpawn(calls, undefined, 'running'), { launchWaitMs: 0 })('https://example.com/');
  assert.equal(calls.length, 1);
});

test('appUserModelId: set on Windows only (notifications need it there)', () => {
  assert.equal(createPlatform({ platform: 'win32', env: {}, homedir: 'C:\\Users\\ada' }).appUserModelId, APP_ID);
  assert.equal(createPlatform({ platform: 'darwin', env: {}, homedir: '/Users/ada' }).appUserModelId, null);
  assert.equal(createPlatform({ platform: 'linux', env: {}, homedir: '/home/ada' }).appUserModelId, null);
});
