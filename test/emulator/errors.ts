/**
 * Entra (AADSTS) error bodies, spec §6: `error`, `error_description` with the Trace ID /
 * Correlation ID / Timestamp trailer, `error_codes`, `timestamp`, `trace_id`, `correlation_id`,
 * `error_uri`, optional `suberror` and `claims`. MSAL picks the error class from `error`/`suberror`
 * (and substrings of the description), so texts stay realistic and never mention the error strings.
 */
import { randomUUID } from 'node:crypto';

/** AADSTS texts (DOC-errors wording where known). `{name}` placeholders are filled from vars. */
const AADSTS_TEXT: Readonly<Record<number, string>> = {
  28000:
    'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid.',
  50011:
    "The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
  50058: 'A silent sign-in request was sent but no user is signed in.',
  50076:
    "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
  50079:
    "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
  50126: 'Error validating credentials due to invalid username or password.',
  50173:
    "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{issuedAt}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{validFrom}'.",
  54005:
    'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  65001:
    "The user or administrator has not consented to use the application with ID '{clientId}' named '{appName}'. Send an interactive authorization request for this user and resource.",
  65004: 'User declined to consent to access the app.',
  70000:
    'The request was denied because one or more scopes requested are unauthorized or expired. The user must first sign in and grant the client application access to the requested scope.',
  70003: "The app requested an unsupported grant type '{grantType}'.",
  70004: 'The redirect URI does not match the one used in the authorization request.',
  70008:
    'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  70011: "The provided value for the input parameter 'scope' is not valid. The scope '{scope}' is not valid.",
  70016: 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
  70018: 'Invalid verification code entered.',
  70019: 'Verification code expired.',
  90002:
    "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
  90033: 'A transient error has occurred. Please try again.',
  90055:
    'The tenant is being throttled due to too many requests. Please retry after the time in the Retry-After header.',
  90094: 'The grant requires admin permission.',
  90120: 'The device code was already redeemed or declined.',
  500011:
    'The resource principal named {scope} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.',
  501481: "The Code_Verifier doesn't match the code_challenge supplied in the authorization request.",
  700016:
    "Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  700082:
    'The refresh token has expired due to inactivity. The token was issued on {issuedAt} and was inactive for {inactivity}.',
  900144: "The request body must contain the following parameter: '{parameter}'.",
  9002313: 'Invalid request. Request is malformed or invalid.',
};

export interface AadErrorInput {
  error: string;
  code: number;
  /** Placeholder values for the catalogue text, or `text` to replace it. */
  vars?: Record<string, string>;
  text?: string;
  suberror?: string;
  claims?: string;
  correlationId?: string;
  traceId?: string;
  nowMs: number;
  /** Entra public origin, for `error_uri`. */
  origin: string;
}

export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

/** `yyyy-MM-dd HH:mm:ssZ`, as Entra prints it. */
export function aadTimestamp(nowMs: number): string {
  return new Date(nowMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function aadText(code: number, vars: Record<string, string> = {}): string {
  const template = AADSTS_TEXT[code] ?? 'An error occurred.';
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => vars[name] ?? `{${name}}`);
}

export function buildAadError(input: AadErrorInput): AadErrorBody {
  const traceId = input.traceId ?? randomUUID();
  const correlationId = input.correlationId ?? randomUUID();
  const timestamp = aadTimestamp(input.nowMs);
  const text = input.text ?? aadText(input.code, input.vars);
  const body: AadErrorBody = {
    error: input.error,
    error_description: `AADSTS${input.code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [input.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${input.origin}/error?code=${input.code}`,
  };
  if (input.suberror !== undefined) body.suberror = input.suberror;
  if (input.claims !== undefined) body.claims = input.claims;
  return body;
}
