/**
 * What the pre-authenticated upload URLs (`${downloadOrigin}/_up/<token>`) of OneDrive upload sessions
 * (upload-session.ts) and Outlook attachment upload sessions (routes/mail-upload.ts) share:
 *   - an Authorization header → 401 (the URL carries its own credential); an unknown or expired
 *     token → 404; GET → 200 with the session's status; DELETE → 204 (cancelled); PUT → the kind's own;
 *   - a PUT's `Content-Range: bytes a-b/total` with exactly b-a+1 bytes (else 400), starting at the
 *     next expected byte (a gap or an overlap → 416);
 *   - errors rendered with the request's ids, every answer with `request-id`.
 * Each kind names its error codes: Outlook's are PascalCase (ErrorInvalidRequest), OneDrive's camelCase.
 */
import { badRequest, errorBody, GraphHttpError } from './errors.ts';
import { emptyResponse, JSON_CONTENT_TYPE, jsonResponse, type GraphResponse } from './http.ts';

export interface UploadUrlRequest {
  token: string;
  method: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface ContentRange {
  start: number;
  end: number;
  total: number;
}

/** The error codes one kind of upload URL answers with. */
export interface UploadUrlCodes {
  invalidRequest: string;
  invalidRange: string;
  notFound: string;
  unauthenticated: string;
  internal: string;
}

/** The state every upload session keeps: when it expires and the fragments received so far. */
export interface UploadingSession {
  expiresMs: number;
  receivedBytes: number;
  received: Buffer[];
}

export interface UploadUrlKind<S extends UploadingSession> {
  codes: UploadUrlCodes;
  sessions: Map<string, S>;
  /** The body of a GET (and of a PUT that is not the last fragment). */
  status(session: S): Record<string, unknown>;
  /** A PUT to a live session (fragmentRange and takeFragment do the shared checks). */
  put(session: S, req: UploadUrlRequest, nowMs: number): GraphResponse;
}

export function uploadSessionNotFound(codes: UploadUrlCodes): GraphHttpError {
  return new GraphHttpError({ status: 404, code: codes.notFound, message: 'The upload session was not found.' });
}

/** A PUT's Content-Range, checked against itself and the body's length. */
export function fragmentRange(req: UploadUrlRequest, codes: UploadUrlCodes): ContentRange {
  const header = req.headers['content-range'];
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim()) : null;
  if (!m) throw badRequest(codes.invalidRequest, 'The Content-Range header is missing or malformed.');
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (end < start || end >= total) throw badRequest(codes.invalidRequest, 'The Content-Range header is not valid.');
  if (req.body.length !== end - start + 1)
    throw badRequest(
      codes.invalidRequest,
      'The Content-Range header length does not match the provided number of bytes.',
    );
  return { start, end, total };
}

/** Keeps a fragment that starts at the next expected byte (else 416); true when it was the last one. */
export function takeFragment(
  session: UploadingSession,
  range: ContentRange,
  body: Buffer,
  codes: UploadUrlCodes,
): boolean {
  if (range.start !== session.receivedBytes)
    throw new GraphHttpError({
      status: 416,
      code: codes.invalidRange,
      message: `The uploaded fragment does not start at the next expected byte (${session.receivedBytes}).`,
    });
  session.received.push(Buffer.from(body));
  session.receivedBytes = range.end + 1;
  return session.receivedBytes === range.total;
}

function handle<S extends UploadingSession>(kind: UploadUrlKind<S>, req: UploadUrlRequest, nowMs: number) {
  if (req.headers.authorization !== undefined)
    throw new GraphHttpError({
      status: 401,
      code: kind.codes.unauthenticated,
      message: 'The upload URL is pre-authenticated; requests to it must not carry an Authorization header.',
    });
  const session = kind.sessions.get(req.token);
  if (!session || session.expiresMs < nowMs) {
    kind.sessions.delete(req.token);
    throw uploadSessionNotFound(kind.codes);
  }
  switch (req.method) {
    case 'GET':
      return jsonResponse(200, kind.status(session));
    case 'DELETE':
      kind.sessions.delete(req.token);
      return emptyResponse(204);
    case 'PUT':
      return kind.put(session, req, nowMs);
    default:
      throw new GraphHttpError({
        status: 405,
        code: kind.codes.invalidRequest,
        message: 'Specified HTTP method is not allowed for the request target.',
      });
  }
}

/** Answers one request to an upload URL of `kind`, errors included. */
export function serveUploadUrl<S extends UploadingSession>(
  kind: UploadUrlKind<S>,
  req: UploadUrlRequest,
  ids: { requestId: string; nowMs: number },
): GraphResponse {
  let res: GraphResponse;
  try {
    res = handle(kind, req, ids.nowMs);
  } catch (e) {
    const err =
      e instanceof GraphHttpError
        ? e
        : new GraphHttpError({ status: 500, code: kind.codes.internal, message: String(e) });
    res = jsonResponse(err.status, errorBody(err, { ...ids, clientRequestId: ids.requestId }), err.headers);
  }
  const headers: Record<string, string> = { ...res.headers, 'request-id': ids.requestId };
  if (res.json !== undefined) headers['Content-Type'] ??= JSON_CONTENT_TYPE;
  return { ...res, headers };
}
