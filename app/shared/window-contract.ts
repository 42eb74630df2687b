/**
 * Status window <-> Electron main contract (the window's ONE boundary).
 *
 * Every request the window may make (`WINDOW_REQUESTS`) and every event main pushes to it
 * (`WINDOW_EVENTS`) is a zod schema here. Main parses each request payload with it before acting
 * (app/main/window/ipc-router.ts) and parses each response/event with it before sending — zod objects strip
 * unknown keys, so a field that is not in the contract (a token, say) can never reach the renderer.
 *
 * Lives in app/shared because both sides use it: main (Electron) and the preload, which imports it
 * TYPE-ONLY (`WindowInvoke`, `WindowSubscribe`; lint enforces it); the window derives
 * its types from the preload API. Responses always travel as `Result<T, WindowError>` values (result.ts),
 * never as thrown errors (Electron keeps only `message` of an error thrown in a handler).
 */
import { z } from 'zod';
import { accountSummarySchema, statusSchema, toolGroupSchema } from './bridge-contract.ts';
import { BROKER_ERROR_CODES } from './constants.ts';
import { auditEntrySchema } from './audit-contract.ts';
import { CLOUD_NAMES } from './clouds.ts';
import type { Result } from './result.ts';

// ---------------------------------------------------------------------------------------------
// Errors

export const WINDOW_ERROR_CODES = [
  ...BROKER_ERROR_CODES,
  /** The request did not come from our window's main frame at our URL. */
  'FORBIDDEN_SENDER',
  /** The payload failed the request schema, or the channel is unknown. */
  'INVALID_PAYLOAD',
  /** Settings failed validation; `issues` names each field. */
  'SETTINGS_INVALID',
  /** The action cannot run yet (e.g. "open the sign-in page" with no code sign-in in progress). */
  'NOT_AVAILABLE',
  /** An editor config could not be read or written. */
  'EDITOR_FAILED',
  /** A link the window asked to open is not an https address of the sign-in or portal hosts. */
  'LINK_REFUSED',
] as const;
export const windowErrorCodeSchema = z.enum(WINDOW_ERROR_CODES);

export const fieldIssueSchema = z.object({ field: z.string().max(100), message: z.string().max(1000) });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

export const windowErrorSchema = z.object({
  code: windowErrorCodeSchema,
  message: z.string().max(4000),
  missingScopes: z.array(z.string().max(200)).max(100).optional(),
  adminConsentRequired: z.boolean().optional(),
  issues: z.array(fieldIssueSchema).max(50).optional(),
});
export type WindowError = z.infer<typeof windowErrorSchema>;

// ---------------------------------------------------------------------------------------------
// Shapes that only the window sees

/** Named clouds plus 'custom' (an authority/Graph pair set in the file or environment). */
export const FORM_CLOUDS = [...CLOUD_NAMES, 'custom'] as const;

/** Settings as the form edits them; main maps them onto settings.json (app/broker/settings) and validates. */
export const settingsFormSchema = z.object({
  clientId: z.string().max(100),
  tenant: z.string().max(300),
  /** 'custom' keeps the configured custom cloud unchanged. */
  cloud: z.enum(FORM_CLOUDS),
  /** Use the OS broker (WAM / Enterprise SSO) where available. */
  useBroker: z.boolean(),
  toolGroups: z.array(toolGroupSchema).max(20),
  readOnly: z.boolean(),
  /** A write tool asks for approval and no per-tool rule applies: ask, allow or deny. */
  writeApproval: z.enum(['ask', 'allow', 'deny']),
  /** A new editor connects: ask the user, or allow automatically. */
  clientApproval: z.enum(['ask', 'allow']),
});
export type SettingsForm = z.infer<typeof settingsFormSchema>;

/** The exact values to enter in the Entra portal for a new app registration. */
export const appRegistrationSchema = z.object({
  platform: z.string().max(100),
  redirectUri: z.string().max(200),
  allowPublicClientFlows: z.boolean(),
  /** Delegated Microsoft Graph permissions, per enabled tool group. */
  permissions: z.array(z.object({ group: toolGroupSchema, scopes: z.array(z.string().max(200)) })),
});
export type AppRegistration = z.infer<typeof appRegistrationSchema>;

