import type { EditorDefinition } from './editor.ts';

/**
 * Zed: `settings.json` (JSONC, usually full of comments), `context_servers.<name> =
 * {source: "custom", command, args, env}` (zed.dev/docs/ai/mcp; the `source` tag is what Zed itself
 * writes for custom servers).
 */
export const zed: EditorDefinition = {
  id: 'zed',
  displayName: 'Zed',
  syntax: 'jsonc',
  container: ['context_servers'],
  toEntry: (spec) => ({ source: 'custom', command: spec.command, args: spec.args, env: spec.env }),
  afterConnect: 'Zed reloads settings by itself; check the Agent panel → settings → Context Servers.',
};
