/**
 * Seams inside the Entra ID + Microsoft Graph emulator (test/demo infrastructure only; the
 * packaged app never ships it and production code never imports it).
 *
 * The Entra half (server, TLS, JWT, /authorize, /token, control plane) owns the process and the
 * clock; the Graph half is a request handler it mounts on the Graph origin. Spec:
 * ../shared/design/entra-graph-emulator-spec.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Injectable clock: the control plane advances it; nothing in the emulator reads Date.now(). */
export interface EmulatorClock {
  nowMs(): number;
  advance(seconds: number): void;
}

/** Claims of a verified Graph access token (§5.3). */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  oid: string;
  upn: string;
  name: string;
  appid: string;
  /** Space-separated short Graph scope names. */
  scp: string;
  iat: number;
  nbf: number;
  exp: number;
  xms_cc?: string[];
  [claim: string]: unknown;
}

export type TokenVerification =
  | { ok: true; claims: AccessTokenClaims }
  | {
      ok: false;
      /** `revoked`: issued before the user's sessions were revoked; `outdated_policy`: before a CA policy change. */
      reason: 'empty' | 'malformed' | 'expired' | 'invalid_audience' | 'bad_signature' | 'revoked' | 'outdated_policy';
      /**
       * CAE: the token declared client capability cp1, so Graph answers with a claims challenge asking
       * for a token issued at or after this instant (epoch seconds).
       */
      caeNbf?: number;
    };

/** Claims of a verified custom-API access token (v2 by default, v1 if the API asks for it). */
export interface ApiAccessTokenClaims {
  /** v2: the API's client id; v1: its application ID URI. */
  aud: string;
  iss: string;
  tid: string;
  oid: string;
  /** Space-separated scope values of this API (e.g. `access_as_user`). */
  scp: string;
  /** The calling client: `azp` (v2) or `appid` (v1). */
  azp?: string;
  appid?: string;
  name?: string;
  /** v2 */
  preferred_username?: string;
  /** v1 */
  upn?: string;
  ver: '1.0' | '2.0';
  iat: number;
  nbf: number;
  exp: number;
  [claim: string]: unknown;
}

export type ApiTokenVerification =
  | { ok: true; claims: ApiAccessTokenClaims }
  | {
      ok: false;
      reason: 'empty' | 'malformed' | 'expired' | 'invalid_audience' | 'invalid_issuer' | 'bad_signature';
    };

/** A user in the emulated tenant (fixture + runtime state). */
export interface EmulatorUser {
  oid: string;
  upn: string;
  password: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  jobTitle?: string;
  department?: string;
  officeLocation?: string;
  isAdmin?: boolean;
}

/** One entry of the request log (both origins). Bodies are kept for assertions in tests. */
export interface RequestLogEntry {
  seq: number;
  time: string;
  /** `api` = the emulator's protected demo API (its own origin). */
  host: 'entra' | 'graph' | 'api';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  form?: Record<string, string>;
  body?: unknown;
  status: number;
  /** The client closed the connection before the answer was complete (e.g. it cancelled or timed out). */
  closedByClient?: boolean;
}

/** What the Entra half gives the Graph half. */
export interface GraphServiceDeps {
  clock: EmulatorClock;
  verifyAccessToken(authorizationHeader: string | undefined): TokenVerification;
  /** e.g. https://localhost:8445 — nextLinks and @odata.context are built from it. */
  graphOrigin: string;
  /** A different host name for pre-authenticated downloads, e.g. https://127.0.0.1:8445 */
  downloadOrigin: string;
  /** Entra authorize URI, used in WWW-Authenticate. */
  authorizeUri: string;
  tenantId: string;
  users(): readonly EmulatorUser[];
}

/** The Graph half: handles every request on the Graph origin (`/v1.0/…`, `/beta/…`, `/_dl/…`). */
export interface GraphService {
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void>;
  /** Back to the seeded, deterministic data. */
  reset(): void;
}

export type CreateGraphService = (deps: GraphServiceDeps) => GraphService;
