import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TOOL_GROUPS, GROUP_SCOPES, TOOL_GROUPS } from '../../../app/shared/tool-groups.ts';
import { toolCatalogEntrySchema } from '../../../app/shared/bridge-contract.ts';
import { ALL_TOOLS, selectTools, toCatalog } from '../../../bridge/catalog.ts';
import { buildToolList, compactAnnotations } from '../../../bridge/tool-list.ts';
import { mailTools } from '../../../bridge/tools/mail.ts';
import { profileTools } from '../../../bridge/tools/profile.ts';

test('tool names are unique and MCP-valid', () => {
  const names = ALL_TOOLS.map((t) => t.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.match(n, /^[a-z][a-z0-9_]{0,63}$/);
});

test('read-only selection drops every write tool; group selection keeps only those groups', () => {
  const ro = selectTools(ALL_TOOLS, { groups: [...TOOL_GROUPS], readOnly: true });
  assert.ok(ro.length > 0);
  assert.ok(ro.every((t) => !t.write));
  assert.ok(!ro.some((t) => t.name === 'send_mail'));
  const mailOnly = selectTools(ALL_TOOLS, { groups: ['mail'], readOnly: false });
  assert.deepEqual(
    mailOnly.map((t) => t.name),
    mailTools.map((t) => t.name),
  );
  assert.ok(mailOnly.some((t) => t.name === 'send_mail'));
});

test('write tools are never annotated read-only; my read tools are', () => {
  for (const t of ALL_TOOLS) if (t.write) assert.equal(t.annotations.readOnlyHint, false, t.name);
  for (const t of [...profileTools, ...mailTools]) assert.equal(t.annotations.readOnlyHint, !t.write, t.name);
});

test('profile and mail tools request only their group scopes (least privilege)', () => {
  for (const t of [...profileTools, ...mailTools]) {
    const g = GROUP_SCOPES[t.group];
    const onDemand = g.onDemand?.read ?? [];
    const allowed = t.write ? [...g.read, ...g.write] : [...g.read, ...onDemand];
    for (const s of t.scopes) assert.ok(allowed.includes(s), `${t.name} asks for ${s}`);
  }
});

test('the catalog sent in hello matches the protocol schema', () => {
  for (const entry of toCatalog(ALL_TOOLS)) toolCatalogEntrySchema.parse(entry);
  assert.deepEqual(toCatalog([profileTools[0]!]), [
    { name: 'get_my_profile', group: 'profile', scopes: ['User.Read'], readOnly: true },
  ]);
});

test('tools/list stays within the budget (all groups 64 KB, default groups 40 KB) and keeps schemas usable', () => {
  const list = buildToolList(ALL_TOOLS);
  const size = Buffer.byteLength(JSON.stringify({ tools: list }));
  assert.ok(size <= 64 * 1024, `tools/list is ${size} bytes`);
  const defaults = buildToolList(selectTools(ALL_TOOLS, { groups: [...DEFAULT_TOOL_GROUPS], readOnly: false }));
  const defaultSize = Buffer.byteLength(JSON.stringify({ tools: defaults }));
  assert.ok(defaultSize <= 40 * 1024, `tools/list of the default groups is ${defaultSize} bytes`);
  const lm = list.find((t) => t.name === 'list_messages')!;
  assert.equal(lm.inputSchema.type, 'object');
  assert.ok(!('$schema' in lm.inputSchema));
  const since = (lm.inputSchema.properties as Record<string, Record<string, unknown>>).since!;
  assert.equal(since.format, 'date-time');
  assert.equal(since.pattern, undefined);
});

test('annotations drop MCP defaults only', () => {
  assert.deepEqual(
    compactAnnotations({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }),
    {
      readOnlyHint: true,
    },
  );
  assert.deepEqual(
    compactAnnotations({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true }),
    {
      destructiveHint: false,
    },
  );
  assert.deepEqual(
    compactAnnotations({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false }),
    {
      idempotentHint: true,
      openWorldHint: false,
    },
  );
});
