/**
 * The upload-session loop against a recorded upload URL (the network edge): ranges, fragment sizes,
 * the final answer, retries, and the cancel (DELETE) on every failure, including a file that changed.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import type { UploadUrlRequest, UploadUrlResponse } from '../../../../bridge/uploads/types.ts';
import { UPLOAD_FRAGMENT_UNIT, uploadThroughSession } from '../../../../bridge/uploads/upload-session.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';
import { graphLikeUploadUrl, LIMIT, localFilesFixture, type LocalFilesFixture } from './local-files-fixture.ts';

const UNIT = UPLOAD_FRAGMENT_UNIT;
const URL_ = 'https://upload.example.net/up/abc';

async function withFile(
  size: number,
  respond: ((req: UploadUrlRequest, n: number) => UploadUrlResponse) | undefined,
  fn: (args: {
    fx: LocalFilesFixture;
    run: (fragmentBytes?: number) => Promise<unknown>;
    path: string;
  }) => Promise<void>,
): Promise<void> {
  await withTempDir('gb-session-', async (dir) => {
    const path = join(dir, 'big.bin');
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = i % 241;
    await writeFile(path, bytes);
    let n = 0;
    const fx = localFilesFixture({
      allowed: [dir],
      homedir: '/nonexistent',
      ...(respond ? { respond: (req: UploadUrlRequest) => respond(req, n++) } : {}),
    });
    const source = await fx.files.open(path, LIMIT);
    try {
      await fn({
        fx,
        path,
        run: (fragmentBytes) =>
          uploadThroughSession({
            uploadUrl: URL_,
            source,
            send: fx.files.sendToUploadUrl,
            sleep: (ms) => fx.files.sleep(ms),
            destination: 'Data/big.bin',
            ...(fragmentBytes !== undefined ? { fragmentBytes } : {}),
          }),
      });
    } finally {
      await source.close();
    }
  });
}

const summary = (fx: LocalFilesFixture) => fx.sent.map((r) => `${r.method} ${r.contentRange ?? ''}`.trim());

void describe('upload sessions', () => {
  void it('sends contiguous ranges of 320 KiB multiples and returns the final item; audits each exchange', async () => {
    const size = 3 * UNIT + 17;
    await withFile(size, undefined, async ({ fx, run }) => {
      assert.deepEqual(await run(2 * UNIT), { id: 'up-1', name: 'big.bin', size });
      assert.deepEqual(summary(fx), [
        `PUT bytes 0-${2 * UNIT - 1}/${size}`,
        `PUT bytes ${2 * UNIT}-${size - 1}/${size}`,
      ]);
      assert.ok(fx.sent.every((r) => r.url === URL_));
      assert.equal(Buffer.concat(fx.bodies).length, size);
      assert.deepEqual(
        fx.audits.map((a) => [a.method, a.pathTemplate, a.status]),
        [
          ['PUT', '{uploadUrl}', 202],
          ['PUT', '{uploadUrl}', 201],
        ],
      );
    });
  });

  void it('refuses a fragment size that is not a multiple of 320 KiB, and a non-https upload URL, before sending', async () => {
    await withFile(UNIT + 1, undefined, async ({ fx, run }) => {
      await assert.rejects(run(UNIT + 1), /multiple of 327680/);
      assert.deepEqual(fx.sent, []);
    });
    await withTempDir('gb-session-', async (dir) => {
      await writeFile(join(dir, 'a.bin'), 'abc');
      const fx = localFilesFixture({ allowed: [dir], homedir: '/nonexistent' });
      const source = await fx.files.open(join(dir, 'a.bin'), LIMIT);
      for (const uploadUrl of ['http://upload.example.net/x', 'https://user:pw@upload.example.net/x', 'not a url'])
        await assert.rejects(
          uploadThroughSession({
            uploadUrl,
            source,
            send: fx.files.sendToUploadUrl,
            sleep: (ms) => fx.files.sleep(ms),
            destination: 'a',
          }),
          (e: unknown) => e instanceof ToolError && e.code === 'GRAPH_ERROR',
        );
      await source.close();
      assert.deepEqual(fx.sent, []);
    });
  });

  void it('a file that changed: the last fragment is never sent and the session is deleted', async () => {
    const size = 2 * UNIT + 5;
    await withFile(size, undefined, async ({ fx, run, path }) => {
      await writeFile(path, Buffer.alloc(size, 0xee));
      await assert.rejects(run(UNIT), (e: unknown) => e instanceof ToolError && e.code === 'LOCAL_FILE_CHANGED');
      assert.deepEqual(summary(fx), [
        `PUT bytes 0-${UNIT - 1}/${size}`,
        `PUT bytes ${UNIT}-${2 * UNIT - 1}/${size}`,
        'DELETE',
      ]);
    });
  });

  void it('409 on the last fragment: GRAPH_CONFLICT that says how to overwrite', async () => {
    const size = UNIT + 1;
    await withFile(
      size,
      (req, n) =>
        n === 1
          ? {
              status: 409,
              headers: {},
              body: { error: { code: 'nameAlreadyExists', message: 'The specified item name already exists.' } },
            }
          : graphLikeUploadUrl(req),
      async ({ fx, run }) => {
        await assert.rejects(run(UNIT), (e: unknown) => {
          assert.ok(e instanceof ToolError);
          assert.equal(e.code, 'GRAPH_CONFLICT');
          assert.match(e.message, /nameAlreadyExists.*conflictBehavior 'replace'/);
          return true;
        });
        assert.equal(summary(fx).at(-1), 'DELETE');
      },
    );
  });

  void it('429/503 on a fragment are retried after Retry-After; other failures cancel at once', async () => {
    const size = 2 * UNIT;
    await withFile(
      size,
      (req, n) =>
        n === 0 ? { status: 503, headers: { 'retry-after': '7' }, body: undefined } : graphLikeUploadUrl(req),
      async ({ fx, run }) => {
        assert.deepEqual(await run(UNIT), { id: 'up-1', name: 'big.bin', size });
        assert.deepEqual(fx.sleeps, [7000]);
        assert.deepEqual(summary(fx), [
          `PUT bytes 0-${UNIT - 1}/${size}`,
          `PUT bytes 0-${UNIT - 1}/${size}`,
          `PUT bytes ${UNIT}-${size - 1}/${size}`,
        ]);
      },
    );
    await withFile(
      size,
      (req, n) =>
        req.method === 'PUT' && n < 10 ? { status: 503, headers: {}, body: undefined } : graphLikeUploadUrl(req),
      async ({ fx, run }) => {
        await assert.rejects(run(UNIT), (e: unknown) => e instanceof ToolError && e.code === 'GRAPH_UNAVAILABLE');
        assert.deepEqual(fx.sleeps, [1000, 2000, 4000]);
        assert.equal(summary(fx).at(-1), 'DELETE');
      },
    );
  });

  void it('an unexpected nextExpectedRanges or a connection failure cancels the session', async () => {
    const size = 3 * UNIT;
    await withFile(
      size,
      (req) =>
        req.method === 'PUT'
          ? { status: 202, headers: {}, body: { nextExpectedRanges: ['0-'] } }
          : graphLikeUploadUrl(req),
      async ({ fx, run }) => {
        await assert.rejects(run(UNIT), /expected byte 0 next/);
        assert.deepEqual(summary(fx), [`PUT bytes 0-${UNIT - 1}/${size}`, 'DELETE']);
      },
    );
    await withFile(
      size,
      (req) => {
        if (req.method === 'PUT') throw new Error('socket hang up');
        return graphLikeUploadUrl(req);
      },
      async ({ fx, run }) => {
        await assert.rejects(run(UNIT), (e: unknown) => e instanceof ToolError && e.code === 'GRAPH_UNREACHABLE');
        assert.equal(summary(fx).at(-1), 'DELETE');
      },
    );
  });
});
