import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClientRegistry } from '../../../../app/broker/approvals/client-registry.ts';
import { createEditorCredentials } from '../../../../app/broker/approvals/editor-credentials.ts';
import { silentLogger } from '../../../../app/broker/log/logger.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';

const make = (dir: string, policy: 'ask' | 'allow' = 'ask') => {
  const credentials = createEditorCredentials({ filePath: join(dir, 'editor-keys.json') });
  const registry = createClientRegistry({
    filePath: join(dir, 'clients.json'),
    now: () => new Date(Date.UTC(2026, 0, 1)),
    policy: () => policy,
    credentials,
    logger: silentLogger,
    onChange: () => undefined,
  });
  return { registry, credentials };
};
const tools = [{ name: 'mail_list', group: 'mail' as const, scopes: ['Mail.Read'], readOnly: true }];

void test('a credentialed editor is one client; its decision persists to clients.json (0600, hashes only) and survives a restart', () =>
  withTempDir('gb-clients-', async (dir) => {
    const { registry: a, credentials } = make(dir);
    const { key } = await credentials.ensure('cursor');
    const first = a.connected({ name: 'cursor-vscode', tools, editorKey: key });
    assert.deepEqual(first, { id: 'cursor', approval: 'pending' });
    assert.deepEqual(a.decide('cursor', 'approve'), { ok: true, value: undefined });
    await a.flush();
    const file = join(dir, 'clients.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes(key), 'the credential itself is never stored');
    assert.equal(
      (JSON.parse(text) as { editors: Record<string, { approval: string }> }).editors.cursor?.approval,
      'approved',
    );

    const { registry: b } = make(dir);
    await b.load();
    assert.deepEqual(b.connected({ name: 'cursor-vscode', tools, editorKey: key }), {
      id: 'cursor',
      approval: 'approved',
    });
    await b.flush(); // connecting again records lastSeen: let that write finish before the dir goes
  }));

void test('the same name without a credential (or with an unknown one) is a separate pending session client', () =>
  withTempDir('gb-clients-', async (dir) => {
    const { registry: r, credentials } = make(dir);
    const { key } = await credentials.ensure('cursor');
    r.connected({ name: 'cursor-vscode', tools, editorKey: key });
    r.decide('cursor', 'approve');
    const bare = r.connected({ name: 'cursor-vscode', tools });
    assert.match(bare.id, /^session-\d+$/);
    assert.equal(bare.approval, 'pending');
    const forged = r.connected({ name: 'cursor-vscode', tools, editorKey: 'f'.repeat(64) });
    assert.equal(forged.approval, 'pending');
    assert.notEqual(forged.id, bare.id);
    assert.equal(r.approval('cursor'), 'approved', 'the editor stays approved');
    const rows = r.list();
    assert.deepEqual(
      rows.map((c) => [c.id.replace(/\d+$/, 'N'), c.name, c.remembered, c.approval]),
      [
        ['cursor', 'cursor-vscode', true, 'approved'],
        ['session-N', 'cursor-vscode', false, 'pending'],
        ['session-N', 'cursor-vscode', false, 'pending'],
      ],
    );
    await r.flush();
  }));

void test('an approved session lasts as long as its connection and is never written to disk', () =>
  withTempDir('gb-clients-', async (dir) => {
    const { registry: r } = make(dir);
    const s = r.connected({ name: 'inspector-cli', tools });
    r.decide(s.id, 'approve');
    assert.equal(r.approval(s.id), 'approved');
    r.disconnected(s.id);
    assert.equal(r.approval(s.id), 'pending');
    assert.deepEqual(r.list(), []);
    const again = r.connected({ name: 'inspector-cli', tools });
    assert.notEqual(again.id, s.id);
    assert.equal(again.approval, 'pending');
    await r.flush();
    const text = await readFile(join(dir, 'clients.json'), 'utf8').catch(() => '');
    assert.ok(!text.includes('inspector-cli'));
  }));

void test('live stats: connections, calls and the scopes connected catalogs need', () =>
  withTempDir('gb-clients-', async (dir) => {
    const { registry: r, credentials } = make(dir, 'allow');
    const { key } = await credentials.ensure('vscode');
    const ref = r.connected({ name: 'Visual Studio Code', tools, editorKey: key });
    assert.deepEqual(ref, { id: 'vscode', approval: 'approved' });
    r.recordCall('vscode');
    assert.deepEqual(r.neededScopes(), ['Mail.Read']);
    const [c] = r.list();
    assert.equal(c?.connected, 1);
    assert.equal(c?.calls, 1);
    r.disconnected('vscode');
    assert.deepEqual(r.neededScopes(), []);
    await r.flush();
  }));

void test('revoking an editor forgets its approval and its credential; a new credential for the same editor starts pending', () =>
  withTempDir('gb-clients-', async (dir) => {
    const { registry: r, credentials } = make(dir);
    const { key } = await credentials.ensure('cursor');
    r.connected({ name: 'cursor-vscode', tools, editorKey: key });
    r.decide('cursor', 'approve');
    r.decide('cursor', 'revoke');
    assert.equal(r.approval('cursor'), 'pending');
    await r.flush();
    assert.equal(credentials.identify(key), null, 'the revoked key identifies nobody');
    assert.match(r.connected({ name: 'cursor-vscode', tools, editorKey: key }).id, /^session-/);

    const fresh = await credentials.ensure('cursor');
    assert.equal(fresh.minted, true);
    assert.deepEqual(r.connected({ name: 'cursor-vscode', tools, editorKey: fresh.key }), {
      id: 'cursor',
      approval: 'pending',
    });
    const bad = r.decide('ghost', 'revoke');
    assert.ok(!bad.ok && /No client with the id "ghost"/.test(bad.error.message));
    await r.flush();
  }));

void test('an approval does not carry over to a replaced credential, even across a restart', () =>
  withTempDir('gb-clients-', async (dir) => {
    const { registry: a, credentials } = make(dir);
    const old = await credentials.ensure('zed');
    a.connected({ name: 'zed', tools, editorKey: old.key });
    a.decide('zed', 'approve');
    await a.flush();
    const replaced = await credentials.ensure('zed', 'not-the-key');
    assert.equal(replaced.minted, true);
    const { registry: b } = make(dir);
    await b.load();
    assert.equal(b.approval('zed'), 'pending', 'load drops records whose credential changed');
    assert.deepEqual(b.connected({ name: 'zed', tools, editorKey: replaced.key }), { id: 'zed', approval: 'pending' });
    await b.flush();
  }));

void test('a version 1 clients.json (approvals by name) keeps only the always-allowed tools', () =>
  withTempDir('gb-clients-', async (dir) => {
    await writeFile(
      join(dir, 'clients.json'),
      JSON.stringify({
        version: 1,
        clients: {
          cursor: { approval: 'approved', firstSeen: '2025-01-01T00:00:00.000Z', lastSeen: '2025-01-01T00:00:00.000Z' },
        },
        alwaysAllowedTools: ['mail_send'],
      }),
    );
    const { registry: r } = make(dir);
    await r.load();
    assert.deepEqual(r.list(), []);
    assert.equal(r.isToolAlwaysAllowed('mail_send'), true);
    assert.equal(r.connected({ name: 'cursor', tools }).approval, 'pending');
  }));

void test('a corrupt clients.json is ignored (everyone asks again), not fatal', () =>
  withTempDir('gb-clients-', async (dir) => {
    await writeFile(join(dir, 'clients.json'), '{not json');
    const { registry: r } = make(dir);
    await r.load();
    assert.equal(r.approval('cursor'), 'pending');
  }));
