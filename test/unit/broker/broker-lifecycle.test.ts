/**
 * The broker's stop (broker-lifecycle.ts): the audit records it accepted before its sockets closed are
 * on disk when stop returns — a quitting agent or tray never loses the trail of calls it answered.
 *
 * The disk is made slow on purpose and without timing: audit.jsonl is a FIFO nobody reads, so every
 * append waits in open() until the test opens the reading end. The test opens it the moment the
 * sockets are closed (the broker logs that step) and counts the lines that arrived when stop reaches
 * its last step, closing the sign-in core: a stop that does not await the audit log gets there within
 * the same turn of the event loop, before any append could finish.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from '../../../app/shared/errno.ts';
import { silentLogger, type Logger } from '../../../app/broker/log/logger.ts';
import { startHarness } from './broker-harness.ts';
import { createFakeAuth } from './fake-auth-service.ts';

const RECORDS = 25;

/** Everything in the FIFO now (non-blocking: stops at "no data yet" or "no writer"). */
function drain(fd: number): string {
  const chunk = Buffer.alloc(65_536);
  let text = '';
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, chunk);
    } catch (e) {
      if (errnoOf(e) === 'EAGAIN') return text;
      throw e;
    }
    if (n === 0) return text;
    text += chunk.subarray(0, n).toString('utf8');
  }
}

void test(
  'stop returns only after every audit record it accepted is written, however slow the disk',
  { skip: process.platform === 'win32' ? 'no FIFOs on Windows' : false },
  async () => {
    let reader: number | null = null;
    const fifo: { path: string | null } = { path: null };
    const logger: Logger = {
      ...silentLogger,
      debug(message) {
        if (message.startsWith('Sockets closed') && fifo.path !== null) {
          reader = openSync(fifo.path, constants.O_RDONLY | constants.O_NONBLOCK);
        }
      },
    };
    const auth = createFakeAuth();
    let linesAtAuthClose: number | null = null;
    auth.close = () => {
      linesAtAuthClose = reader === null ? 0 : drain(reader).split('\n').filter(Boolean).length;
      return Promise.resolve();
    };
    const h = await startHarness({ config: { clientPolicy: 'allow' }, auth, logger });
    try {
      await mkdir(join(h.home, 'state'), { recursive: true, mode: 0o700 });
      fifo.path = join(h.home, 'state', 'audit.jsonl');
      execFileSync('mkfifo', ['-m', '600', fifo.path]);
      const { client } = await h.bridge('cursor');
      const sent = Array.from({ length: RECORDS }, (_, i) =>
        client
          .call('audit.record', {
            tool: 'mail_list',
            method: 'GET',
            pathTemplate: '/me/messages',
            status: 200,
            durationMs: i,
            requestId: `r${i}`,
          })
          .catch(() => null),
      );
      // Requests on one connection are dispatched in order: this answer means all records were accepted.
      await client.call('status.get', {});

      await h.broker.stop();
      assert.equal(linesAtAuthClose, RECORDS, 'every accepted record was written before stop went on');
      await Promise.all(sent);
    } finally {
      if (reader !== null) closeSync(reader);
      await h.close();
    }
  },
);
