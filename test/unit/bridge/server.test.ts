import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ALL_TOOLS, selectTools } from '../../../bridge/catalog.ts';
import { createLogger } from '../../../bridge/log.ts';
import { loadSdk } from '../../../bridge/fast-start/sdk.ts';
import { createBridgeServer } from '../../../bridge/server.ts';
import { ToolError } from '../../../bridge/tools/tool.ts';

async function connect(options: {
  readOnly: boolean;
  run: (
    tool: unknown,
    input: unknown,
    runOptions?: { signal?: AbortSignal },
  ) => Promise<{ text: string; structured?: Record<string, unknown> }>;
}) {
  let loads = 0;
  const server = createBridgeServer({
    sdk: await loadSdk(),
    tools: selectTools(ALL_TOOLS, { groups: ['profile', 'mail'], readOnly: options.readOnly }),
    log: createLogger({ write: () => undefined, pid: 1 }),
    readOnly: options.readOnly,
    loadRunner: () => {
      loads++;
      return Promise.resolve({ run: options.run });
    },
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'unit', version: '1' });
  await Promise.all([server.connect(a), client.connect(b)]);
  return { client, loads: () => loads };
}

test('initialize and tools/list never load the runtime; read-only lists no writes', async () => {
  const c = await connect({ readOnly: true, run: () => Promise.reject(new Error('unused')) });
  const names = (await c.client.listTools()).tools.map((t) => t.name);
  assert.ok(names.includes('get_my_profile'));
  assert.ok(!names.includes('send_mail'));
  assert.equal(c.loads(), 0);
});

test('ToolError -> isError with its message; other errors -> internal error text', async () => {
  const c = await connect({
    readOnly: false,
    run: () => Promise.reject(new ToolError('PAUSED', 'Paused. Resume it.')),
  });
  const r = await c.client.callTool({ name: 'get_my_profile', arguments: {} });
  assert.deepEqual(r, { isError: true, content: [{ type: 'text', text: 'Paused. Resume it.' }] });
  const d = await connect({ readOnly: false, run: () => Promise.reject(new Error('boom')) });
  const e = await d.client.callTool({ name: 'get_my_profile', arguments: {} });
  assert.equal(e.isError, true);
  assert.match((e.content as { text: string }[])[0]!.text, /internal error running get_my_profile \(Error: boom\)/);
});

test('structured results are returned and validated against the output schema', async () => {
  const c = await connect({
    readOnly: false,
    run: () => Promise.resolve({ text: '{"id":"u"}', structured: { id: 'u' } }),
  });
  const r = await c.client.callTool({ name: 'get_my_profile', arguments: {} });
  assert.deepEqual(r.structuredContent, { id: 'u' });
  assert.equal(c.loads(), 1);
  const bad = await c.client.callTool({ name: 'list_messages', arguments: { top: 500 } });
  assert.equal(bad.isError, true, 'input validation rejects top > 50');
});

test('the MCP request signal reaches the runner: the client cancelling aborts it, and the client gets its answer', async () => {
  let signal: AbortSignal | undefined;
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const c = await connect({
    readOnly: false,
    run: (_tool, _input, runOptions) =>
      new Promise((_resolve, reject) => {
        signal = runOptions?.signal;
        started();
        signal?.addEventListener('abort', () => reject(new ToolError('CANCELLED', 'cancelled')));
      }),
  });
  const controller = new AbortController();
  const call = c.client.callTool({ name: 'get_my_profile', arguments: {} }, undefined, { signal: controller.signal });
  await running;
  assert.equal(signal?.aborted, false);
  controller.abort('the user pressed stop');
  await assert.rejects(call, /the user pressed stop/);
  await new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    else signal?.addEventListener('abort', () => resolve());
  });
  assert.equal(signal?.aborted, true, 'notifications/cancelled aborted the tool call');
});