/** What settings:get returns: the values plus the facts the form and setup guide show next to them. */
export const settingsViewSchema = z.object({
  values: settingsFormSchema,
  /** False until a settings file exists: the window opens on first-run setup. */
  configured: z.boolean(),
  /** Where the settings file lives, for the user to inspect. */
  path: z.string().max(1000),
  /** Settings keys an environment variable overrides (shown as such; saving does not change them). */
  envOverrides: z.array(z.object({ key: z.string().max(100), variable: z.string().max(100) })),
  groups: z.array(z.object({ group: toolGroupSchema, description: z.string().max(300) })),
  registration: appRegistrationSchema,
  /** Saved sign-in settings (client, tenant, cloud, broker) take effect after a restart of the app. */
  restartNeeded: z.boolean(),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

export const auditFilterSchema = z
  .object({
    client: z.string().min(1).max(100).optional(),
    tool: z.string().min(1).max(100).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const editorInfoSchema = z.object({
  id: z.string().max(50),
  name: z.string().max(100),
  /** The editor (or its config file) was found on this machine. */
  detected: z.boolean(),
  /** Its MCP config already has the graph-bridge entry. */
  connected: z.boolean(),
  configPath: z.string().max(1000).nullable(),
});
export type EditorInfo = z.infer<typeof editorInfoSchema>;

export const deviceCodeEventSchema = z.object({
  userCode: z.string().max(50),
  verificationUri: z.url(),
  expiresOn: z.iso.datetime(),
  message: z.string().max(1000),
});

/**
 * A one-time code for a `graph-bridge` command a person typed in a terminal (approve, allow, resume, a
 * settings change that loosens access). Shown only here and in the agent's terminal; the window never
 * sends it anywhere.
 */
export const confirmationCodeSchema = z.object({
  challengeId: z.string().max(64),
  code: z.string().regex(/^[0-9]{6}$/),
  /** What it confirms (control characters already escaped by the broker). */
  action: z.string().max(1000),
  expiresAt: z.iso.datetime(),
});
export type ConfirmationCode = z.infer<typeof confirmationCodeSchema>;

/** Links the window may ask main to open. Main builds each URL itself; the window never sends one. */
export const EXTERNAL_TARGETS = ['entra-portal', 'admin-consent', 'device-login'] as const;
export const externalTargetSchema = z.enum(EXTERNAL_TARGETS);
export type ExternalTarget = z.infer<typeof externalTargetSchema>;

// ---------------------------------------------------------------------------------------------
// Channels

const empty = z.object({}).strict();
const nothing = z.null();

export const WINDOW_REQUESTS = {
  'status:get': { request: empty, response: statusSchema },
  'auth:sign-in': { request: empty, response: accountSummarySchema },
  'auth:sign-in-code': { request: empty, response: accountSummarySchema },
  'auth:sign-out': { request: empty, response: nothing },
  'consent:grant': { request: z.object({ group: toolGroupSchema }).strict(), response: z.array(z.string()) },
  'client:decide': {
    /** `id` from status.clients (an editor id or `session-<n>`). */
    request: z.object({ id: z.string().min(1).max(100), decision: z.enum(['approve', 'deny', 'revoke']) }).strict(),
    response: nothing,
  },
  'write:decide': {
    request: z
      .object({ id: z.string().min(1).max(100), decision: z.enum(['allow-once', 'allow-always', 'deny']) })
      .strict(),
    response: nothing,
  },
  'access:set-paused': { request: z.object({ paused: z.boolean() }).strict(), response: nothing },
  'audit:query': { request: auditFilterSchema, response: z.array(auditEntrySchema) },
  'audit:open-log': { request: empty, response: nothing },
  'settings:get': { request: empty, response: settingsViewSchema },
  'settings:save': { request: settingsFormSchema.strict(), response: settingsViewSchema },
  'editors:list': { request: empty, response: z.array(editorInfoSchema) },
  'editors:connect': { request: z.object({ id: z.string().min(1).max(50) }).strict(), response: editorInfoSchema },
  'external:open': { request: z.object({ target: externalTargetSchema }).strict(), response: nothing },
  'codes:get': { request: empty, response: z.array(confirmationCodeSchema).max(10) },
} as const;

export const WINDOW_EVENTS = {
  'status:changed': statusSchema,
  'auth:device-code': deviceCodeEventSchema,
  /** The confirmation codes still valid, whenever one is made or used. */
  'codes:changed': z.array(confirmationCodeSchema).max(10),
} as const;

export type WindowChannel = keyof typeof WINDOW_REQUESTS;
export type WindowEventChannel = keyof typeof WINDOW_EVENTS;
export type WindowRequest<C extends WindowChannel> = z.infer<(typeof WINDOW_REQUESTS)[C]['request']>;
export type WindowResponse<C extends WindowChannel> = z.infer<(typeof WINDOW_REQUESTS)[C]['response']>;
export type WindowEvent<E extends WindowEventChannel> = z.infer<(typeof WINDOW_EVENTS)[E]>;

/** The preload's view: `invoke(channel, request) → Result<response, WindowError>`. */
export type WindowInvoke = <C extends WindowChannel>(
  channel: C,
  request: WindowRequest<C>,
) => Promise<Result<WindowResponse<C>, WindowError>>;
/** The preload's view of events: subscribe and get an unsubscribe function back. */
export type WindowSubscribe = <E extends WindowEventChannel>(
  channel: E,
  listener: (event: WindowEvent<E>) => void,
) => () => void;

export function isWindowChannel(value: unknown): value is WindowChannel {
  return typeof value === 'string' && Object.hasOwn(WINDOW_REQUESTS, value);
}
