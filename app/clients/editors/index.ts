import type { EditorId } from '../../platform/editor-paths.ts';
import { claudeCode } from './claude-code.ts';
import { claudeDesktop } from './claude-desktop.ts';
import { cursor } from './cursor.ts';
import type { EditorDefinition } from './editor.ts';
import { vscode } from './vscode.ts';
import { windsurf } from './windsurf.ts';
import { zed } from './zed.ts';

export type { EditorDefinition } from './editor.ts';

/** Every supported editor, in the order `connect --list` shows them. */
export const EDITORS: Readonly<Record<EditorId, EditorDefinition>> = {
  'claude-desktop': claudeDesktop,
  'claude-code': claudeCode,
  cursor,
  vscode,
  windsurf,
  zed,
};
