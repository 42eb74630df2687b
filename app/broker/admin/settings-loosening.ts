/**
 * Which settings changes loosen access (and so need a person: the window, or the one-time code).
 *
 * Conservative on purpose: a change counts as tightening only when it is one of read-only on, a tool
 * group disabled, an approval policy moved towards "deny"/"ask", the plaintext cache turned off.
 * Everything else — read-only off, a group enabled, a policy moved towards "allow", the plaintext cache
 * on, and any change of where tokens are obtained or sent (client, tenant, cloud, authority, CA file,
 * OS broker, API) — is listed as loosening.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Settings } from '../settings/settings-schema.ts';

type Choice = 'ask' | 'allow' | 'deny';
const RANK: Readonly<Record<Choice, number>> = { deny: 0, ask: 1, allow: 2 };

/** Keys whose every change is treated as loosening (they decide where tokens come from or go). */
const SENSITIVE_KEYS = ['clientId', 'tenant', 'cloud', 'authority', 'extraCaFile', 'useBroker', 'api'] as const;

function writeChanges(before: Settings, after: Settings): string[] {
  const out: string[] = [];
  const b = before.approvalPolicy.writes;
  const a = after.approvalPolicy.writes;
  if (RANK[a.default] > RANK[b.default]) out.push(`write approval default ${b.default} → ${a.default}`);
  const tools = new Set([...Object.keys(b.tools), ...Object.keys(a.tools)]);
  for (const tool of [...tools].sort()) {
    const was = b.tools[tool] ?? b.default;
    const now = a.tools[tool] ?? a.default;
    if (RANK[now] > RANK[was]) out.push(`writes by ${tool} ${was} → ${now}`);
  }
  return out;
}

/** Human descriptions of every loosening in before → after; empty when the change only tightens. */
export function settingsLoosening(before: Settings, after: Settings): string[] {
  const out: string[] = [];
  if (before.readOnly && !after.readOnly) out.push('read-only off');
  const added = after.toolGroups.filter((g) => !before.toolGroups.includes(g));
  if (added.length > 0) out.push(`enable tool group${added.length === 1 ? '' : 's'} ${added.join(', ')}`);
  if (before.approvalPolicy.clients !== 'allow' && after.approvalPolicy.clients === 'allow') {
    out.push('allow new editors without asking');
  }
  out.push(...writeChanges(before, after));
  if (!before.allowPlaintextCache && after.allowPlaintextCache) out.push('allow a plaintext token cache');
  for (const key of SENSITIVE_KEYS) {
    if (!isDeepStrictEqual(before[key], after[key])) out.push(`change ${key} to ${JSON.stringify(after[key])}`);
  }
  return out;
}
