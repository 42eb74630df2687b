/**
 * The broker's settings (one `settings.json` in the per-user config dir, shared by tray and agent).
 * Every key is optional in the file; missing keys take the defaults below. Unknown keys are an error
 * (a typo must not silently turn a safety setting off).
 */
import { z } from 'zod';
import { DEFAULT_TOOL_GROUPS, TOOL_GROUPS } from '../../shared/tool-groups.ts';
import { toolGroupSchema } from '../../shared/bridge-contract.ts';
import { CLOUD_NAMES } from '../../shared/clouds.ts';

/**
 * Default public client: "Microsoft Graph Command Line Tools" (the first-party public client used by
 * Microsoft Graph PowerShell and CLI). Organisations that block it register their own app and set
 * `clientId` (redirect URI `http://localhost`, "Allow public client flows" on for device code).
 */
export const DEFAULT_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
export const TENANT_ALIASES = ['organizations', 'common', 'consumers'] as const;

const httpsUrl = z.url({ protocol: /^https$/, hostname: z.regexes.hostname });
const httpsOrigin = httpsUrl.refine((u) => {
  const p = new URL(u);
  return (p.pathname === '/' || p.pathname === '') && p.search === '' && p.hash === '';
}, 'must be an https origin without a path');

export const tenantSchema = z
  .string()
  .refine((t) => GUID.test(t) || DOMAIN.test(t) || (TENANT_ALIASES as readonly string[]).includes(t));

export const customCloudSchema = z.object({ authorityHost: httpsOrigin, graphBaseUrl: httpsUrl }).strict();

export const cloudSchema = z.union([z.enum(CLOUD_NAMES), customCloudSchema]);

export const approvalChoiceSchema = z.enum(['ask', 'allow', 'deny']);
export type ApprovalChoice = z.infer<typeof approvalChoiceSchema>;

export const approvalPolicySchema = z
  .object({
    /** A new editor/client: ask the user in the tray, or allow automatically (headless CI). */
    clients: z.enum(['ask', 'allow']).default('ask'),
    writes: z
      .object({
        default: approvalChoiceSchema.default('ask'),
        /** Per write tool, e.g. `{"mail_send": "deny"}`. */
        tools: z.record(z.string().min(1).max(100), approvalChoiceSchema).default({}),
      })
      .strict()
      .default({ default: 'ask', tools: {} }),
  })
  .strict();

/**
 * A folder upload tools may read from: absolute (`/…`, `C:\…`, `\\server\share…`) or under the home
 * folder (`~/…`); no control characters.
 */
export const uploadFolderSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine(
    (p) => /^(~(?:[\\/].*)?|\/.*|[A-Za-z]:[\\/].*|\\\\[^\\].*)$/s.test(p),
    'must be an absolute folder path or start with ~/',
  )
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'must not contain control characters');

export const DEFAULT_SIGN_IN_TIMEOUT_SECONDS = 600;

export const settingsSchema = z
  .object({
    clientId: z.string().regex(GUID).default(DEFAULT_CLIENT_ID),
    tenant: tenantSchema.default('organizations'),
    cloud: cloudSchema.default('global'),
    /** Full authority URL; overrides cloud + tenant (e.g. `https://login.microsoftonline.com/<tid>`). */
    authority: httpsUrl.nullable().default(null),
    /** PEM file with extra CA certificates to trust (corporate TLS inspection). */
    extraCaFile: z.string().min(1).nullable().default(null),
    /** Use the OS broker (WAM / Enterprise SSO) where available. */
    useBroker: z.boolean().default(false),
    toolGroups: z.array(toolGroupSchema).default([...DEFAULT_TOOL_GROUPS]),
    readOnly: z.boolean().default(false),
    approvalPolicy: approvalPolicySchema.default({ clients: 'ask', writes: { default: 'ask', tools: {} } }),
    /**
     * How long a browser sign-in or consent waits for the user before it stops (and closes its
     * loopback listener). Long enough to set up multi-factor authentication.
     */
    signInTimeoutSeconds: z.number().int().min(1).max(3600).default(DEFAULT_SIGN_IN_TIMEOUT_SECONDS),
    /** Linux only: keep the token cache in a 0600 plaintext file when no Secret Service exists. */
    allowPlaintextCache: z.boolean().default(false),
    /**
     * Folders upload tools (upload_file) may read local files from; null = the platform default
     * (Downloads, Documents, Desktop). Hidden folders, Graph Bridge's own folders and key/cache files
     * are refused inside them too.
     */
    uploadFolders: z.array(uploadFolderSchema).max(50).nullable().default(null),
    /** Your own Entra-protected API for the `api` tool group. */
    api: z
      .object({ baseUrl: httpsUrl, scope: z.string().min(1).max(300) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type CustomCloud = z.infer<typeof customCloudSchema>;

/**
 * What a user may write for each key, for error messages (zod knows the shapes; people need words).
 * Keys are dotted paths; `*` matches any record key.
 */
export const ALLOWED_VALUES: Readonly<Record<string, string>> = {
  clientId: 'an application (client) ID GUID, e.g. "00000000-0000-0000-0000-000000000000"',
  tenant: `a tenant ID GUID, a domain (contoso.onmicrosoft.com), ${TENANT_ALIASES.map((a) => `"${a}"`).join(', ')}`,
  cloud: `${CLOUD_NAMES.map((c) => `"${c}"`).join(', ')}, or {"authorityHost": "https://…", "graphBaseUrl": "https://…/"}`,
  'cloud.authorityHost': 'an https origin without a path, e.g. "https://login.microsoftonline.com"',
  'cloud.graphBaseUrl': 'an https URL, e.g. "https://graph.microsoft.com/"',
  authority: 'null or an https URL, e.g. "https://login.microsoftonline.com/<tenant>"',
  extraCaFile: 'null or the path of a PEM file',
  useBroker: 'true or false',
  toolGroups: `an array of ${TOOL_GROUPS.map((g) => `"${g}"`).join(', ')}`,
  'toolGroups.*': TOOL_GROUPS.map((g) => `"${g}"`).join(', '),
  readOnly: 'true or false',
  approvalPolicy: '{"clients": "ask"|"allow", "writes": {"default": "ask"|"allow"|"deny", "tools": {…}}}',
  'approvalPolicy.clients': '"ask", "allow"',
  'approvalPolicy.writes': '{"default": "ask"|"allow"|"deny", "tools": {"<tool>": "ask"|"allow"|"deny"}}',
  'approvalPolicy.writes.default': '"ask", "allow", "deny"',
  'approvalPolicy.writes.tools': 'an object of tool name → "ask"|"allow"|"deny"',
  'approvalPolicy.writes.tools.*': '"ask", "allow", "deny"',
  signInTimeoutSeconds: 'a whole number of seconds from 1 to 3600 (default 600)',
  allowPlaintextCache: 'true or false (Linux only)',
  uploadFolders:
    'null (your Downloads, Documents and Desktop folders) or an array of folder paths, e.g. ["~/Documents", "/srv/reports"]',
  'uploadFolders.*': 'an absolute folder path, or one starting with ~/ (e.g. "~/Documents/Reports")',
  api: 'null or {"baseUrl": "https://…", "scope": "api://<app-id>/<scope>"}',
  'api.baseUrl': 'an https URL',
  'api.scope': 'a scope string, e.g. "api://<app-id>/access_as_user"',
};

export const SETTINGS_KEYS = Object.keys(settingsSchema.shape);
