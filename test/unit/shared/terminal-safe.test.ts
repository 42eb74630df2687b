import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLIENT_NAME_MAX,
  escapeControls,
  isTerminalSafe,
  normaliseClientName,
  shellArg,
  terminalJson,
} from '../../../app/shared/terminal-safe.ts';
import { clientNameSchema } from '../../../app/shared/bridge-contract.ts';
import { HOSTILE_TEXT as HOSTILE } from '../../helpers/hostile-text.ts';

void test('escapeControls: every control, separator, bidi and invisible character becomes a visible escape', () => {
  assert.equal(escapeControls('a\nb\r\tc\x1b[2J'), 'a\\x0ab\\x0d\\x09c\\x1b[2J');
  assert.equal(escapeControls('x\u202ey\u2066z\u200f'), 'x\\u202ey\\u2066z\\u200f');
  assert.equal(escapeControls('a\u2028b\u0085c\u009bd\u007f'), 'a\\u2028b\\x85c\\x9bd\\x7f');
  assert.equal(escapeControls('tag\u{e0041}'), 'tag\\u{e0041}');
  assert.equal(escapeControls('lone \ud800 surrogate'), 'lone \\ud800 surrogate');
  for (const name of Object.values(HOSTILE)) {
    const out = escapeControls(name);
    assert.ok(isTerminalSafe(out), JSON.stringify(out));
    // eslint-disable-next-line no-control-regex -- matching raw control characters is the point
    assert.doesNotMatch(out, /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    assert.equal(escapeControls(out), out, 'idempotent: what is printed is what the user types back');
  }
});

void test('escapeControls keeps visible text: non-Latin scripts, emoji with ZWJ, backslashes', () => {
  for (const text of ['Клод', 'محرر', 'エディタ', '👩‍💻 editor', 'half\u200cspace', 'C:\\path\\x41', 'cursor-vscode']) {
    assert.equal(escapeControls(text), text);
    assert.ok(isTerminalSafe(text));
  }
  assert.equal(isTerminalSafe('a\nb'), false);
});

void test('normaliseClientName: escaped, bounded to CLIENT_NAME_MAX code points, idempotent; 1 MiB costs nothing', () => {
  assert.equal(normaliseClientName('claude-ai'), 'claude-ai');
  assert.equal(normaliseClientName(HOSTILE.clearScreen), 'evil\\x1b[2J\\x1b[Hclaude-ai');
  const huge = normaliseClientName('x'.repeat(1024 * 1024));
  assert.equal([...huge].length, CLIENT_NAME_MAX);
  assert.ok(huge.endsWith('…'));
  const escapedLong = normaliseClientName('\n'.repeat(50));
  assert.equal([...escapedLong].length, CLIENT_NAME_MAX);
  assert.ok(isTerminalSafe(escapedLong));
  const emoji = normaliseClientName('😀'.repeat(300));
  assert.equal([...emoji].length, CLIENT_NAME_MAX, 'cut on code points, never inside a surrogate pair');
  assert.ok(isTerminalSafe(emoji));
  for (const name of [...Object.values(HOSTILE), huge, emoji, 'a'.repeat(CLIENT_NAME_MAX)]) {
    const once = normaliseClientName(name);
    assert.equal(normaliseClientName(once), once);
  }
});

void test('clientNameSchema normalises instead of refusing; empty stays invalid', () => {
  assert.equal(clientNameSchema.parse(HOSTILE.newline).includes('\n'), false);
  assert.equal(clientNameSchema.parse('y'.repeat(10_000)).length, CLIENT_NAME_MAX);
  assert.equal(clientNameSchema.safeParse('').success, false);
});

void test('terminalJson: same data, but bidi/C1/separators only as \\u escapes', () => {
  const value = {
    name: HOSTILE.bidi,
    sep: HOSTILE.separators,
    c1: HOSTILE.c1AndDel,
    tag: HOSTILE.invisible,
    nl: 'a\nb',
  };
  const text = terminalJson(value);
  assert.deepEqual(JSON.parse(text), value);
  assert.doesNotMatch(text, /[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\ufeff]|\u{e0041}/u);
  assert.match(text, /\\u202e/);
  assert.match(text, /\\udb40\\udc41/);
});

void test('shellArg: plain words as they are, anything else single-quoted so a paste runs one command', () => {
  assert.equal(shellArg('Mail.Read'), 'Mail.Read');
  assert.equal(shellArg('a b'), "'a b'");
  assert.equal(shellArg("Mail.Read'; rm -rf ~; '"), `'Mail.Read'\\''; rm -rf ~; '\\'''`);
  assert.equal(shellArg('$(curl x|sh)'), "'$(curl x|sh)'");
});
