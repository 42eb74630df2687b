import { plainEntry, type EditorDefinition } from './editor.ts';

/** Windsurf: `~/.codeium/windsurf/mcp_config.json`, `mcpServers.<name> = {command, args, env}`. */
export const windsurf: EditorDefinition = {
  id: 'windsurf',
  displayName: 'Windsurf',
  syntax: 'jsonc',
  container: ['mcpServers'],
  toEntry: plainEntry,
  afterConnect: 'In Windsurf open Cascade → MCP servers and press Refresh.',
};
