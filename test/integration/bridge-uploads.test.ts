/**
 * upload_file end to end (issue #11.2, #13): a real MCP Client over stdio spawning the bundled bridge
 * with a temp HOME, a REAL broker (its GRAPH_BRIDGE_HOME is a "portable install" inside the allowed
 * Documents folder, the worst place for it) signed in to the Entra+Graph emulator, and the emulator's
 * request log as the proof of what reached Graph.
 *
 * The user allowed their whole home folder plus Documents for uploads (settings uploadFolders), and
 * upload_file is on "ask", decided here the way the tray does. Attacks: ~/.ssh/id_rsa, a symlink named
 * Q3-report.txt to the broker key, a symlink to the broker's settings, hard-to-spot `..` paths, a
 * symlinked folder, and a file rewritten in place between approval and send (driven by the approval
 * hook). None reaches Graph; refusals read the same for files that exist and files that do not.
 * Uploads above 4 MB go through an upload session with no Authorization header on the upload URL.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { startTestBroker, type TestBroker } from '../helpers/broker.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { resultText, startBridgeClient, type BridgeClient } from '../helpers/mcp-client.ts';
import { toolHarness, type Pending } from '../helpers/tool-harness.ts';

let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;
let home: string;
let docs: string;
let downloads: string;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const { lastSeq, callDeciding } = toolHarness(() => ({ emulator, broker: broker.broker, bridge }));

/** Every Graph-host request since `since` that writes to the drive or an upload URL. */
function uploadRequests(since: number) {
  return emulator.control
    .requests(since)
    .filter(
      (r) =>
        r.host === 'graph' &&
        (r.path.startsWith('/_up/') || (r.method !== 'GET' && /^\/v1\.0\/me\/drive\//.test(r.path))),
    );
}

/**
 * Runs an upload_file call; if it asks for approval, runs `beforeDecide` — the approval hook — and
 * then approves. `asked` is undefined when the call never asked.
 */
function upload(
  args: Record<string, unknown>,
  beforeDecide?: (pending: Pending) => Promise<void>,
): Promise<{ result: CallToolResult; asked: Pending | undefined }> {
  return callDeciding('upload_file', args, 'allow-once', beforeDecide);
}

async function refused(args: Record<string, unknown>, since = lastSeq()): Promise<string> {
  const { result, asked } = await upload(args);
  assert.equal(result.isError, true, `refused: ${resultText(result)}`);
  assert.equal(asked, undefined, 'refused before any approval was asked');
  assert.deepEqual(uploadRequests(since), [], 'nothing reached Graph');
  return resultText(result);
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'gb-upload-home-'));
  docs = join(home, 'Documents');
  downloads = join(home, 'bridge-downloads');
  await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  await writeFile(join(home, '.ssh', 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n', {
    mode: 0o600,
  });
  await writeFile(join(home, '.ssh', 'config'), 'Host *\n  IdentityFile ~/.ssh/id_rsa\n');
  await mkdir(join(docs, 'reports'), { recursive: true });
  emulator = await startEmulator();
  const adele = emulator.users.find((u) => u.upn.startsWith('adele'));
  assert.ok(adele);
  emulator.control.setGrant(adele.oid, emulator.clientId, [...GROUP_SCOPES.files.read, ...GROUP_SCOPES.files.write]);
  broker = await startTestBroker({
    emulator,
    home: join(docs, 'gb-portable'),
    writes: 'allow',
    writeTools: { upload_file: 'ask' },
    settings: { uploadFolders: [home, docs] },
  });
  bridge = await startBridgeClient({
    home: broker.home,
    caPath: emulator.caPath,
    clientName: 'uploads-it',
    entry: 'dist',
    args: ['--tools', 'files'],
    env: { HOME: home, GRAPH_BRIDGE_DOWNLOAD_DIR: downloads },
  });
});

