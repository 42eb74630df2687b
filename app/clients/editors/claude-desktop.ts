import { plainEntry, type EditorDefinition } from './editor.ts';

/** Claude Desktop: strict JSON (read with JSON.parse), `mcpServers.<name> = {command, args, env}`. */
export const claudeDesktop: EditorDefinition = {
  id: 'claude-desktop',
  displayName: 'Claude Desktop',
  syntax: 'json',
  container: ['mcpServers'],
  toEntry: plainEntry,
  afterConnect: 'Quit Claude Desktop completely (tray/menu bar → Quit) and open it again.',
};
