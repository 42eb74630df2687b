/**
 * Every tool the bridge knows, and the selection for this process (--tools / --read-only).
 * Write tools are not registered at all in read-only mode.
 */
import type { ToolCatalogEntry } from '../app/shared/bridge-contract.ts';
import type { BridgeConfig } from './config.ts';
import { apiRequestTools } from './tools/api-request.ts';
import { calendarTools } from './tools/calendar.ts';
import { contactsTools } from './tools/contacts.ts';
import { filesTools } from './tools/files.ts';
import { graphRequestTools } from './tools/graph-request.ts';
import { mailTools } from './tools/mail.ts';
import { notesTools } from './tools/notes.ts';
import { plannerTools } from './tools/planner.ts';
import { profileTools } from './tools/profile.ts';
import { searchTools } from './tools/search.ts';
import { sitesTools } from './tools/sites.ts';
import { tasksTools } from './tools/tasks.ts';
import { teamsTools } from './tools/teams.ts';
import type { ToolDefinition } from './tools/tool.ts';

export const ALL_TOOLS: readonly ToolDefinition[] = [
  ...profileTools,
  ...mailTools,
  ...calendarTools,
  ...filesTools,
  ...teamsTools,
  ...tasksTools,
  ...contactsTools,
  ...searchTools,
  ...notesTools,
  ...plannerTools,
  ...sitesTools,
  ...graphRequestTools,
  ...apiRequestTools,
];

export function selectTools(
  all: readonly ToolDefinition[],
  config: Pick<BridgeConfig, 'groups' | 'readOnly'>,
): ToolDefinition[] {
  return all.filter((t) => config.groups.includes(t.group) && !(config.readOnly && t.write));
}

/** What hello tells the broker about this bridge's tools. */
export function toCatalog(tools: readonly ToolDefinition[]): ToolCatalogEntry[] {
  return tools.map((t) => ({ name: t.name, group: t.group, scopes: [...t.scopes], readOnly: !t.write }));
}
