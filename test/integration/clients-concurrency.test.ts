/**
 * Two real processes write different entries into the SAME editor file at the same time, with a
 * delay between read and write to force overlapping read-modify-write cycles. Nothing may be lost.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';
import { editorLocation, type EditorId } from '../../app/platform/editor-paths.ts';
import { FIXTURES, listBackups, listLeftovers, tempHome } from '../unit/clients/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CHILD = join(ROOT, 'test', 'fixtures', 'editors', 'connect-child.ts');

function runChild(args: string[]): Promise<{ code: number | null; lines: { ok: boolean; code?: string }[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { ok: boolean; code?: string });
      resolve({ code, lines });
    });
  });
}

async function race(editor: EditorId, fixture: string, container: string, count: number): Promise<void> {
  const { home, cleanup } = await tempHome();
  try {
    const file = editorLocation(editor, {
      platform: 'linux',
      env: { XDG_CONFIG_HOME: join(home, '.config') },
      homedir: home,
    }).configPath;
    await mkdir(dirname(file), { recursive: true });
    const original = await readFile(join(FIXTURES, editor, fixture), 'utf8');
    await writeFile(file, original);
    const [a, b] = await Promise.all([
      runChild([home, editor, 'alpha', String(count), '15']),
      runChild([home, editor, 'beta', String(count), '15']),
    ]);
    assert.equal(a.code, 0, JSON.stringify(a.lines));
    assert.equal(b.code, 0, JSON.stringify(b.lines));
    const doc = parse(await readFile(file, 'utf8'), [], { allowTrailingComma: true }) as Record<
      string,
      Record<string, unknown>
    >;
    const names = Object.keys(doc[container] ?? {});
    for (let i = 0; i < count; i++) {
      assert.ok(names.includes(`alpha-${i}`), `alpha-${i} lost; have ${names.join(', ')}`);
      assert.ok(names.includes(`beta-${i}`), `beta-${i} lost; have ${names.join(', ')}`);
    }
    const before = parse(original, [], { allowTrailingComma: true }) as Record<string, Record<string, unknown>>;
    for (const name of Object.keys(before[container] ?? {})) assert.ok(names.includes(name), `original ${name} lost`);
    assert.deepEqual(await listLeftovers(dirname(file)), []);
    assert.ok((await listBackups(file)).length > 0);
  } finally {
    await cleanup();
  }
}

void test('two processes adding 12 entries each to one Zed settings.json lose nothing', async () => {
  await race('zed', 'settings.json', 'context_servers', 12);
});

void test('two processes adding 12 entries each to one ~/.claude.json lose nothing (and keep every project)', async () => {
  await race('claude-code', 'claude.json', 'mcpServers', 12);
});
