/**
 * The broker's settings as the fast start needs them, without zod: where settings.json is and what
 * it says about `toolGroups` and `readOnly` — so the first `tools/list`, answered before any broker
 * contact, already lists only what the broker will serve (settings ∩ the entry's flags).
 *
 * Tolerant on purpose: a missing or unreadable file, or a key of the wrong type, gives that key's
 * default (the broker itself refuses to start on a bad file and says why). The approved hello's
 * settings replace this as soon as the broker answers (full.ts re-lists and notifies the editor).
 *
 * The path rules are app/platform/paths.ts's (which the bridge may not import: it loads zod);
 * test/unit/bridge/settings-file.test.ts checks both agree. The default groups are the settings
 * schema's own (DEFAULT_TOOL_GROUPS in app/shared/tool-groups.ts).
 */
import { posix, win32 } from 'node:path';
import { DEFAULT_TOOL_GROUPS, TOOL_GROUPS } from '../../app/shared/tool-groups.ts';
import type { SettingsAllowance } from '../config.ts';

export interface SettingsPathInput {
  /** `process.platform`. */
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** `<configDir>/settings.json`, by the rules of app/platform/paths.ts resolveAppPaths. */
export function settingsFilePath(input: SettingsPathInput): string {
  const { platform, env, homedir } = input;
  const p = platform === 'win32' ? win32 : posix;
  const home = nonEmpty(env.GRAPH_BRIDGE_HOME);
  let configDir: string;
  if (home !== undefined) configDir = p.join(home, 'config');
  else if (platform === 'win32') {
    configDir = p.join(nonEmpty(env.APPDATA) ?? p.join(homedir, 'AppData', 'Roaming'), 'Graph Bridge');
  } else if (platform === 'darwin') configDir = p.join(homedir, 'Library', 'Application Support', 'Graph Bridge');
  else configDir = p.join(nonEmpty(env.XDG_CONFIG_HOME) ?? p.join(homedir, '.config'), 'graph-bridge');
  return p.join(configDir, 'settings.json');
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** `toolGroups` and `readOnly` from the file's text (null: no file), each defaulted when unusable. */
export function parseSettingsAllowance(text: string | null): SettingsAllowance {
  const raw = parseJson(text);
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const groups = obj.toolGroups;
  const toolGroups =
    Array.isArray(groups) && groups.every((g) => typeof g === 'string')
      ? TOOL_GROUPS.filter((g) => groups.includes(g))
      : [...DEFAULT_TOOL_GROUPS];
  return { toolGroups, readOnly: obj.readOnly === true };
}
