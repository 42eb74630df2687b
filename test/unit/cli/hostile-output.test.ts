/**
 * Every CLI printer escapes peer-controlled text, even when it did not come through the hello schema:
 * a clients.json written by an older version (or edited by hand) and an audit.jsonl whose tool and
 * path fields a bridge chose. `clients list`, `audit` and `audit --json` must show each value on one
 * line, with no raw control, bidi or invisible character.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../app/cli/router.ts';
import type { CliDeps } from '../../../app/cli/command.ts';
import { createPlatform } from '../../../app/platform/platform.ts';
import { createFakeAuth } from '../broker/fake-auth-service.ts';
import { HOSTILE_TEXT, RAW_UNSAFE } from '../../helpers/hostile-text.ts';

async function withHome(fn: (cli: (...argv: string[]) => Promise<string>, stateDir: string) => Promise<void>) {
  const home = await mkdtemp(join(tmpdir(), 'gb-cli-hostile-'));
  const env = { GRAPH_BRIDGE_HOME: home };
  const platform = createPlatform({
    env,
    platform: 'linux',
    homedir: home,
    username: 'u',
    uid: process.getuid?.() ?? 0,
  });
  try {
    await mkdir(platform.paths.stateDir, { recursive: true });
    await fn(async (...argv) => {
      let out = '';
      const deps: CliDeps = {
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: () => true },
        env,
        cwd: home,
        platform,
        version: '9.9.9',
        signal: new AbortController().signal,
        bridgeEntry: '/nowhere/bridge.js',
        execPath: process.execPath,
        terminal: { interactive: false, showsOutput: false, ask: () => Promise.resolve(null) },
      };
      const code = await runCli(argv, deps, { authFactory: () => Promise.resolve(createFakeAuth()) });
      assert.equal(code, 0, out);
      return out;
    }, platform.paths.stateDir);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const names = Object.values(HOSTILE_TEXT).filter((n) => n.length <= 100);
const seen = { approval: 'pending', firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-01T00:00:00.000Z' };

void test('clients list and audit escape names, tools and paths from the state files', () =>
  withHome(async (cli, stateDir) => {
    // Editors connected with `graph-bridge connect` (their credential hashes in editor-keys.json), each
    // calling itself a hostile name.
    const hash = 'ab'.repeat(32);
    const ids = names.map((_, i) => `e${i}`);
    await writeFile(
      join(stateDir, 'editor-keys.json'),
      JSON.stringify({
        version: 1,
        editors: Object.fromEntries(ids.map((id) => [id, { hash, createdAt: seen.firstSeen }])),
      }),
    );
    await writeFile(
      join(stateDir, 'clients.json'),
      JSON.stringify({
        version: 2,
        editors: Object.fromEntries(names.map((n, i) => [ids[i]!, { ...seen, keyHash: hash, name: n }])),
        alwaysAllowedTools: [],
      }),
    );
    const audit = names.map((n) =>
      JSON.stringify({
        time: '2026-01-01T00:00:00.000Z',
        client: n,
        tool: `mail_send${HOSTILE_TEXT.clearScreen}`,
        method: 'GET',
        pathTemplate: `/me/${HOSTILE_TEXT.bidi}`,
        status: 200,
        durationMs: 1,
      }),
    );
    await writeFile(join(stateDir, 'audit.jsonl'), `${audit.join('\n')}\n`);

    const list = await cli('clients', 'list');
    const log = await cli('audit');
    const json = await cli('audit', '--json');
    for (const text of [list, log, json]) assert.doesNotMatch(text, RAW_UNSAFE);
    assert.equal(list.trimEnd().split('\n').length, names.length, 'one line per client');
    assert.equal(log.trimEnd().split('\n').length, names.length, 'one line per audit entry');
    assert.match(
      list,
      /^e\d+\tevil\\x0a2026-01-01T00:00:00\.000Z INFO \[1\] Bridge connected: "claude-ai" \(approved\)\tpending\t/m,
    );
    assert.match(log, / {2}mail_sendevil\\x1b\[2J\\x1b\[Hclaude-ai {2}GET \/me\//);
    assert.match(log, /\/me\/evil\\u202eia-edualc/);
    assert.deepEqual(
      (JSON.parse(json) as { client: string }[]).map((e) => e.client).sort(),
      [...names].sort(),
      '--json still carries the exact values',
    );
  }));
