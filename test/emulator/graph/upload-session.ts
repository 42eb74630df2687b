/**
 * The pre-authenticated upload URL of a driveItem upload session (`${downloadOrigin}/_up/<token>`,
 * minted by createUploadSession in routes/drive.ts), with Graph's wire behaviour:
 *   - PUT with `Content-Range: bytes a-b/total` and exactly b-a+1 bytes → 202
 *     `{expirationDateTime, nextExpectedRanges: ["<next>-"]}`; the last range commits the file → 201
 *     (new) / 200 (replaced) with the driveItem, or 409 nameAlreadyExists (conflictBehavior fail);
 *   - GET → 200 with the session's status; DELETE → 204 (cancelled; the URL is then 404);
 *   - an Authorization header → 401: the URL carries its own credential and Graph rejects a bearer
 *     token on it. The request log keeps the headers, so tests can prove none was sent.
 * Emulator rules stricter than Graph's documentation: fragments must arrive in order (a gap or
 * overlap → 416), and every fragment but the last must be a multiple of 320 KiB (Graph says such
 * uploads "may fail" to commit; here they fail at once with 400). What Outlook's share: upload-url.ts.
 */
import type { GraphServiceDeps } from '../types.ts';
import { badRequest } from './errors.ts';
import { jsonResponse, type GraphResponse } from './http.ts';
import type { RouteContext } from './router.ts';
import { placeFile, replaceContent, uploadDrive, UPLOAD_SESSION_TTL_MS } from './routes/drive.ts';
import { isoZ } from './seed/prng.ts';
import type { GraphStore, UploadSessionState } from './store.ts';
import {
  fragmentRange,
  serveUploadUrl,
  takeFragment,
  uploadSessionNotFound,
  type UploadUrlCodes,
  type UploadUrlKind,
  type UploadUrlRequest,
} from './upload-url.ts';

export const UPLOAD_FRAGMENT_UNIT = 320 * 1024;

const CODES: UploadUrlCodes = {
  invalidRequest: 'invalidRequest',
  invalidRange: 'invalidRange',
  notFound: 'itemNotFound',
  unauthenticated: 'unauthenticated',
  internal: 'generalException',
};

function status(session: UploadSessionState): Record<string, unknown> {
  return {
    expirationDateTime: isoZ(session.expiresMs),
    nextExpectedRanges: [`${session.receivedBytes}-`],
  };
}
/** The route context the commit renders the item with: the creating request's caller and version. */
function commitContext(deps: GraphServiceDeps, store: GraphStore, session: UploadSessionState, nowMs: number) {
  const me = store.findUser(session.oid);
  if (!me) throw uploadSessionNotFound(CODES);
  const ctx: RouteContext = {
    req: { method: 'PUT', version: session.version, path: '', query: new Map(), headers: {}, body: Buffer.alloc(0) },
    params: [],
    claims: session.claims,
    me,
    store,
    deps,
    base: `${deps.graphOrigin}/${session.version}`,
    nowMs,
  };
  return ctx;
}

function commit(deps: GraphServiceDeps, store: GraphStore, session: UploadSessionState, nowMs: number): GraphResponse {
  const ctx = commitContext(deps, store, session, nowMs);
  const content = Buffer.concat(session.received);
  const d = uploadDrive(ctx, session.drivePrefix);
  if (session.itemId !== undefined) {
    const node = d.drive.nodes.get(session.itemId);
    if (!node) throw uploadSessionNotFound(CODES);
    return replaceContent(ctx, d, node, content);
  }
  return placeFile(ctx, d, { fromId: session.fromId, rawPath: session.rawPath, content, behavior: session.behavior });
}

function put(
  deps: GraphServiceDeps,
  store: GraphStore,
  req: UploadUrlRequest,
  session: UploadSessionState,
  nowMs: number,
): GraphResponse {
  const range = fragmentRange(req, CODES);
  const { end, total } = range;
  if ((session.total ?? total) !== total || (session.fileSize ?? total) !== total)
    throw badRequest(CODES.invalidRequest, 'The declared total size does not match the upload session.');
  const last = end + 1 === total;
  if (!last && req.body.length % UPLOAD_FRAGMENT_UNIT !== 0)
    throw badRequest('invalidRange', 'Fragments other than the last must be a multiple of 320 KiB (327680 bytes).');
  const done = takeFragment(session, range, req.body, CODES);
  session.total = total;
  if (!done) {
    session.expiresMs = nowMs + UPLOAD_SESSION_TTL_MS;
    return jsonResponse(202, status(session));
  }
  store.uploads.delete(req.token);
  return commit(deps, store, session, nowMs);
}

export function serveUploadSession(
  deps: GraphServiceDeps,
  store: GraphStore,
  req: UploadUrlRequest,
  ids: { requestId: string; nowMs: number },
): GraphResponse {
  const kind: UploadUrlKind<UploadSessionState> = {
    codes: CODES,
    sessions: store.uploads,
    status,
    put: (s, r, nowMs) => put(deps, store, r, s, nowMs),
  };
  return serveUploadUrl(kind, req, ids);
}
