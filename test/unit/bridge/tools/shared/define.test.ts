import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { ALL_TOOLS } from '../../../../../bridge/catalog.ts';
import { READ_ANNOTATIONS, defineTool } from '../../../../../bridge/tools/shared/define.ts';

/** Everything of a tool but its schemas. */
const PROBE = {
  name: 'probe',
  group: 'profile',
  title: 'Probe',
  description: 'A probe.',
  scopes: ['User.Read'],
  write: false,
  annotations: READ_ANNOTATIONS,
  run: () => Promise.resolve({ text: 'ok' }),
} as const;

test('defineTool builds a tool’s schemas at their first read, once, and keeps the rest as written', () => {
  const built: string[] = [];
  const tool = defineTool({
    ...PROBE,
    inputSchema: () => (built.push('input'), { q: z.string().max(5) }),
    outputSchema: () => (built.push('output'), { n: z.number() }),
  });
  assert.deepEqual(built, [], 'nothing built by defining the tool');
  assert.equal(tool.name, 'probe');
  const input = tool.inputSchema;
  assert.equal(tool.inputSchema, input, 'built once');
  assert.deepEqual(built, ['input']);
  assert.ok(tool.outputSchema);
  assert.deepEqual(built, ['input', 'output']);
  assert.equal(z.object(tool.inputSchema).safeParse({ q: 'toolong' }).success, false);
  assert.ok(Object.keys(tool).includes('inputSchema') && Object.keys(tool).includes('outputSchema'));
});

test('a tool without an output schema has none', () => {
  const tool = defineTool({ ...PROBE, inputSchema: () => ({}) });
  assert.equal(tool.outputSchema, undefined);
  assert.equal('outputSchema' in tool, false);
});

test('every tool’s input schema builds and is an object shape of zod schemas', () => {
  for (const tool of ALL_TOOLS) {
    const shape = tool.inputSchema;
    assert.equal(tool.inputSchema, shape, `${tool.name}: memoised`);
    for (const [key, schema] of Object.entries(shape)) assert.ok(schema instanceof z.ZodType, `${tool.name}.${key}`);
  }
});
