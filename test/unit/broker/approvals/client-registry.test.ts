import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClientRegistry } from '../../../../app/broker/approvals/client-registry.ts';
import { silentLogger } from '../../../../app/broker/log/logger.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';

const make = (filePath: string, policy: 'ask' | 'allow' = 'ask') =>
  createClientRegistry({
    filePath,
    now: () => new Date(Date.UTC(2026, 0, 1)),
    policy: () => policy,
    logger: silentLogger,
    onChange: () => undefined,
  });
const tools = [{ name: 'mail_list', group: 'mail' as const, scopes: ['Mail.Read'], readOnly: true }];

void test('decisions persist to clients.json (0600, no secrets) and survive a restart', () =>
  withTempDir('gb-clients-', async (dir) => {
    const file = join(dir, 'clients.json');
    const a = make(file);
    assert.equal(a.connected('cursor', tools), 'pending');
    a.decide('cursor', 'approve');
    a.decide('zed', 'deny');
    await a.flush();
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const json = JSON.parse(await readFile(file, 'utf8')) as { clients: Record<string, { approval: string }> };
    assert.equal(json.clients.cursor?.approval, 'approved');
    const b = make(file);
    await b.load();
    assert.equal(b.approval('cursor'), 'approved');
    assert.equal(b.approval('zed'), 'denied');
    assert.equal(b.approval('new'), 'pending');
  }));

void test('live stats: connections, calls and the scopes connected catalogs need', () =>
  withTempDir('gb-clients-', async (dir) => {
    const r = make(join(dir, 'clients.json'), 'allow');
    assert.equal(r.connected('vscode', tools), 'approved');
    r.recordCall('vscode');
    assert.deepEqual(r.neededScopes(), ['Mail.Read']);
    const [c] = r.list();
    assert.equal(c?.connected, 1);
    assert.equal(c?.calls, 1);
    r.disconnected('vscode');
    assert.deepEqual(r.neededScopes(), []);
    await r.flush();
  }));

void test('forget (revoke) makes a client ask again; forgetting an unknown name explains how to list them', () =>
  withTempDir('gb-clients-', async (dir) => {
    const r = make(join(dir, 'clients.json'));
    r.decide('cursor', 'approve');
    r.decide('cursor', 'revoke');
    assert.equal(r.approval('cursor'), 'pending');
    const bad = r.decide('ghost', 'revoke');
    assert.ok(!bad.ok && /clients list/.test(bad.error.message));
    await r.flush();
  }));

void test('a corrupt clients.json is ignored (everyone asks again), not fatal', () =>
  withTempDir('gb-clients-', async (dir) => {
    const file = join(dir, 'clients.json');
    await writeFile(file, '{not json');
    const r = make(file);
    await r.load();
    assert.equal(r.approval('cursor'), 'pending');
  }));
