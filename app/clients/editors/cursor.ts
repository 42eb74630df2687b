import { plainEntry, type EditorDefinition } from './editor.ts';

/** Cursor: `~/.cursor/mcp.json`, `mcpServers.<name> = {command, args, env}`; JSONC like VS Code. */
export const cursor: EditorDefinition = {
  id: 'cursor',
  displayName: 'Cursor',
  syntax: 'jsonc',
  container: ['mcpServers'],
  toEntry: plainEntry,
  afterConnect: 'Open Cursor Settings → MCP and enable graph-bridge (or restart Cursor).',
};
