/**
 * `graph-bridge settings` over settings.json: the same validation and messages as the status window's
 * form (settings-store.ts saveSettings → format-issues.ts), key by key. A change is planned first —
 * validated, compared with the effective settings, its loosenings listed (settings-loosening.ts) — and
 * committed only after the caller decided the plan may go ahead (a running broker asks for the one-time
 * code when it loosens; the CLI without a broker only ever commits a tightening).
 */
import { fail, ok } from '../../shared/result.ts';
import type { Result } from '../../shared/result.ts';
import type { AccountSummary, BrokerError } from '../../shared/bridge-contract.ts';
import type { SettingChange, SettingsSnapshot } from '../admin-protocol.ts';
import {
  loadSettings,
  parseSettings,
  readRawSettings,
  saveSettings,
  settingsPath,
} from '../settings/settings-store.ts';
import type { Settings } from '../settings/settings-schema.ts';
import { settingsLoosening } from './settings-loosening.ts';

/** What applying committed settings to the running host did. */
export interface AppliedSettings {
  /** For the user: what changed beyond the settings themselves (the sign-in core restarted, signed out). */
  note: string | null;
  /** Present when new sign-in settings were applied in place: who is signed in under them. */
  signIn?: { account: AccountSummary | null };
}

export interface SettingsControlDeps {
  configDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Applies committed settings to the running host (tool groups, read-only, policies at once; sign-in
   * settings by rebuilding the sign-in core in place). A failure means the host runs on with the
   * previous settings, and the file is put back as it was.
   */
  apply?: (settings: Settings) => Promise<Result<AppliedSettings>>;
}

export interface SettingsPlan {
  /** The file's new content (before defaults), as the window would save it. */
  raw: Record<string, unknown>;
  /** The file's content before the change (put back when the running host cannot apply the change). */
  previousRaw: Record<string, unknown>;
  before: Settings;
  after: Settings;
  /** Human descriptions of what the change loosens; empty for a pure tightening. */
  loosening: string[];
}

/** What commit needs of a plan (the status window's save builds one from its form: app/main/window/settings-port.ts). */
export type SettingsCommit = Pick<SettingsPlan, 'raw' | 'previousRaw' | 'before'>;

export interface SettingsControl {
  view(): Promise<Result<SettingsSnapshot>>;
  plan(changes: readonly SettingChange[]): Promise<Result<SettingsPlan>>;
  commit(plan: SettingsCommit): Promise<Result<{ snapshot: SettingsSnapshot } & AppliedSettings>>;
}

const FORBIDDEN_PARTS = new Set(['__proto__', 'prototype', 'constructor']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A copy of `raw` with `value` at the dotted `key` (creating objects on the way). */
export function withSetting(
  raw: Record<string, unknown>,
  key: string,
  value: unknown,
): Result<Record<string, unknown>> {
  const parts = key.split('.');
  if (parts.some((p) => p === '' || FORBIDDEN_PARTS.has(p))) return fail('BAD_REQUEST', `"${key}" is not a setting.`);
  const out = structuredClone(raw);
  let cur: Record<string, unknown> = out;
  for (const part of parts.slice(0, -1)) {
    const next = Object.hasOwn(cur, part) ? cur[part] : undefined;
    if (next !== undefined && !isRecord(next)) {
      return fail('BAD_REQUEST', `"${key}" cannot be set: "${part}" holds a value, not a group of settings.`);
    }
    const child: Record<string, unknown> = next ?? {};
    cur[part] = child;
    cur = child;
  }
  cur[parts[parts.length - 1] as string] = value;
  return ok(out);
}

export function createSettingsControl(deps: SettingsControlDeps): SettingsControl {
  const path = settingsPath(deps.configDir);
  const view = async (): Promise<Result<SettingsSnapshot>> => {
    const loaded = await loadSettings({ configDir: deps.configDir, env: deps.env });
    if (!loaded.ok) return fail('BAD_REQUEST', loaded.error.message);
    return ok({ path, settings: loaded.value.settings, envOverrides: loaded.value.envOrigins });
  };
  return {
    view,
    async plan(changes) {
      const loaded = await loadSettings({ configDir: deps.configDir, env: deps.env });
      if (!loaded.ok) return fail('BAD_REQUEST', `${loaded.error.message}\nFix the file first, then try again.`);
      // An unreadable or broken file is reported, never replaced (as in the window).
      const current = await readRawSettings(path);
      if ('error' in current) return fail('BAD_REQUEST', current.error);
      let raw = current.raw;
      for (const change of changes) {
        const top = change.key.split('.')[0] ?? '';
        const variable = loaded.value.envOrigins[top];
        if (variable !== undefined) {
          return fail(
            'BAD_REQUEST',
            `"${top}" is set by the environment variable ${variable}, which overrides settings.json; change or unset it there.`,
          );
        }
        const next = withSetting(raw, change.key, change.value);
        if (!next.ok) return next;
        raw = next.value;
      }
      const file = parseSettings(raw, { source: 'the new settings' });
      if (!file.ok) return fail('BAD_REQUEST', `Settings not saved: ${problemsText(file.problems)}`);
      const effective = parseSettings(raw, { source: 'the new settings', env: deps.env });
      if (!effective.ok) return fail('BAD_REQUEST', `Settings not saved: ${problemsText(effective.problems)}`);
      const before = loaded.value.settings;
      const after = effective.settings;
      return ok({ raw, previousRaw: current.raw, before, after, loosening: settingsLoosening(before, after) });
    },
    async commit(plan) {
      const saved = await saveSettings(deps.configDir, plan.raw);
      if (!saved.ok) return fail('BAD_REQUEST', `Settings not saved: ${problemsText(saved.problems)}`);
      const snapshot = await view();
      if (!snapshot.ok) return snapshot;
      if (deps.apply === undefined) return ok({ snapshot: snapshot.value, note: null });
      const applied = await deps.apply(snapshot.value.settings);
      if (applied.ok) return ok({ snapshot: snapshot.value, ...applied.value });
      return putBack(deps, plan, applied.error);
    },
  };
}

const problemsText = (problems: readonly { message: string }[]): string => problems.map((p) => p.message).join(' ');

/** The running host could not apply the change: settings.json goes back to what the host runs with. */
async function putBack(deps: SettingsControlDeps, plan: SettingsCommit, error: BrokerError): Promise<Result<never>> {
  const restored = await saveSettings(deps.configDir, plan.previousRaw);
  if (!restored.ok) {
    return fail(
      error.code,
      `${error.message} Putting settings.json back failed too (${problemsText(restored.problems)}): open ${settingsPath(deps.configDir)}, correct or remove the values named here, then save the settings again.`,
    );
  }
  await deps.apply?.(plan.before);
  return fail(error.code, `Settings not changed: ${error.message} settings.json is as it was.`);
}
