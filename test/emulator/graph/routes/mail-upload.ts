/**
 * The pre-authenticated URL of an Outlook attachment upload session (`${downloadOrigin}/_up/<token>`,
 * minted by createUploadSession in mail-attachments.ts), with Outlook's wire behaviour, which is not
 * OneDrive's:
 *   - PUT `Content-Range: bytes a-b/total` (total = the session's size) with exactly b-a+1 bytes, at
 *     most 4 MB per request (more → 413) → **200** `{ExpirationDateTime, NextExpectedRanges: ["<next>"]}`
 *     (Outlook's PascalCase); the last range attaches the file → **201**, empty body, `Location` of the
 *     new attachment;
 *   - GET → 200 with the status; DELETE → 204 (cancelled, then 404);
 *   - an Authorization header → 401: the URL carries its own credential.
 * Fragments must arrive in order (a gap or overlap → 416). If the message is gone by the last range,
 * the session fails with 404 ErrorItemNotFound.
 */
import type { GraphServiceDeps } from '../../types.ts';
import { badRequest, errorBody, GraphHttpError } from '../errors.ts';
import { emptyResponse, JSON_CONTENT_TYPE, jsonResponse, type GraphResponse } from '../http.ts';
import { isoZ } from '../seed/prng.ts';
import type { AttachmentUploadState, GraphStore } from '../store.ts';
import { attach, newFileAttachment, ATTACHMENT_SESSION_TTL_MS } from './mail-attachments.ts';

/** Outlook takes less than 4 MB per request (Graph docs: "Upload large files to Outlook"). */
export const MAX_ATTACHMENT_FRAGMENT_BYTES = 4 * 1024 * 1024;

export interface AttachmentUploadRequest {
  token: string;
  method: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

function sessionNotFound(): GraphHttpError {
  return new GraphHttpError({ status: 404, code: 'ErrorItemNotFound', message: 'The upload session was not found.' });
}

function status(s: AttachmentUploadState, deps: GraphServiceDeps): Record<string, unknown> {
  return {
    '@odata.context': `${deps.graphOrigin}/${s.version}/$metadata#microsoft.graph.uploadSession`,
    ExpirationDateTime: isoZ(s.expiresMs),
    NextExpectedRanges: [String(s.receivedBytes)],
  };
}

function commit(deps: GraphServiceDeps, store: GraphStore, s: AttachmentUploadState, nowMs: number): GraphResponse {
  const state = store.user(s.mailboxId);
  const a = newFileAttachment(store, nowMs, {
    name: s.name,
    contentType: s.contentType,
    isInline: s.isInline,
    bytes: Buffer.concat(s.received),
  });
  attach(state, s.messageId, a, nowMs);
  const location = `${deps.graphOrigin}/${s.version}/users('${s.mailboxId}')/messages('${s.messageId}')/attachments('${a.id}')`;
  return emptyResponse(201, { Location: location });
}

function put(
  deps: GraphServiceDeps,
  store: GraphStore,
  req: AttachmentUploadRequest,
  s: AttachmentUploadState,
  nowMs: number,
): GraphResponse {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec((req.headers['content-range'] ?? '').trim());
  if (!m) throw badRequest('ErrorInvalidRequest', 'The Content-Range header is missing or malformed.');
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (end < start || total !== s.size || end >= total)
    throw badRequest('ErrorInvalidRequest', 'The Content-Range header does not match the upload session.');
  if (req.body.length !== end - start + 1)
    throw badRequest(
      'ErrorInvalidRequest',
      'The Content-Range header length does not match the provided number of bytes.',
    );
  if (req.body.length > MAX_ATTACHMENT_FRAGMENT_BYTES)
    throw new GraphHttpError({
      status: 413,
      code: 'ErrorRequestEntityTooLarge',
      message: 'Each upload request must be smaller than 4 MB.',
    });
  if (start !== s.receivedBytes)
    throw new GraphHttpError({
      status: 416,
      code: 'ErrorInvalidRange',
      message: `The uploaded range does not start at the next expected byte (${s.receivedBytes}).`,
    });
  s.received.push(Buffer.from(req.body));
  s.receivedBytes = end + 1;
  if (s.receivedBytes < s.size) {
    s.expiresMs = nowMs + ATTACHMENT_SESSION_TTL_MS;
    return jsonResponse(200, status(s, deps));
  }
  store.attachmentUploads.delete(req.token);
  return commit(deps, store, s, nowMs);
}

function handle(deps: GraphServiceDeps, store: GraphStore, req: AttachmentUploadRequest, nowMs: number): GraphResponse {
  if (req.headers.authorization !== undefined)
    throw new GraphHttpError({
      status: 401,
      code: 'InvalidAuthenticationToken',
      message: 'The upload URL is pre-authenticated; requests to it must not carry an Authorization header.',
    });
  const s = store.attachmentUploads.get(req.token);
  if (!s || s.expiresMs < nowMs) {
    store.attachmentUploads.delete(req.token);
    throw sessionNotFound();
  }
  switch (req.method) {
    case 'GET':
      return jsonResponse(200, status(s, deps));
    case 'DELETE':
      store.attachmentUploads.delete(req.token);
      return emptyResponse(204);
    case 'PUT':
      return put(deps, store, req, s, nowMs);
    default:
      throw new GraphHttpError({ status: 405, code: 'ErrorInvalidRequest', message: 'The method is not allowed.' });
  }
}

export function serveAttachmentUpload(
  deps: GraphServiceDeps,
  store: GraphStore,
  req: AttachmentUploadRequest,
  ids: { requestId: string; nowMs: number },
): GraphResponse {
  let res: GraphResponse;
  try {
    res = handle(deps, store, req, ids.nowMs);
  } catch (e) {
    const err =
      e instanceof GraphHttpError
        ? e
        : new GraphHttpError({ status: 500, code: 'InternalServerError', message: String(e) });
    res = jsonResponse(err.status, errorBody(err, { ...ids, clientRequestId: ids.requestId }), err.headers);
  }
  const headers: Record<string, string> = { ...res.headers, 'request-id': ids.requestId };
  if (res.json !== undefined) headers['Content-Type'] ??= JSON_CONTENT_TYPE;
  return { ...res, headers };
}
