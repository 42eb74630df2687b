/**
 * Opening local files under the upload policy, on the real file system (a temp dir): symlinks,
 * hard links, FIFOs, folders, a file swapped between the check and the open, and bytes that change
 * between the approval and the send.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, link, mkdir, rename, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { nodeLocalFs } from '../../../../bridge/uploads/node-fs.ts';
import type { LocalUploadSource } from '../../../../bridge/uploads/types.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';
import { LIMIT, localFilesFixture } from './local-files-fixture.ts';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ToolError, String(e));
    assert.equal(e.code, 'LOCAL_FILE_REFUSED', e.message);
    return e.message;
  }
  assert.fail('expected a refusal');
}

async function readAll(source: LocalUploadSource, fragment: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const f of source.fragments(fragment)) parts.push(Buffer.from(f.bytes));
  return Buffer.concat(parts);
}

/** A home with Documents (allowed), ~/.ssh/id_rsa and a Graph Bridge dir inside Documents. */
async function scene(home: string) {
  const docs = join(home, 'Documents');
  const gb = join(docs, 'gb');
  await mkdir(join(home, '.ssh'), { recursive: true });
  await mkdir(join(gb, 'run'), { recursive: true });
  await writeFile(join(home, '.ssh', 'id_rsa'), 'PRIVATE');
  await writeFile(join(gb, 'run', 'broker.key'), 'a'.repeat(64));
  await writeFile(join(gb, 'run', 'notes'), 'inside Graph Bridge');
  const fx = localFilesFixture({ allowed: [docs], homedir: home, protectedFolders: [gb] });
  const missing = await refusal(fx.files.open(join(docs, 'no-such-file.txt'), LIMIT));
  return { docs, gb, fx, missing };
}

