import type { EditorDefinition } from './editor.ts';

/**
 * Claude Code, user scope: `~/.claude.json` (or `$CLAUDE_CONFIG_DIR/.claude.json`), top-level
 * `mcpServers.<name> = {type: "stdio", command, args, env}` — the shape `claude mcp add --scope user`
 * writes. Strict JSON; the file holds much unrelated state (projects, history) which we never touch.
 */
export const claudeCode: EditorDefinition = {
  id: 'claude-code',
  displayName: 'Claude Code',
  syntax: 'json',
  container: ['mcpServers'],
  toEntry: (spec) => ({ type: 'stdio', command: spec.command, args: spec.args, env: spec.env }),
  afterConnect: 'Start a new Claude Code session (`/mcp` lists graph-bridge).',
};
