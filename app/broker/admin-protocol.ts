/**
 * Admin protocol v2: how the `graph-bridge` CLI controls a RUNNING broker (agent or tray).
 *
 * A separate socket (`admin.sock`, Windows: `<pipe>-admin`) and key (`admin.key`, 0600) in a private
 * dir of its own, beside the bridges' run dir (see admin/admin-endpoint.ts). Bridges only ever get
 * broker.key and the bridge protocol, which has no method to approve clients, decide writes or grant
 * consent — so a bridge cannot approve itself over the channel it was given.
 *
 * A human, not a process, loosens access: the methods that do (approve a client, allow a write, resume,
 * a settings change that is not a pure tightening) answer CONFIRMATION_REQUIRED {challengeId, shownIn}
 * unless they carry `confirmation: {challengeId, code}` — a one-time code the broker showed only in the
 * tray window or the agent's own terminal (admin/confirmations.ts), never over a socket.
 * Same framing as protocol v1; results are Result values whose error codes extend the broker's.
 */
import { z } from 'zod';
import { accountSummarySchema, brokerErrorSchema, statusSchema, toolGroupSchema } from '../shared/bridge-contract.ts';
import { BROKER_ERROR_CODES } from '../shared/constants.ts';
import type { Result } from '../shared/result.ts';
import { settingsSchema } from './settings/settings-schema.ts';
import { auditEntrySchema } from '../shared/audit-contract.ts';

export const ADMIN_PROTOCOL_VERSION = 2;

export const ADMIN_ERROR_CODES = [
  ...BROKER_ERROR_CODES,
  /** The action loosens access: retry it with the code shown where `confirmation.shownIn` says. */
  'CONFIRMATION_REQUIRED',
  /** Wrong, expired, used or mismatched code; `attemptsLeft` says whether the same challenge may be retried. */
  'CONFIRMATION_FAILED',
  /** Nobody can be shown a code here (no tray window, no agent terminal): decide it in the window. */
  'NO_CONFIRMATION_DISPLAY',
] as const;
export type AdminErrorCode = (typeof ADMIN_ERROR_CODES)[number];

export const confirmationChallengeSchema = z.object({
  challengeId: z.string().min(1).max(64),
  /** Where the code is shown, for the prompt: "the Graph Bridge window", "the terminal running graph-bridge agent". */
  shownIn: z.string().max(200),
  expiresAt: z.iso.datetime(),
  /** What the code confirms, as shown beside it. */
  action: z.string().max(1000),
});
export type ConfirmationChallenge = z.infer<typeof confirmationChallengeSchema>;

export const adminErrorSchema = brokerErrorSchema.extend({
  code: z.enum(ADMIN_ERROR_CODES),
  confirmation: confirmationChallengeSchema.optional(),
  attemptsLeft: z.number().int().min(0).optional(),
});
export type AdminError = z.infer<typeof adminErrorSchema>;
/** The code a person typed, for the challenge it answers. */
export const confirmationSchema = z
  .object({ challengeId: z.string().min(1).max(64), code: z.string().regex(/^[0-9]{6}$/) })
  .strict();
export type Confirmation = z.infer<typeof confirmationSchema>;

/** One `graph-bridge settings set <key> <value>`: a dotted settings.json path and its JSON value. */
export const settingChangeSchema = z
  .object({
    key: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/)
      .max(200),
    value: z.json(),
  })
  .strict();
export type SettingChange = z.infer<typeof settingChangeSchema>;

export const settingsSnapshotSchema = z.object({
  path: z.string(),
  /** Effective settings (file + environment overrides). */
  settings: settingsSchema,
  /** Settings key → the environment variable that overrides it. */
  envOverrides: z.record(z.string(), z.string()),
});
export type SettingsSnapshot = z.infer<typeof settingsSnapshotSchema>;

export const adminHelloParamsSchema = z.object({
  protocolVersion: z.number().int().positive(),
  key: z.string().regex(/^[0-9a-f]{64}$/),
});
export const adminHelloResultSchema = z.object({ protocolVersion: z.number().int(), brokerVersion: z.string() });

export const adminStatusSchema = z.object({
  status: statusSchema,
  /** Scopes the connected bridges' tool catalogs need. */
  neededScopes: z.array(z.string()),
  logPath: z.string().nullable(),
  auditPath: z.string(),
  /** 'agent' or 'tray'. */
  host: z.string(),
  interactiveApprovals: z.boolean(),
  /** The host's process id (to stop an agent that runs in the background). */
  pid: z.number().int().positive().optional(),
  /**
   * False when this host has nowhere to show a one-time code (an agent without a terminal): nothing
   * that loosens access can be confirmed over the admin channel then.
   */
  showsCodes: z.boolean().optional(),
});
export type AdminStatus = z.infer<typeof adminStatusSchema>;

