/**
 * Requests the CURRENT bridge sends that Microsoft's v1.0 schema rejects, accepted temporarily by
 * the post-run check (check-log.ts) so it can land before the bridge is fixed. Each entry names the
 * file/tool that sends the request and why it is invalid. The goal is an EMPTY list: fix the
 * bridge, then delete the entry (an entry that matches nothing fails the check, so stale ones
 * cannot linger).
 *
 * Never add requests a test sends invalid on purpose: those carry the
 * `x-graph-bridge-schema-expect: invalid; <why>` header instead (see request-log-file.ts).
 */

export interface AllowedInvalidRequest {
  method: string;
  /** Matched against the logged path below the version root (e.g. `/me/messages/AAMk…`). */
  path: RegExp;
  /** A substring of the validator's message for this request. */
  error: string;
  /** Who sends it: `bridge/tools/<file>.ts <tool>`. */
  sentBy: string;
  why: string;
}

export const KNOWN_INVALID_BRIDGE_REQUESTS: readonly AllowedInvalidRequest[] = [
  // Empty: every request the bridge sent in the integration and e2e runs is valid for Graph v1.0.
];
