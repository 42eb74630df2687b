/**
 * Bridge options from the command line and the environment (the editor's MCP entry sets either).
 * Command-line flags win over environment variables. They can only NARROW the broker's settings
 * (docs/bridge.md "Tool groups and read-only"): the groups served are the settings' groups ∩ the
 * flags' groups, and read-only is on when the settings OR the flags say so — `GRAPH_BRIDGE_READ_ONLY=0`
 * never turns the settings' read-only off. Before the broker answers, settings.json stands in for it.
 *
 *   --read-only                  GRAPH_BRIDGE_READ_ONLY=1   no write tools are listed
 *   --tools mail,calendar        GRAPH_BRIDGE_TOOLS=mail,calendar
 */
// Zod-free modules only: config is parsed on the fast start path (docs/bridge.md "Fast start").
import { BRIDGE_ENV } from '../app/shared/constants.ts';
import { TOOL_GROUPS, type ToolGroup } from '../app/shared/tool-groups.ts';

/** Without --tools / GRAPH_BRIDGE_TOOLS the entry does not narrow: every group the settings enable. */
export const DEFAULT_GROUPS: readonly ToolGroup[] = TOOL_GROUPS;

export interface BridgeConfig {
  /** The groups this editor entry allows (all when it names none); the settings narrow them further. */
  groups: ToolGroup[];
  /** The entry asks for read-only (the settings can also turn it on, never off). */
  readOnly: boolean;
  /** True when the entry named the groups (flag or env). */
  groupsExplicit: boolean;
  readOnlyExplicit: boolean;
}

/** What the broker's settings allow (from the approved hello, or settings.json before that). */
export interface SettingsAllowance {
  toolGroups: readonly ToolGroup[];
  readOnly: boolean;
}

/** What this bridge lists and serves: flags only narrow the settings. */
export interface Selection {
  groups: ToolGroup[];
  readOnly: boolean;
}

export function effectiveSelection(
  config: Pick<BridgeConfig, 'groups' | 'readOnly'>,
  allowed: SettingsAllowance,
): Selection {
  return {
    groups: config.groups.filter((g) => allowed.toolGroups.includes(g)),
    readOnly: config.readOnly || allowed.readOnly,
  };
}

export function sameSelection(a: Selection, b: Selection): boolean {
  return (
    a.readOnly === b.readOnly && a.groups.length === b.groups.length && a.groups.every((g) => b.groups.includes(g))
  );
}

export type ConfigResult = { ok: true; config: BridgeConfig } | { ok: false; message: string };

const TRUE_VALUES = new Set(['1', 'true', 'yes', 'on']);
const FALSE_VALUES = new Set(['0', 'false', 'no', 'off', '']);

export function parseGroups(
  text: string,
  source: string,
): { ok: true; groups: ToolGroup[] } | { ok: false; message: string } {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  if (names.length === 0)
    return { ok: false, message: `${source} is empty; allowed groups: ${TOOL_GROUPS.join(', ')}` };
  const groups: ToolGroup[] = [];
  for (const name of names) {
    if (name === 'all') {
      for (const g of TOOL_GROUPS) if (!groups.includes(g)) groups.push(g);
      continue;
    }
    const group = TOOL_GROUPS.find((g) => g === name);
    if (group === undefined) {
      return {
        ok: false,
        message: `${source}: unknown tool group "${name}"; allowed: ${TOOL_GROUPS.join(', ')} (or "all")`,
      };
    }
    if (!groups.includes(group)) groups.push(group);
  }
  return { ok: true, groups };
}

export function parseBridgeConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ConfigResult {
  let groupsText: { text: string; source: string } | undefined;
  let readOnly: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--read-only') readOnly = true;
    else if (arg === '--tools') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--'))
        return { ok: false, message: '--tools needs a value, e.g. --tools mail,calendar' };
      groupsText = { text: next, source: '--tools' };
      i++;
    } else if (arg.startsWith('--tools=')) groupsText = { text: arg.slice('--tools='.length), source: '--tools' };
    else return { ok: false, message: `unknown argument "${arg}"; allowed: --read-only, --tools <groups>` };
  }

  const envReadOnly = env[BRIDGE_ENV.readOnly];
  if (readOnly === undefined && envReadOnly !== undefined) {
    const v = envReadOnly.trim().toLowerCase();
    if (TRUE_VALUES.has(v)) readOnly = true;
    else if (FALSE_VALUES.has(v)) readOnly = false;
    else return { ok: false, message: `${BRIDGE_ENV.readOnly}="${envReadOnly}" is not valid; use 1 or 0` };
  }
  const envTools = env[BRIDGE_ENV.tools];
  if (groupsText === undefined && envTools !== undefined && envTools.trim() !== '') {
    groupsText = { text: envTools, source: BRIDGE_ENV.tools };
  }

  let groups = [...DEFAULT_GROUPS];
  if (groupsText !== undefined) {
    const parsed = parseGroups(groupsText.text, groupsText.source);
    if (!parsed.ok) return parsed;
    groups = parsed.groups;
  }
  return {
    ok: true,
    config: {
      groups,
      readOnly: readOnly ?? false,
      groupsExplicit: groupsText !== undefined,
      readOnlyExplicit: readOnly !== undefined,
    },
  };
}
