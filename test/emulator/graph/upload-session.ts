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
 * uploads "may fail" to commit; here they fail at once with 400).
 */
import type { GraphServiceDeps } from '../types.ts';
import { badRequest, errorBody, GraphHttpError } from './errors.ts';
import { emptyResponse, JSON_CONTENT_TYPE, jsonResponse, type GraphResponse } from './http.ts';
import type { RouteContext } from './router.ts';
import { placeFile, replaceContent, uploadDrive, UPLOAD_SESSION_TTL_MS } from './routes/drive.ts';
import { isoZ } from './seed/prng.ts';
import type { GraphStore, UploadSessionState } from './store.ts';

export const UPLOAD_FRAGMENT_UNIT = 320 * 1024;

export interface UploadUrlRequest {
  token: string;
  method: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

function sessionNotFound(): GraphHttpError {
  return new GraphHttpError({ status: 404, code: 'itemNotFound', message: 'The upload session was not found.' });
}

function status(session: UploadSessionState): Record<string, unknown> {
  return {
    expirationDateTime: isoZ(session.expiresMs),
    nextExpectedRanges: [`${session.receivedBytes}-`],
  };
}

function parseRange(header: string | undefined): { start: number; end: number; total: number } {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim()) : null;
  if (!m) throw badRequest('invalidRequest', 'The Content-Range header is missing or malformed.');
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (end < start || end >= total) throw badRequest('invalidRequest', 'The Content-Range header is not valid.');
  return { start, end, total };
}

/** The route context the commit renders the item with: the creating request's caller and version. */
function commitContext(deps: GraphServiceDeps, store: GraphStore, session: UploadSessionState, nowMs: number) {
  const me = store.findUser(session.oid);
  if (!me) throw sessionNotFound();
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
    if (!node) throw sessionNotFound();
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
  const { start, end, total } = parseRange(req.headers['content-range']);
  if (req.body.length !== end - start + 1)
    throw badRequest('invalidRequest', 'The Content-Range header length does not match the provided number of bytes.');
  if ((session.total ?? total) !== total || (session.fileSize ?? total) !== total)
    throw badRequest('invalidRequest', 'The declared total size does not match the upload session.');
  if (start !== session.receivedBytes)
    throw new GraphHttpError({
      status: 416,
      code: 'invalidRange',
      message: `The uploaded fragment does not start at the next expected byte (${session.receivedBytes}).`,
    });
  const last = end + 1 === total;
  if (!last && req.body.length % UPLOAD_FRAGMENT_UNIT !== 0)
    throw badRequest('invalidRange', 'Fragments other than the last must be a multiple of 320 KiB (327680 bytes).');
  session.total = total;
  session.received.push(Buffer.from(req.body));
  session.receivedBytes = end + 1;
  if (!last) {
    session.expiresMs = nowMs + UPLOAD_SESSION_TTL_MS;
    return jsonResponse(202, status(session));
  }
  store.uploads.delete(req.token);
  return commit(deps, store, session, nowMs);
}

function handle(deps: GraphServiceDeps, store: GraphStore, req: UploadUrlRequest, nowMs: number): GraphResponse {
  if (req.headers.authorization !== undefined)
    throw new GraphHttpError({
      status: 401,
      code: 'unauthenticated',
      message: 'The upload URL is pre-authenticated; requests to it must not carry an Authorization header.',
    });
  const session = store.uploads.get(req.token);
  if (!session || session.expiresMs < nowMs) {
    store.uploads.delete(req.token);
    throw sessionNotFound();
  }
  switch (req.method) {
    case 'GET':
      return jsonResponse(200, status(session));
    case 'DELETE':
      store.uploads.delete(req.token);
      return emptyResponse(204);
    case 'PUT':
      return put(deps, store, req, session, nowMs);
    default:
      throw new GraphHttpError({
        status: 405,
        code: 'invalidRequest',
        message: 'Specified HTTP method is not allowed for the request target.',
      });
  }
}

export function serveUploadSession(
  deps: GraphServiceDeps,
  store: GraphStore,
  req: UploadUrlRequest,
  ids: { requestId: string; nowMs: number },
): GraphResponse {
  let res: GraphResponse;
  try {
    res = handle(deps, store, req, ids.nowMs);
  } catch (e) {
    const err =
      e instanceof GraphHttpError
        ? e
        : new GraphHttpError({ status: 500, code: 'generalException', message: String(e) });
    res = jsonResponse(err.status, errorBody(err, { ...ids, clientRequestId: ids.requestId }), err.headers);
  }
  const headers: Record<string, string> = { ...res.headers, 'request-id': ids.requestId };
  if (res.json !== undefined) headers['Content-Type'] ??= JSON_CONTENT_TYPE;
  return { ...res, headers };
}
