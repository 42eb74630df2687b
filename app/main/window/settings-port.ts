/**
 * The window's settings form over settings.json (owned by app/broker/settings). Reads through
 * loadSettings (so environment overrides are shown), writes through saveSettings (which validates
 * and writes atomically). Keys the form does not edit (authority, extraCaFile, api, per-tool write
 * rules, a custom cloud) are carried over from the file untouched, and keys an environment variable
 * overrides are never written from the form.
 *
 * A save is checked here (so every refused field gets its message), then committed through the host
 * (`commit`, BrokerHost.commitSettings): the same path as `graph-bridge settings set`, so when new
 * sign-in settings cannot start, the previous sign-in runs on and settings.json is put back — the form
 * keeps what the user typed and says why and what to do.
 */
import { readFile } from 'node:fs/promises';
import { GROUP_SCOPES, scopesForGroup, TOOL_GROUPS } from '../../shared/tool-groups.ts';
import { loadSettings, parseSettings, readRawSettings, settingsPath } from '../../broker/settings/settings-store.ts';
import type { SettingsPlan } from '../../broker/admin/settings-control.ts';
import type { BrokerError } from '../../shared/bridge-contract.ts';
import type { Settings } from '../../broker/settings/settings-schema.ts';
import type { SettingsPort } from './window-handlers.ts';
import type {
  AppRegistration,
  FieldIssue,
  SettingsForm,
  SettingsView,
  WindowError,
} from '../../shared/window-contract.ts';
import type { Result } from '../../shared/result.ts';

export interface SettingsPortDeps {
  configDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Writes the checked file content and applies it to the host (BrokerHost.commitSettings): a failure
   * means the host could not apply it, runs on as before, and settings.json is as it was.
   */
  commit(change: Pick<SettingsPlan, 'raw' | 'previousRaw'>): Promise<Result<unknown, BrokerError>>;
  /** True when saved settings differ from those the running sign-in core was built with. */
  restartNeeded?(): boolean;
  readText?: (path: string) => Promise<string>;
}

export const ENTRA_PLATFORM = 'Mobile and desktop applications';
export const ENTRA_REDIRECT_URI = 'http://localhost';

export function appRegistrationFor(settings: Pick<Settings, 'toolGroups' | 'readOnly'>): AppRegistration {
  return {
    platform: ENTRA_PLATFORM,
    redirectUri: ENTRA_REDIRECT_URI,
    allowPublicClientFlows: true,
    permissions: settings.toolGroups
      .map((group) => ({ group, scopes: scopesForGroup(group, settings.readOnly) }))
      .filter((p) => p.scopes.length > 0),
  };
}

export function formFromSettings(settings: Settings): SettingsForm {
  return {
    clientId: settings.clientId,
    tenant: settings.tenant,
    cloud: typeof settings.cloud === 'string' ? settings.cloud : 'custom',
    useBroker: settings.useBroker,
    toolGroups: [...settings.toolGroups],
    readOnly: settings.readOnly,
    writeApproval: settings.approvalPolicy.writes.default,
    clientApproval: settings.approvalPolicy.clients,
  };
}

/** The file's object with the form's values applied (env-overridden keys and 'custom' cloud left alone). */
export function mergeForm(
  raw: Record<string, unknown>,
  form: SettingsForm,
  envOverridden: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  const put = (key: string, value: unknown) => {
    if (!envOverridden.has(key)) out[key] = value;
  };
  put('clientId', form.clientId.trim());
  put('tenant', form.tenant.trim());
  if (form.cloud !== 'custom') put('cloud', form.cloud);
  put('useBroker', form.useBroker);
  put('toolGroups', form.toolGroups);
  put('readOnly', form.readOnly);
  const policy = (
    typeof raw.approvalPolicy === 'object' && raw.approvalPolicy !== null ? raw.approvalPolicy : {}
  ) as Record<string, unknown>;
  const writes = (typeof policy.writes === 'object' && policy.writes !== null ? policy.writes : {}) as Record<
    string,
    unknown
  >;
  out.approvalPolicy = { ...policy, clients: form.clientApproval, writes: { ...writes, default: form.writeApproval } };
  return out;
}

function invalid(message: string, issues: FieldIssue[]): Result<never, WindowError> {
  return { ok: false, error: { code: 'SETTINGS_INVALID', message, issues } };
}

/** The host could not apply the save (it runs on as before; settings.json is as it was): why, and what to do. */
function notApplied(error: BrokerError): Result<never, WindowError> {
  return {
    ok: false,
    error: {
      code: error.code,
      message: `${error.message} What you entered is still in the form: correct what the message names, then save again.`,
    },
  };
}

export function createSettingsPort(deps: SettingsPortDeps): SettingsPort {
  const readText = deps.readText ?? ((path: string) => readFile(path, 'utf8'));
  const path = settingsPath(deps.configDir);

  async function view(): Promise<Result<SettingsView, WindowError>> {
    const loaded = await loadSettings({ configDir: deps.configDir, env: deps.env });
    if (!loaded.ok) {
      return invalid(
        loaded.error.message,
        loaded.error.problems.map((p) => ({ field: p.key, message: p.message })),
      );
    }
    const { settings, fileExists, envOrigins } = loaded.value;
    return {
      ok: true,
      value: {
        values: formFromSettings(settings),
        configured: fileExists,
        path,
        envOverrides: Object.entries(envOrigins).map(([key, variable]) => ({ key, variable })),
        groups: TOOL_GROUPS.map((group) => ({ group, description: GROUP_SCOPES[group].description })),
        registration: appRegistrationFor(settings),
        restartNeeded: deps.restartNeeded?.() ?? false,
      },
    };
  }

  return {
    view,
    async save(form) {
      const loaded = await loadSettings({ configDir: deps.configDir, env: deps.env });
      const overridden = new Set(loaded.ok ? Object.keys(loaded.value.envOrigins) : []);
      // An unreadable or broken file is reported, never replaced by defaults plus the form.
      const current = await readRawSettings(path, readText);
      if ('error' in current) return invalid(`${current.error} Then save again.`, []);
      const raw = mergeForm(current.raw, form, overridden);
      const checked = parseSettings(raw, { source: 'the new settings' });
      if (!checked.ok) {
        const issues = checked.problems.map((p) => ({ field: p.key, message: p.message }));
        return invalid(`Settings not saved: ${issues.map((i) => i.message).join(' ')}`, issues);
      }
      const committed = await deps.commit({ raw, previousRaw: current.raw });
      if (!committed.ok) return notApplied(committed.error);
      return view();
    },
  };
}
