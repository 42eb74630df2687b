/** State the window renders from, and the context every section renderer receives. */
import type {
  AuditEntry,
  ConfirmationCode,
  DeviceCode,
  EditorInfo,
  SettingsForm,
  SettingsView,
  Status,
  StatusApi,
  WindowError,
} from './types.ts';

export interface ViewState {
  status: Status | null;
  settings: SettingsView | null;
  editors: EditorInfo[];
  audit: AuditEntry[];
  auditFilter: { client?: string; tool?: string };
  deviceCode: DeviceCode | null;
  /** Codes for `graph-bridge` commands typed in a terminal (shown only; they expire on their own). */
  codes: ConfirmationCode[];
  /** Field → message from the last failed settings save. */
  settingsIssues: Record<string, string>;
  /** The values of a settings save that was refused (the form keeps showing them); null once one succeeds. */
  settingsDraft: SettingsForm | null;
  /** Groups whose last Grant failed because an admin must consent. */
  adminConsentNeeded: boolean;
}

export interface Ctx {
  api: StatusApi;
  state: ViewState;
  now(): number;
  /**
   * Runs a user action: disables the button while it runs, announces success, shows the error (with
   * its remedy) in the alert region, then refreshes. Resolves to the error, if any.
   */
  act(
    button: HTMLButtonElement | null,
    work: () => Promise<{ ok: true } | { ok: false; error: WindowError }>,
    success?: string,
  ): Promise<WindowError | null>;
  rerender(): void;
  refreshAudit(): Promise<void>;
}

export function emptyState(): ViewState {
  return {
    status: null,
    settings: null,
    editors: [],
    audit: [],
    auditFilter: {},
    deviceCode: null,
    codes: [],
    settingsIssues: {},
    settingsDraft: null,
    adminConsentNeeded: false,
  };
}
