/**
 * Turns zod issues for settings into messages a person can act on: which key, what they wrote,
 * and what is allowed — e.g.
 *   `"cloud" is "germany" in /home/ada/.config/graph-bridge/settings.json; allowed: "global", …`
 */
import type { z } from 'zod';
import { ALLOWED_VALUES, SETTINGS_KEYS } from './settings-schema.ts';

export interface SettingsProblem {
  /** Dotted key path, e.g. `approvalPolicy.writes.default`. */
  key: string;
  /** What was found there (JSON), or undefined for a missing key. */
  value: string | undefined;
  allowed: string;
  /** Human-readable line: key, bad value, where it came from, allowed values. */
  message: string;
}

type Issue = z.core.$ZodIssue;
type PathPart = PropertyKey;

function valueAt(root: unknown, path: readonly PathPart[]): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function dotted(path: readonly PathPart[]): string {
  return path.map((p) => String(p)).join('.');
}

/** `toolGroups.1` → `toolGroups.*`; `approvalPolicy.writes.tools.mail_send` → `…tools.*`. */
function allowedFor(path: readonly PathPart[]): string | undefined {
  const exact = ALLOWED_VALUES[dotted(path)];
  if (exact !== undefined) return exact;
  if (path.length > 0) return ALLOWED_VALUES[dotted([...path.slice(0, -1), '*'])];
  return undefined;
}

function show(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** For a union, prefer the branch the value was evidently meant for (object vs. string). */
function flattenUnion(issue: Issue & { code: 'invalid_union' }, input: unknown): Issue[] | null {
  const errors = issue.errors as Issue[][];
  const meant = errors.find((branch) => branch.length > 0 && !branch.some((i) => i.path.length === 0));
  if (meant === undefined || valueAt(input, issue.path) === null) return null;
  return meant.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
}

export interface FormatContext {
  /** Where the raw settings came from, e.g. the settings.json path. */
  source: string;
  /** Settings keys whose value came from an environment variable (key → variable name). */
  envOrigins?: Readonly<Record<string, string>>;
}

function describe(issue: Issue, input: unknown, ctx: FormatContext): SettingsProblem[] {
  if (issue.code === 'invalid_union') {
    const inner = flattenUnion(issue, input);
    if (inner !== null) return inner.flatMap((i) => describe(i, input, ctx));
  }
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path;
    const known =
      parent.length === 0
        ? SETTINGS_KEYS
        : Object.keys(valueAt(input, parent) ?? {}).filter((k) => !issue.keys.includes(k));
    return issue.keys.map((k) => {
      const key = dotted([...parent, k]);
      const allowed = parent.length === 0 ? `one of ${known.map((x) => `"${x}"`).join(', ')}` : 'no other keys here';
      return {
        key,
        value: show(valueAt(input, [...parent, k])),
        allowed,
        message: `Unknown setting "${key}" in ${ctx.source}; known keys: ${allowed.replace(/^one of /, '')}.`,
      };
    });
  }
  const key = dotted(issue.path);
  const topKey = String(issue.path[0] ?? '');
  const value = show(valueAt(input, issue.path));
  const allowed =
    allowedFor(issue.path) ??
    (issue.code === 'invalid_value' ? issue.values.map((v) => JSON.stringify(v)).join(', ') : issue.message);
  const env = ctx.envOrigins?.[topKey];
  const where = env !== undefined ? `(from environment variable ${env})` : `in ${ctx.source}`;
  const found = value === undefined ? 'is missing' : `is ${value}`;
  return [{ key, value, allowed, message: `Setting "${key}" ${found} ${where}; allowed: ${allowed}.` }];
}

export function formatSettingsIssues(issues: readonly Issue[], input: unknown, ctx: FormatContext): SettingsProblem[] {
  return issues.flatMap((issue) => describe(issue, input, ctx));
}
