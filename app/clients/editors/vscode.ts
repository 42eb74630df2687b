import type { EditorDefinition } from './editor.ts';

/** VS Code (1.102+): user `mcp.json`, JSONC, `servers.<name> = {type: "stdio", command, args, env}`. */
export const vscode: EditorDefinition = {
  id: 'vscode',
  displayName: 'VS Code',
  syntax: 'jsonc',
  container: ['servers'],
  toEntry: (spec) => ({ type: 'stdio', command: spec.command, args: spec.args, env: spec.env }),
  afterConnect: 'In VS Code run "MCP: List Servers", pick graph-bridge and Start it (it asks you to trust it once).',
};