void describe('opening a local file for upload', () => {
  void it('an allowed file: real path, size, SHA-256 from the descriptor; fragments give the same bytes', async () => {
    await withTempDir('gb-local-', async (home) => {
      const { docs, fx } = await scene(home);
      const bytes = Buffer.alloc(1_000_003);
      for (let i = 0; i < bytes.length; i++) bytes[i] = i % 253;
      await writeFile(join(docs, 'data.bin'), bytes);
      const source = await fx.files.open(join(docs, 'data.bin'), LIMIT);
      try {
        assert.deepEqual(
          [source.path, source.name, source.size, source.sha256],
          [join(docs, 'data.bin'), 'data.bin', bytes.length, sha(bytes)],
        );
        assert.deepEqual(await readAll(source, 327_680), bytes);
        assert.deepEqual(await readAll(source, bytes.length), bytes, 'again, from the same descriptor');
      } finally {
        await source.close();
      }
    });
  });

  void it('fragments reuse one buffer: memory stays one fragment whatever the file size', async () => {
    await withTempDir('gb-local-', async (home) => {
      const { docs, fx } = await scene(home);
      await writeFile(join(docs, 'f.bin'), Buffer.alloc(5 * 327_680 + 1, 1));
      const source = await fx.files.open(join(docs, 'f.bin'), LIMIT);
      const buffers = new Set<ArrayBufferLike>();
      for await (const f of source.fragments(327_680)) {
        buffers.add(f.bytes.buffer);
        assert.ok(f.bytes.byteLength <= 327_680);
      }
      await source.close();
      assert.equal(buffers.size, 1);
    });
  });

  void it('refuses symlinks out of the allowed folder (to ~/.ssh, to Graph Bridge files) with the missing-file text', async () => {
    await withTempDir('gb-local-', async (home) => {
      const { docs, gb, fx, missing } = await scene(home);
      await symlink(join(home, '.ssh', 'id_rsa'), join(docs, 'holiday.jpg'));
      await symlink(join(gb, 'run', 'broker.key'), join(docs, 'Q3-report.txt'));
      await symlink(join(gb, 'run', 'notes'), join(docs, 'minutes.txt'));
      await symlink(join(home, '.ssh'), join(docs, 'keys'));
      await symlink('/etc/hostname', join(docs, 'host.txt'));
      for (const p of ['holiday.jpg', 'Q3-report.txt', 'minutes.txt', 'keys/id_rsa', 'host.txt', 'gb/run/notes'])
        assert.equal(await refusal(fx.files.open(join(docs, p), LIMIT)), missing, p);
      assert.equal(fx.logs.length, 7);
      assert.match(fx.logs.join('\n'), /Graph Bridge's own folders \(real path .*broker\.key\)/);
    });
  });

  void it('refuses folders, FIFOs (without hanging), hard links and hidden files, with the missing-file text', async () => {
    await withTempDir('gb-local-', async (home) => {
      const { docs, fx, missing } = await scene(home);
      await mkdir(join(docs, 'folder'));
      execFileSync('mkfifo', [join(docs, 'pipe.txt')]);
      await link(join(home, '.ssh', 'id_rsa'), join(docs, 'linked.txt'));
      await writeFile(join(docs, '.hidden.txt'), 'x');
      for (const p of ['folder', 'pipe.txt', 'linked.txt', '.hidden.txt'])
        assert.equal(await refusal(fx.files.open(join(docs, p), LIMIT)), missing, p);
      assert.match(fx.logs.join('\n'), /not a regular file[\s\S]*more than one hard link/);
    });
  });

  void it('a file swapped for a symlink between the check and the open is refused', async () => {
    await withTempDir('gb-local-', async (home) => {
      const docs = join(home, 'Documents');
      await mkdir(docs);
      await writeFile(join(docs, 'a.txt'), 'harmless');
      await writeFile(join(home, 'secret.txt'), 'secret');
      const real = nodeLocalFs();
      let swapped = false;
      const fx = localFilesFixture({
        allowed: [docs],
        homedir: '/nonexistent',
        fs: {
          ...real,
          // The attacker's move lands right after the policy looked at the real path.
          async realpath(p) {
            const out = await real.realpath(p);
            if (p === join(docs, 'a.txt') && !swapped) {
              swapped = true;
              await rename(join(docs, 'a.txt'), join(docs, 'a.old'));
              await symlink(join(home, 'secret.txt'), join(docs, 'a.txt'));
            }
            return out;
          },
        },
      });
      await refusal(fx.files.open(join(docs, 'a.txt'), LIMIT));
      assert.ok(swapped);
    });
  });

  void it('bytes rewritten in place, truncated or grown after the hash: changes abort, growth sends the approved bytes', async () => {
    await withTempDir('gb-local-', async (home) => {
      const { docs, fx } = await scene(home);
      const file = join(docs, 'plan.txt');
      const original = Buffer.from('x'.repeat(700_000));
      const changed = async (mutate: () => Promise<void>) => {
        await writeFile(file, original);
        const source = await fx.files.open(file, LIMIT);
        await mutate();
        try {
          await readAll(source, 327_680);
          return null;
        } catch (e) {
          return e instanceof ToolError ? e.code : String(e);
        } finally {
          await source.close();
        }
      };
      assert.equal(await changed(() => writeFile(file, Buffer.from('y'.repeat(700_000)))), 'LOCAL_FILE_CHANGED');
      assert.equal(await changed(() => truncate(file, 100)), 'LOCAL_FILE_CHANGED');
      assert.equal(await changed(() => appendFile(file, 'tail')), null);
      await writeFile(file, original);
      const source = await fx.files.open(file, LIMIT);
      await appendFile(file, 'more');
      assert.deepEqual(await readAll(source, 327_680), original, 'exactly the approved bytes');
      await source.close();
    });
  });

  void it('a file over the limit is FILE_TOO_LARGE before it is hashed or sent', async () => {
    await withTempDir('gb-local-', async (home) => {
      const { docs, fx } = await scene(home);
      await writeFile(join(docs, 'big.bin'), Buffer.alloc(2048));
      await assert.rejects(fx.files.open(join(docs, 'big.bin'), { maxBytes: 1024, what: 'OneDrive' }), (e: unknown) => {
        assert.ok(e instanceof ToolError);
        assert.equal(e.code, 'FILE_TOO_LARGE');
        assert.match(e.message, /2048 bytes; OneDrive takes at most 1024 bytes/);
        return true;
      });
    });
  });

  void it('an empty file is one empty fragment with the hash of nothing', async () => {
    await withTempDir('gb-local-', async (home) => {
      const { docs, fx } = await scene(home);
      await writeFile(join(docs, 'empty.txt'), '');
      const source = await fx.files.open(join(docs, 'empty.txt'), LIMIT);
      const fragments = [];
      for await (const f of source.fragments(327_680)) fragments.push({ ...f, bytes: f.bytes.length });
      await source.close();
      assert.deepEqual(fragments, [{ offset: 0, bytes: 0, last: true }]);
      assert.equal(source.sha256, sha(new Uint8Array(0)));
    });
  });
});
