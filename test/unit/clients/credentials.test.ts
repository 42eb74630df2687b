/**
 * connect writes the editor's credential into its entry and keeps it on the next connect (so the
 * broker keeps recognising the editor), status flags an entry without a valid one, and disconnect
 * revokes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createEditorCredentials } from '../../../app/broker/approvals/editor-credentials.ts';
import { connectEditor, disconnectEditor, editorStatus } from '../../../app/clients/connections.ts';
import { editorLocation } from '../../../app/platform/editor-paths.ts';
import { tempHome, testContext } from './helpers.ts';

function keyIn(text: string): string | undefined {
  const doc = JSON.parse(text) as { mcpServers: Record<string, { env: Record<string, string> }> };
  return doc.mcpServers['graph-bridge']?.env.GRAPH_BRIDGE_EDITOR_KEY;
}

void test('connect mints a credential once, keeps it, and status flags an entry without a valid one', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const credentials = createEditorCredentials({ filePath: join(home, 'state', 'editor-keys.json') });
    const ctx = testContext(home, { credentials });
    const first = await connectEditor(ctx, 'cursor', {});
    assert.ok(first.ok && first.value.changed);
    const file = editorLocation('cursor', ctx.paths).configPath;
    const key = keyIn(await readFile(file, 'utf8'));
    assert.match(key ?? '', /^[0-9a-f]{64}$/);
    assert.equal(credentials.identify(key ?? '')?.editor, 'cursor');

    const second = await connectEditor(ctx, 'cursor', {});
    assert.ok(second.ok && !second.value.changed, 'a second connect changes nothing');
    assert.equal((await editorStatus(ctx, 'cursor')).state, 'connected');

    // A hand-edited entry without the credential: outdated, and connect repairs it with a new one.
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/"GRAPH_BRIDGE_EDITOR_KEY": "[0-9a-f]+",?/, ''));
    const status = await editorStatus(ctx, 'cursor');
    assert.equal(status.state, 'outdated');
    assert.match(status.detail ?? '', /no valid Graph Bridge editor credential/);
    const repaired = await connectEditor(ctx, 'cursor', {});
    assert.ok(repaired.ok && repaired.value.changed);
    const fresh = keyIn(await readFile(file, 'utf8'));
    assert.notEqual(fresh, key);
    assert.equal(credentials.identify(key ?? ''), null, 'the old key no longer identifies the editor');

    const off = await disconnectEditor(ctx, 'cursor');
    assert.ok(off.ok);
    assert.equal(credentials.identify(fresh ?? ''), null, 'disconnect revokes the credential');
  } finally {
    await cleanup();
  }
});
