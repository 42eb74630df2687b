import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import {
  DownloadTooLargeError,
  DownloadWriteError,
  resolveDownloadDir,
  safeFileName,
  saveDownload,
  streamDownload,
} from '../../../bridge/downloads.ts';

test('safeFileName strips paths, traversal, control and reserved characters', () => {
  assert.equal(safeFileName('../../etc/passwd'), 'passwd');
  assert.equal(safeFileName('..\\..\\win.ini'), 'win.ini');
  assert.equal(safeFileName('.bashrc'), 'bashrc');
  assert.equal(safeFileName('a\u0000b\nc<d>.txt'), 'a_b_c_d_.txt');
  assert.equal(safeFileName('..'), 'download');
  assert.equal(safeFileName('CON.txt'), 'download-CON.txt');
  assert.ok(safeFileName(`${'x'.repeat(300)}.pdf`).endsWith('.pdf'));
  assert.ok(safeFileName(`${'x'.repeat(300)}.pdf`).length <= 120);
});

test('saveDownload writes unique private files inside a 0700 per-user dir', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'gb-dl-'));
  try {
    const opts = { tmpdir: tmp, userTag: 'u1', uid: process.getuid!() };
    const a = await saveDownload(opts, '../report.pdf', new Uint8Array([1, 2]));
    const b = await saveDownload(opts, 'report.pdf', new Uint8Array([3]));
    assert.equal(dirname(a), resolveDownloadDir(opts));
    assert.equal(a, join(tmp, 'graph-bridge-u1', 'downloads', 'report.pdf'));
    assert.equal(b, join(tmp, 'graph-bridge-u1', 'downloads', 'report (2).pdf'));
    assert.deepEqual([...(await readFile(b))], [3]);
    assert.equal((await stat(dirname(a))).mode & 0o777, 0o700);
    assert.equal((await stat(a)).mode & 0o777, 0o600);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test('streamDownload: a folder that cannot be written is a DownloadWriteError and the body is released', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'gb-dl-'));
  try {
    const blocker = join(tmp, 'not-a-dir');
    await writeFile(blocker, 'x');
    const body = Readable.from([Buffer.from('abc')]);
    await assert.rejects(
      streamDownload(
        { dir: join(blocker, 'downloads'), tmpdir: tmp, userTag: 'u', uid: undefined },
        { fileName: 'a.txt', body, maxBytes: 10 },
      ),
      DownloadWriteError,
    );
    assert.equal(body.destroyed, true);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test('streamDownload: past maxBytes it stops with DownloadTooLargeError and keeps no file', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'gb-dl-'));
  try {
    const opts = { dir: join(tmp, 'd'), tmpdir: tmp, userTag: 'u', uid: undefined };
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(1000, 1));
    await assert.rejects(
      streamDownload(opts, { fileName: 'big.bin', body: Readable.from(chunks), maxBytes: 9_999 }),
      DownloadTooLargeError,
    );
    assert.deepEqual(await readdir(join(tmp, 'd')), []);
    let collected = 0;
    const many = Array.from({ length: 20 }, () => Buffer.alloc(1024 * 1024, 2));
    const saved = await streamDownload(opts, {
      fileName: 'big.bin',
      body: Readable.from(many),
      maxBytes: 20 * 1024 * 1024,
      collect: () => collected++,
    });
    assert.deepEqual(saved, { path: join(tmp, 'd', 'big.bin'), bytes: 20 * 1024 * 1024 });
    assert.equal(collected, 2, 'the young generation is offered a collection every 8 MiB');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