/** Server -> CLI notification while `login` with deviceCode runs. */
export const DEVICE_CODE_NOTIFICATION = 'login.deviceCode';
export const deviceCodeNotificationSchema = z.object({
  userCode: z.string(),
  verificationUri: z.string(),
  expiresOn: z.string(),
  message: z.string(),
});

/**
 * Server -> CLI notification while a browser `login` or `consent.grant` runs: first the sign-in URL
 * (`url`, so the user can open it by hand), then `browser-failed` if the broker could not open a browser.
 */
export const SIGN_IN_BROWSER_NOTIFICATION = 'login.browser';
export const signInBrowserNotificationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('url'), url: z.string().max(16_384) }),
  z.object({ kind: z.literal('browser-failed'), url: z.string().max(16_384), reason: z.string().max(1000) }),
]);

export const ADMIN_METHODS = {
  hello: { params: adminHelloParamsSchema, result: adminHelloResultSchema },
  status: { params: z.object({}).optional(), result: adminStatusSchema },
  'clients.decide': {
    params: z.object({
      /** The client id from status (`cursor`, `session-3`). */
      id: z.string().min(1).max(100),
      decision: z.enum(['approve', 'deny', 'revoke']),
      confirmation: confirmationSchema.optional(),
    }),
    result: z.object({}),
  },
  'approvals.decide': {
    params: z.object({
      id: z.string().min(1).max(100),
      decision: z.enum(['allow-once', 'allow-always', 'deny']),
      confirmation: confirmationSchema.optional(),
    }),
    result: z.object({}),
  },
  'consent.grant': {
    params: z.union([
      z.object({ group: toolGroupSchema, deviceCode: z.boolean().optional() }).strict(),
      z
        .object({ scopes: z.array(z.string().min(1).max(300)).min(1).max(50), deviceCode: z.boolean().optional() })
        .strict(),
    ]),
    result: z.array(z.string()),
  },
  login: {
    params: z.object({ deviceCode: z.boolean(), loginHint: z.string().max(300).optional() }),
    result: accountSummarySchema,
  },
  logout: { params: z.object({ account: z.string().max(300).optional() }), result: z.object({}) },
  use: { params: z.object({ account: z.string().min(1).max(300) }), result: accountSummarySchema },
  pause: {
    params: z.object({ paused: z.boolean(), confirmation: confirmationSchema.optional() }),
    result: z.object({}),
  },
  'settings.get': { params: z.object({}).optional(), result: settingsSnapshotSchema },
  'settings.update': {
    params: z.object({
      changes: z.array(settingChangeSchema).min(1).max(20),
      /**
       * Apply only when nothing loosens; otherwise answer CONFIRMATION_REQUIRED without making a code
       * (a CLI with nobody at its terminal must not fill the window with codes nobody will type).
       */
      onlyIfTightening: z.boolean().optional(),
      confirmation: confirmationSchema.optional(),
    }),
    result: z.object({
      snapshot: settingsSnapshotSchema,
      /** What applying it did beyond the settings, e.g. the sign-in restarted in place and signed the user out. */
      note: z.string().max(1000).nullable(),
      /** Present when new sign-in settings were applied in place: who is signed in under them. */
      signIn: z.object({ account: accountSummarySchema.nullable() }).optional(),
    }),
  },
  'audit.query': {
    params: z.object({
      client: z.string().max(100).optional(),
      tool: z.string().max(100).optional(),
      limit: z.number().int().positive().max(100_000).optional(),
    }),
    result: z.array(auditEntrySchema),
  },
} as const;
export type AdminMethodName = keyof typeof ADMIN_METHODS;
export type AdminParams<M extends AdminMethodName> = z.infer<(typeof ADMIN_METHODS)[M]['params']>;
export type AdminValue<M extends AdminMethodName> = z.infer<(typeof ADMIN_METHODS)[M]['result']>;

/** The methods that may ask for a confirmation code (the others answer with the broker's error codes only). */
export type ConfirmableMethod = 'clients.decide' | 'approvals.decide' | 'pause' | 'settings.update';
export type AdminAnswer<M extends AdminMethodName> = M extends ConfirmableMethod
  ? Result<AdminValue<M>, AdminError>
  : Result<AdminValue<M>>;

export const ADMIN_SOCKET_NAME = 'admin.sock';
export const ADMIN_KEY_NAME = 'admin.key';
