import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readEntry, removeEntry, setEntry, type EntryPath } from '../../../../app/clients/jsonc/entry-edits.ts';
import { parseConfig, type ConfigSyntax } from '../../../../app/clients/jsonc/parse-config.ts';

const PATH: EntryPath = { container: ['mcpServers'], name: 'graph-bridge' };
const ENTRY = { command: '/usr/bin/node', args: ['/b.js'] };

function parsed(text: string, syntax: ConfigSyntax = 'jsonc') {
  const r = parseConfig(text, syntax, '/cfg.json');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function set(text: string, value: unknown = ENTRY, path = PATH): string {
  const r = setEntry(parsed(text), path, value, '/cfg.json');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

void test('appends after the last server, keeping its same-line comment where it was', () => {
  const text = '{\n  "mcpServers": {\n    "x": { "command": "a" } // note\n  }\n}\n';
  const out = set(text);
  assert.equal(
    out,
    '{\n  "mcpServers": {\n    "x": { "command": "a" }, // note\n    "graph-bridge": {\n      "command": "/usr/bin/node",\n      "args": [\n        "/b.js"\n      ]\n    }\n  }\n}\n',
  );
  assert.equal(removeEntry(parsed(out), PATH), text);
});

void test('keeps a trailing-comma style', () => {
  const text = '{\n  "mcpServers": {\n    "x": {},\n  },\n}';
  const out = set(text, { command: 'c' });
  assert.equal(out, '{\n  "mcpServers": {\n    "x": {},\n    "graph-bridge": {\n      "command": "c"\n    },\n  },\n}');
  assert.equal(removeEntry(parsed(out), PATH), text);
});

void test('fills an empty container and empties it again to the same bytes', () => {
  const text = '{"mcpServers": {}, "a": 1}';
  const out = set(text, { command: 'c' });
  assert.equal(out, '{"mcpServers": {\n  "graph-bridge": {\n    "command": "c"\n  }\n}, "a": 1}');
  assert.equal(removeEntry(parsed(out), PATH), text);
});

void test('creates a missing container at the end of the root object', () => {
  const out = set('{\n\t"theme": "dark"\n}\n', { command: 'c' });
  assert.equal(
    out,
    '{\n\t"theme": "dark",\n\t"mcpServers": {\n\t\t"graph-bridge": {\n\t\t\t"command": "c"\n\t\t}\n\t}\n}\n',
  );
});

void test('creates nested containers and a whole document from an empty file', () => {
  const path: EntryPath = { container: ['a', 'b'], name: 'n' };
  assert.equal(set('', 1, path), '{\n  "a": {\n    "b": {\n      "n": 1\n    }\n  }\n}\n');
  assert.equal(set('{"a": {}}', 1, path), '{"a": {\n  "b": {\n    "n": 1\n  }\n}}');
});

void test('replaces an outdated entry in place, leaving neighbours alone', () => {
  const text = '{\r\n  "mcpServers": {\r\n    "graph-bridge": { "command": "old" }, "y": [1,2]\r\n  }\r\n}';
  const out = set(text, { command: 'new' });
  assert.equal(
    out,
    '{\r\n  "mcpServers": {\r\n    "graph-bridge": {\r\n      "command": "new"\r\n    }, "y": [1,2]\r\n  }\r\n}',
  );
  assert.deepEqual(readEntry(parsed(out), PATH), { command: 'new' });
});

void test('removing a first or middle entry keeps the others and their comments', () => {
  const text = '{\n  "mcpServers": {\n    // ours\n    "graph-bridge": {},\n    "y": 2 // why\n  }\n}';
  assert.equal(removeEntry(parsed(text), PATH), '{\n  "mcpServers": {\n    // ours\n    "y": 2 // why\n  }\n}');
});

void test('removing an absent entry returns null', () => {
  assert.equal(removeEntry(parsed('{"mcpServers": {"x": 1}}'), PATH), null);
  assert.equal(removeEntry(parsed('{}'), PATH), null);
  assert.equal(removeEntry(parsed(''), PATH), null);
});

void test('a container that is not an object is refused, naming the key', () => {
  const r = setEntry(parsed('{"mcpServers": []}'), PATH, ENTRY, '/cfg.json');
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'CONFIG_UNEXPECTED_SHAPE');
  assert.match(r.error.message, /"mcpServers" is a array/);
});

void test('a root that is not an object is refused', () => {
  const r = parseConfig('[1]', 'json', '/cfg.json');
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'CONFIG_UNEXPECTED_SHAPE');
});

void test('strict JSON files reject comments and trailing commas; JSONC files accept them', () => {
  for (const text of ['{"a": 1, // c\n}', '{"a": 1,}']) {
    const strict = parseConfig(text, 'json', '/c.json');
    assert.ok(!strict.ok && strict.error.code === 'CONFIG_INVALID' && strict.error.line === 1);
    assert.ok(parseConfig(text, 'jsonc', '/c.json').ok);
  }
});

void test('parse errors carry 1-based line and column of the first problem', () => {
  const r = parseConfig('{\n  "a": 1\n  "b": 2\n}', 'jsonc', '/c.json');
  assert.ok(!r.ok);
  assert.deepEqual([r.error.line, r.error.column], [3, 3]);
  assert.match(
    r.error.message,
    /\/c\.json is not valid JSON with comments: line 3, column 3: expected "," between two entries/,
  );
});
