/** editorStatus: every state and detail it reports for one editor's config file (Cursor here). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { editorStatus } from '../../../app/clients/connections.ts';
import { editorLocation } from '../../../app/platform/editor-paths.ts';
import { tempHome, testContext } from './helpers.ts';

async function statusWith(content: string | { directory: true } | null) {
  const { home, cleanup } = await tempHome();
  try {
    const ctx = testContext(home);
    const file = editorLocation('cursor', ctx.paths).configPath;
    if (typeof content === 'object' && content !== null) await mkdir(file, { recursive: true });
    else if (content !== null) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    return { status: await editorStatus(ctx, 'cursor'), ctx };
  } finally {
    await cleanup();
  }
}

const withEntry = (entry: unknown): string =>
  JSON.stringify({ mcpServers: { other: { command: 'x' }, 'graph-bridge': entry } });

void test('no config file: not installed, not connected', async () => {
  const { status } = await statusWith(null);
  assert.deepEqual(
    [status.installed, status.configExists, status.state, status.detail, status.servers],
    [false, false, 'not-connected', null, []],
  );
});

void test('a config file that cannot be read, or does not parse, is unreadable with the reason', async () => {
  const dir = (await statusWith({ directory: true })).status;
  assert.deepEqual([dir.configExists, dir.state, dir.detail], [true, 'unreadable', 'cannot read the file (EISDIR)']);
  const broken = (await statusWith('{"mcpServers": {')).status;
  assert.deepEqual([broken.installed, broken.configExists, broken.state], [true, true, 'unreadable']);
  assert.ok((broken.detail ?? '').length > 0);
});

void test('a file without our entry lists the other servers and is not connected', async () => {
  const { status } = await statusWith(JSON.stringify({ mcpServers: { other: { command: 'x' } } }));
  assert.deepEqual([status.state, status.detail, status.servers], ['not-connected', null, ['other']]);
});

void test('our entry: not stdio, another launcher, or the current one with extra flags', async () => {
  const notStdio = (await statusWith(withEntry({ url: 'https://example.com/mcp' }))).status;
  assert.deepEqual([notStdio.state, notStdio.detail], ['outdated', 'the entry is not a stdio command']);
  const other = (await statusWith(withEntry({ command: '/old/node', args: ['/old/bridge.js', '--read-only'] }))).status;
  assert.deepEqual([other.state, other.detail], ['outdated', 'runs /old/node /old/bridge.js --read-only']);
  const { ctx } = await statusWith(null);
  const current = (
    await statusWith(withEntry({ command: ctx.launcher.command, args: [...ctx.launcher.args, '--read-only'] }))
  ).status;
  assert.deepEqual(
    [current.state, current.detail, current.servers],
    ['connected', '--read-only', ['other', 'graph-bridge']],
  );
  const plain = (await statusWith(withEntry({ command: ctx.launcher.command, args: [...ctx.launcher.args] }))).status;
  assert.deepEqual([plain.state, plain.detail], ['connected', null]);
});
