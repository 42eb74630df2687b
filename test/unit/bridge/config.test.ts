import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOOL_GROUPS, type ToolGroup } from '../../../app/shared/tool-groups.ts';
import { DEFAULT_GROUPS, effectiveSelection, parseBridgeConfig, sameSelection } from '../../../bridge/config.ts';

test('defaults: the entry does not narrow (every group, read-write), nothing explicit', () => {
  const r = parseBridgeConfig([], {});
  assert.ok(r.ok);
  assert.deepEqual(r.config, {
    groups: [...DEFAULT_GROUPS],
    readOnly: false,
    groupsExplicit: false,
    readOnlyExplicit: false,
  });
  assert.deepEqual(r.config.groups, [...TOOL_GROUPS]);
});

test('flags only narrow the settings: groups are intersected, read-only is OR-ed', () => {
  const settings = { toolGroups: ['profile', 'mail', 'graph'] as ToolGroup[], readOnly: true };
  const lifted = parseBridgeConfig([], { GRAPH_BRIDGE_READ_ONLY: '0', GRAPH_BRIDGE_TOOLS: 'all' });
  assert.ok(lifted.ok);
  assert.deepEqual(effectiveSelection(lifted.config, settings), {
    groups: ['profile', 'mail', 'graph'],
    readOnly: true,
  });
  const narrowed = parseBridgeConfig(['--read-only', '--tools', 'mail,teams'], {});
  assert.ok(narrowed.ok);
  assert.deepEqual(effectiveSelection(narrowed.config, { ...settings, readOnly: false }), {
    groups: ['mail'],
    readOnly: true,
  });
  assert.ok(
    sameSelection({ groups: ['mail', 'profile'], readOnly: false }, { groups: ['profile', 'mail'], readOnly: false }),
  );
  assert.ok(!sameSelection({ groups: ['mail'], readOnly: false }, { groups: ['mail'], readOnly: true }));
  assert.ok(!sameSelection({ groups: ['mail'], readOnly: false }, { groups: ['mail', 'files'], readOnly: false }));
});

test('--read-only and --tools (both spellings), de-duplicated', () => {
  const a = parseBridgeConfig(['--read-only', '--tools', 'mail, Calendar,mail'], {});
  assert.ok(a.ok);
  assert.deepEqual(a.config, {
    groups: ['mail', 'calendar'],
    readOnly: true,
    groupsExplicit: true,
    readOnlyExplicit: true,
  });
  const b = parseBridgeConfig(['--tools=profile'], {});
  assert.ok(b.ok);
  assert.deepEqual(b.config.groups, ['profile']);
});

test('environment equivalents, and flags win over them', () => {
  const env = { GRAPH_BRIDGE_TOOLS: 'tasks', GRAPH_BRIDGE_READ_ONLY: '1' };
  const fromEnv = parseBridgeConfig([], env);
  assert.ok(fromEnv.ok);
  assert.deepEqual(fromEnv.config.groups, ['tasks']);
  assert.equal(fromEnv.config.readOnly, true);
  const flags = parseBridgeConfig(['--tools', 'files'], { ...env, GRAPH_BRIDGE_READ_ONLY: 'false' });
  assert.ok(flags.ok);
  assert.deepEqual(flags.config.groups, ['files']);
  assert.equal(flags.config.readOnly, false);
  assert.equal(flags.config.readOnlyExplicit, true);
});

test('"all" includes api', () => {
  const r = parseBridgeConfig(['--tools', 'all'], {});
  assert.ok(r.ok);
  assert.ok(r.config.groups.includes('api'));
});

test('errors name the bad value and the allowed values', () => {
  const bad = parseBridgeConfig(['--tools', 'mail,kontacts'], {});
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.message : '', /unknown tool group "kontacts".*allowed: profile, mail/);
  const missing = parseBridgeConfig(['--tools'], {});
  assert.equal(missing.ok, false);
  const unknown = parseBridgeConfig(['--verbose'], {});
  assert.match(!unknown.ok ? unknown.message : '', /unknown argument "--verbose"/);
  const env = parseBridgeConfig([], { GRAPH_BRIDGE_READ_ONLY: 'maybe' });
  assert.match(!env.ok ? env.message : '', /GRAPH_BRIDGE_READ_ONLY="maybe"/);
});
