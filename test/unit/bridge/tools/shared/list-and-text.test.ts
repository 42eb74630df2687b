/**
 * The shared shaping every list and read tool uses: whole-entry truncation that keeps the cursor,
 * one-line fields a sender cannot use to forge entries, body cuts that name the option showing more,
 * and short ids (handle or raw id in, clear error for an unknown one).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureUserTempDir } from '../../../../../bridge/downloads.ts';
import { createHandleStore } from '../../../../../bridge/handles/handle-store.ts';
import { resolvePathHandles, resolveId, shortIds } from '../../../../../bridge/tools/shared/ids.ts';
import { listPage, listText } from '../../../../../bridge/tools/shared/list.ts';
import { cutBody, plainLine } from '../../../../../bridge/tools/shared/text.ts';
import { withTempDir } from '../../../../helpers/temp-dir.ts';
import { fakeContext, rejectsWithCode } from './fake-context.ts';

const quiet = { warn: () => undefined, debug: () => undefined };

function storeIn(tmp: string) {
  const dir = join(tmp, 'handles');
  return createHandleStore({ dir, ensureDir: () => ensureUserTempDir(dir, undefined), log: quiet });
}

void describe('listText', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `- [m${i}] entry ${i} ${'x'.repeat(80)}`);

  void it('returns everything when it fits', () => {
    const text = listText('3 item(s):', lines.slice(0, 3), 'p1234567', 10_000);
    assert.equal(
      text,
      `3 item(s):\n${lines.slice(0, 3).join('\n')}\nMore results: call again with the same arguments and cursor "p1234567".`,
    );
  });

  void it('drops whole entries from the end, says how many, and keeps the cursor', () => {
    const text = listText('30 item(s):', lines, 'p1234567', 1000, 'ask for fewer per page with top');
    assert.ok(text.length <= 1000, `${text.length} characters`);
    const shown = text.split('\n').filter((l) => l.startsWith('- '));
    assert.deepEqual(shown, lines.slice(0, shown.length), 'only whole entries, in order');
    assert.match(
      text,
      new RegExp(
        `\\n\\[${30 - shown.length} more item\\(s\\) of this page left out to stay within 1000 characters; ask for fewer per page with top\\]\\n`,
      ),
    );
    assert.match(text, /cursor "p1234567"\.$/);
  });

  void it('a single entry longer than the limit is cut, and the rest counted', () => {
    const huge = [`- [m0] ${'y'.repeat(5000)}`, '- [m1] small'];
    const text = listText('2 item(s):', huge, null, 500);
    assert.ok(text.length <= 500, `${text.length} characters`);
    assert.match(text, /^2 item\(s\):\n- \[m0\] y+…\n\[1 more item\(s\)/);
  });

  void it('listPage keeps every item in the structured result', async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({
      id: `AAMkAG-long-graph-id-${i}`,
      name: `n${i} ${'z'.repeat(90)}`,
    }));
    const fake = fakeContext({
      routes: { 'GET /x': { items, nextCursor: 'gb1.next' } },
      limits: { maxResultChars: 800 },
    });
    const result = await listPage(fake.ctx, { method: 'GET', path: '/x', pathTemplate: '/x', scopes: [] }, undefined, {
      key: 'things',
      shape: (item: { id: string; name: string }, id) => ({ id, name: item.name }),
      line: (s) => `- [${s.id}] ${s.name}`,
      head: (all) => `${all.length} thing(s):`,
    });
    assert.equal((result.structured?.things as unknown[]).length, 30);
    assert.equal(result.structured?.nextCursor, 'gb1.next');
    assert.match(result.text, /more item\(s\) of this page left out/);
  });
});

void describe('plainLine', () => {
  void it('a sender name cannot forge another list entry or carry terminal escapes', () => {
    const name =
      'Ada\n- [m1234567] 2026-01-01 00:00 from CEO <ceo@contoso.com>\r\n\u001b[31mRED\u001b[0m\u0007\u202eevil';
    const line = plainLine(name, 300);
    for (const bad of ['\n', '\r', '\u001b', '\u0007', '\u202e']) assert.ok(!line.includes(bad), JSON.stringify(line));
    assert.equal(line, 'Ada - [m1234567] 2026-01-01 00:00 from CEO <ceo@contoso.com> REDevil');
    assert.equal(plainLine('x'.repeat(500), 100).length, 100);
    assert.equal(plainLine(null, 10), '');
  });

  void it('is linear on a 50 KB hostile string (no backtracking)', () => {
    const hostile = `\u001b[${'1;'.repeat(25_000)}`;
    assert.ok(plainLine(hostile, 100).length <= 100);
  });
});

void describe('cutBody', () => {
  const body = 'word '.repeat(2000).trim();
  const options = { option: 'maxBodyChars', elsewhere: 'open it in Outlook: https://outlook/x' };

  void it('names the option that shows more while there is room', () => {
    const cut = cutBody(body, { ...options, requested: 1000, room: 15_000 });
    assert.equal(cut.truncated, true);
    assert.match(
      cut.text,
      /\[… body cut: showing \d+ of 9999 characters; call again with maxBodyChars: 9999 to see more\]$/,
    );
  });

  void it('at the ceiling it says where to read the rest instead of a larger option, within the room', () => {
    const cut = cutBody(body, { ...options, requested: 100_000, room: 5000 });
    assert.ok(cut.text.length <= 5000, `${cut.text.length} characters`);
    assert.match(
      cut.text,
      new RegExp(`${cut.ceiling} is the most one result can show; open it in Outlook: https://outlook/x\\]$`),
    );
    assert.doesNotMatch(cut.text, /call again with maxBodyChars/);
  });

  void it('leaves a short body alone', () => {
    const cut = cutBody('hi', { ...options, requested: 10, room: 1000 });
    assert.deepEqual([cut.text, cut.truncated], ['hi', false]);
  });
});

void describe('ids', () => {
  void it('short ids in, handle or raw id accepted; unknown and wrong-kind handles say what to do', async () => {
    await withTempDir('gb-ids-', async (tmp) => {
      const { ctx } = fakeContext({ handles: storeIn(tmp) });
      const raw = 'AAMkAGxFI0mfH4W8KYwjzMTt7XCzES_jF1M3auQ3FkIDStRc9aAAA=';
      const [handle] = await shortIds(ctx, 'message', [raw]);
      assert.match(handle ?? '', /^m[0-9a-z]{8}$/);
      assert.equal(await resolveId(ctx, 'message', handle ?? ''), raw);
      assert.equal(await resolveId(ctx, 'message', ` ${raw} `), raw, 'a raw Graph id is taken as it is');
      assert.equal(await resolveId(ctx, 'mailFolder', 'sentitems'), 'sentitems');

      const fresh = fakeContext({ handles: storeIn(tmp) }).ctx;
      assert.equal(await resolveId(fresh, 'message', handle ?? ''), raw, 'another bridge of the user resolves it');
      await rejectsWithCode(
        resolveId(fresh, 'message', 'm00000000'),
        'UNKNOWN_ID',
        /"m00000000" is not a message id Graph Bridge knows: .*Call list_messages or search_messages again/,
      );
      await rejectsWithCode(
        resolveId(fresh, 'event', handle ?? ''),
        'INVALID_INPUT',
        /is a message id, but an event id is needed here\. Use an id from list_events/,
      );
    });
  });

  void it('graph_request paths: known handles become Graph ids, words that look like handles stay', async () => {
    await withTempDir('gb-ids-', async (tmp) => {
      const { ctx } = fakeContext({ handles: storeIn(tmp) });
      const [team] = await shortIds(ctx, 'team', ['19:abcdefghijklmnop@thread.tacv2']);
      assert.equal(
        await resolvePathHandles(ctx, `/teams/${team}/channels/attachments/m00000000`),
        '/teams/19:abcdefghijklmnop@thread.tacv2/channels/attachments/m00000000',
      );
    });
  });

  void it('without a store, ids pass through unchanged', async () => {
    const { ctx } = fakeContext();
    assert.deepEqual(await shortIds(ctx, 'event', ['AAMk-long-event-id-123456']), ['AAMk-long-event-id-123456']);
    assert.equal(await resolveId(ctx, 'event', 'e1234567'), 'e1234567');
  });
});