after(async () => {
  await bridge?.close();
  await broker?.stop();
  await emulator?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

void describe('upload_file cannot exfiltrate local files', () => {
  void test('~/.ssh/id_rsa is refused before approval even with home allowed; same text as a missing key', async () => {
    const existing = await refused({ path: 'Notes/id_rsa', localPath: join(home, '.ssh', 'id_rsa') });
    const missing = await refused({ path: 'Notes/id_rsa', localPath: join(home, '.ssh', 'id_ed25519') });
    assert.equal(existing, missing, 'no existence oracle');
    assert.match(existing, /folders the user allowed for uploads/);
    assert.match(existing, /uploadFolders/);
    assert.doesNotMatch(existing, /id_rsa|\.ssh|ENOENT|exist(s|ed)? /i);
  });

  void test("a symlink named Q3-report.txt to the broker key, and one to the broker's settings, are refused", async () => {
    const key = join(broker.home, 'run', 'broker.key');
    await symlink(key, join(docs, 'Q3-report.txt'));
    await symlink(join(broker.home, 'config', 'settings.json'), join(docs, 'minutes.txt'));
    const viaKey = await refused({ path: 'Q3-report.txt', localPath: join(docs, 'Q3-report.txt') });
    const viaSettings = await refused({ path: 'minutes.txt', localPath: join(docs, 'minutes.txt') });
    const direct = await refused({ path: 'audit.txt', localPath: join(broker.home, 'state', 'audit.jsonl') });
    const missing = await refused({ path: 'x.txt', localPath: join(docs, 'no-such-report.txt') });
    assert.equal(viaKey, missing);
    assert.equal(viaSettings, missing);
    assert.equal(direct, missing);
    assert.doesNotMatch(viaKey, new RegExp((await readFile(key, 'utf8')).trim()), 'the key is not in the text');
  });

  void test('hard-to-spot .. paths and symlinked folders do not climb out of the allowed folder', async () => {
    await symlink(home, join(docs, 'shortcut'));
    await symlink(join(home, '.ssh'), join(docs, 'keys'));
    const missing = await refused({ path: 'x.txt', localPath: join(docs, 'no-such-file.txt') });
    const attempts = [
      `${docs}/../.ssh/id_rsa`,
      `${docs}/reports/../../.ssh/id_rsa`,
      `${docs}/./reports/.. /../.ssh/id_rsa`,
      `${docs}//reports/..//../.ssh/id_rsa`,
      `${docs}/shortcut/.ssh/id_rsa`,
      `${docs}/keys/config`,
      `${docs}/shortcut/Documents/gb-portable/config/settings.json`,
      `${home}/Documents/reports/.../x`,
    ];
    for (const localPath of attempts) assert.equal(await refused({ path: 'k.txt', localPath }), missing, localPath);
  });

  void test('a file rewritten in place between approval and send never reaches Graph', async () => {
    const plan = join(docs, 'plan.txt');
    const original = Buffer.from('Q3 plan: ship the bridge.\n'.repeat(40));
    await writeFile(plan, original);
    const since = lastSeq();
    const { result, asked } = await upload({ path: 'Notes/plan.txt', localPath: plan }, async () => {
      await writeFile(plan, Buffer.from('AWS_SECRET_ACCESS_KEY=exfiltrated\n'.padEnd(original.length, '#')));
    });
    assert.ok(asked, 'the user was asked');
    assert.equal(asked.details['SHA-256'], sha256(original), 'the approval showed the hash of the approved bytes');
    assert.equal(asked.details.Source, `local file ${plan}`);
    assert.match(asked.details.Size ?? '', /\(1,040 bytes\)/);
    assert.equal(result.isError, true);
    assert.match(resultText(result), /changed after it was approved/);
    assert.deepEqual(uploadRequests(since), [], 'no byte was sent');

    await writeFile(plan, original);
    const truncated = await upload({ path: 'Notes/plan.txt', localPath: plan }, () => truncate(plan, 10));
    assert.ok(truncated.asked);
    assert.match(resultText(truncated.result), /changed after it was approved/);
    assert.deepEqual(uploadRequests(since), [], 'no byte was sent');
  });

  void test('a large file rewritten during approval: the upload session is cancelled before Graph commits it', async () => {
    const big = join(docs, 'big.bin');
    const bytes = Buffer.alloc(6 * 1024 * 1024, 7);
    await writeFile(big, bytes);
    const since = lastSeq();
    const { result, asked } = await upload({ path: 'Notes/big.bin', localPath: big }, async () => {
      const changed = Buffer.from(bytes);
      changed[changed.length - 1] = 8;
      await writeFile(big, changed);
    });
    assert.ok(asked);
    assert.equal(result.isError, true);
    assert.match(resultText(result), /changed after it was approved/);
    const sent = uploadRequests(since).map(
      (r) => `${r.method} ${r.path.startsWith('/_up/') ? '/_up' : r.path} ${r.status}`,
    );
    assert.deepEqual(sent, [
      'POST /v1.0/me/drive/root:/Notes/big.bin:/createUploadSession 200',
      'PUT /_up 202',
      'DELETE /_up 204',
    ]);
    const read = await bridge.call('read_file', { path: 'Notes/big.bin' });
    assert.equal(read.isError, true, 'nothing was committed');
    assert.match(resultText(read), /Not found/);
  });
});

void describe('upload_file uploads large files through an upload session', () => {
  void test('9 MiB: fragments of 320 KiB multiples to the upload URL, no Authorization header, read back identical', async () => {
    const file = join(docs, 'reports', 'dataset.bin');
    const bytes = Buffer.alloc(9 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(i, i);
    await writeFile(file, bytes);
    const since = lastSeq();
    const { result, asked } = await upload({ path: 'Data/dataset.bin', localPath: file });
    assert.notEqual(result.isError, true, resultText(result));
    assert.equal(asked?.details['SHA-256'], sha256(bytes));
    assert.match(resultText(result), /Uploaded 9(\.0)? MB|Uploaded 9/);

    const log = uploadRequests(since);
    assert.equal(log[0]?.path, '/v1.0/me/drive/root:/Data/dataset.bin:/createUploadSession');
    assert.deepEqual(log[0]?.body, {
      item: { '@microsoft.graph.conflictBehavior': 'fail', name: 'dataset.bin', fileSize: bytes.length },
    });
    const puts = log.filter((r) => r.path.startsWith('/_up/'));
    assert.deepEqual(
      puts.map((r) => [r.method, r.headers['content-range'], r.status]),
      [
        ['PUT', `bytes 0-${5 * 1024 * 1024 - 1}/${bytes.length}`, 202],
        ['PUT', `bytes ${5 * 1024 * 1024}-${bytes.length - 1}/${bytes.length}`, 201],
      ],
    );
    for (const put of puts) assert.equal(put.headers.authorization, undefined, 'no Authorization on the upload URL');
    assert.ok(log[0]?.headers.authorization, 'createUploadSession itself is an authorized Graph call');

    const read = await bridge.call('read_file', { path: 'Data/dataset.bin' });
    const saved = /saved to (.+)$/.exec(resultText(read))?.[1];
    assert.ok(saved, resultText(read));
    assert.equal(sha256(await readFile(saved)), sha256(bytes));
  });

  void test('a symlink inside an allowed folder to a file in another allowed folder: the approval shows where it points', async () => {
    await writeFile(join(home, 'notes.md'), '# notes\n');
    await symlink(join(home, 'notes.md'), join(docs, 'notes-link.md'));
    const { result, asked } = await upload({ path: 'Notes/notes.md', localPath: join(docs, 'notes-link.md') });
    assert.notEqual(result.isError, true, resultText(result));
    assert.equal(asked?.details.Source, `local file ${join(home, 'notes.md')}`);
    assert.equal(asked?.details['Path given'], join(docs, 'notes-link.md'));
    assert.match(
      asked?.summary ?? '',
      new RegExp(`Upload local file ${join(home, 'notes.md')} \\(8 bytes, SHA-256 [0-9a-f]{16}…\\)`),
    );
  });
});
