/**
 * What app/clients knows about one editor: where its config lives (from app/platform), how the file
 * is parsed, which object maps server names to servers, and the shape of one stdio server entry.
 */
import { z } from 'zod';
import type { EditorId } from '../../platform/editor-paths.ts';
import type { StdioServerSpec } from '../bridge-launcher.ts';
import type { ConfigSyntax } from '../jsonc/parse-config.ts';

export interface EditorDefinition {
  id: EditorId;
  displayName: string;
  syntax: ConfigSyntax;
  /** Path of the object that maps server names to entries, e.g. ['mcpServers']. */
  container: readonly string[];
  /** This editor's entry for a stdio server. */
  toEntry(spec: StdioServerSpec): Record<string, unknown>;
  /** What the user does after connecting (restart, reload, approve). */
  afterConnect: string;
}

/** Recognises an existing stdio entry (ours or hand-written) when reporting status. */
export const stdioEntrySchema = z.looseObject({
  command: z.string(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});

/** `{command, args, env}` — Claude Desktop, Cursor, Windsurf. */
export function plainEntry(spec: StdioServerSpec): Record<string, unknown> {
  return { command: spec.command, args: spec.args, env: spec.env };
}
