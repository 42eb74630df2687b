/**
 * Types the window uses, all derived from the preload's StatusApi (the window never imports main or
 * the broker), so a change in the contract is a compile error here.
 */
import type { StatusApi } from '../preload/api.ts';

/** The ok value of a StatusApi call. */
export type ValueOf<K extends keyof StatusApi> =
  Awaited<ReturnType<StatusApi[K]>> extends infer R ? (R extends { ok: true; value: infer V } ? V : never) : never;
export type ErrorOf<K extends keyof StatusApi> =
  Awaited<ReturnType<StatusApi[K]>> extends infer R ? (R extends { ok: false; error: infer E } ? E : never) : never;

export type Status = ValueOf<'getStatus'>;
export type SettingsView = ValueOf<'getSettings'>;
export type SettingsForm = Parameters<StatusApi['saveSettings']>[0];
export type EditorInfo = ValueOf<'listEditors'>[number];
export type AuditEntry = ValueOf<'getAudit'>[number];
export type DeviceCode = Parameters<Parameters<StatusApi['onDeviceCode']>[0]>[0];
export type ConfirmationCode = ValueOf<'getConfirmationCodes'>[number];
export type WindowError = ErrorOf<'getStatus'>;
export type ToolGroup = Parameters<StatusApi['grantConsent']>[0];
export type { StatusApi };

declare global {
  interface Window {
    graphBridge: StatusApi;
  }
}
