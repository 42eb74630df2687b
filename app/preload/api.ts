/**
 * The status window's whole view of the app: a few named functions, built from two primitives
 * (`invoke` a request channel, `subscribe` to an event channel). Pure — no electron import — so the
 * e2e harness builds the very same API on a plain Chromium page. preload.ts wires it to ipcRenderer
 * and exposes it as `window.graphBridge`; the window derives its types from `StatusApi`.
 */
import type {
  AuditFilter,
  ExternalTarget,
  SettingsForm,
  WindowEvent,
  WindowInvoke,
  WindowSubscribe,
} from '../shared/window-contract.ts';
import type { ToolGroup } from '../shared/tool-groups.ts';

export type ClientDecisionInput = 'approve' | 'deny' | 'revoke';
export type WriteDecisionInput = 'allow-once' | 'allow-always' | 'deny';

export function createStatusApi(invoke: WindowInvoke, subscribe: WindowSubscribe) {
  return {
    getStatus: () => invoke('status:get', {}),
    onStatusChanged: (listener: (status: WindowEvent<'status:changed'>) => void) =>
      subscribe('status:changed', listener),
    onDeviceCode: (listener: (prompt: WindowEvent<'auth:device-code'>) => void) =>
      subscribe('auth:device-code', listener),
    /** Codes for `graph-bridge` commands typed in a terminal; shown, never sent anywhere. */
    getConfirmationCodes: () => invoke('codes:get', {}),
    onConfirmationCodes: (listener: (codes: WindowEvent<'codes:changed'>) => void) =>
      subscribe('codes:changed', listener),
    signIn: () => invoke('auth:sign-in', {}),
    signInWithCode: () => invoke('auth:sign-in-code', {}),
    signOut: () => invoke('auth:sign-out', {}),
    grantConsent: (group: ToolGroup) => invoke('consent:grant', { group }),
    decideClient: (id: string, decision: ClientDecisionInput) => invoke('client:decide', { id, decision }),
    decideWrite: (id: string, decision: WriteDecisionInput) => invoke('write:decide', { id, decision }),
    setPaused: (paused: boolean) => invoke('access:set-paused', { paused }),
    getAudit: (filter: AuditFilter = {}) => invoke('audit:query', filter),
    openAuditLog: () => invoke('audit:open-log', {}),
    getSettings: () => invoke('settings:get', {}),
    saveSettings: (settings: SettingsForm) => invoke('settings:save', settings),
    listEditors: () => invoke('editors:list', {}),
    connectEditor: (id: string) => invoke('editors:connect', { id }),
    openExternal: (target: ExternalTarget) => invoke('external:open', { target }),
  };
}

export type StatusApi = ReturnType<typeof createStatusApi>;

/** Name under which the preload exposes the API on `window`. */
export const STATUS_API_KEY = 'graphBridge';
