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
 * the session fails with 404 ErrorItemNotFound. What OneDrive's upload URLs share: ../upload-url.ts.
 */
import type { GraphServiceDeps } from '../../types.ts';
import { badRequest, GraphHttpError } from '../errors.ts';
import { emptyResponse, jsonResponse, type GraphResponse } from '../http.ts';
import { isoZ } from '../seed/prng.ts';
import type { AttachmentUploadState, GraphStore } from '../store.ts';
import {
  fragmentRange,
  serveUploadUrl,
  takeFragment,
  type UploadUrlCodes,
  type UploadUrlKind,
  type UploadUrlRequest,
} from '../upload-url.ts';
import { attach, newFileAttachment, ATTACHMENT_SESSION_TTL_MS } from './mail-attachments.ts';

/** Outlook takes less than 4 MB per request (Graph docs: "Upload large files to Outlook"). */
export const MAX_ATTACHMENT_FRAGMENT_BYTES = 4 * 1024 * 1024;

const CODES: UploadUrlCodes = {
  invalidRequest: 'ErrorInvalidRequest',
  invalidRange: 'ErrorInvalidRange',
  notFound: 'ErrorItemNotFound',
  unauthenticated: 'InvalidAuthenticationToken',
  internal: 'InternalServerError',
};

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
  req: UploadUrlRequest,
  s: AttachmentUploadState,
  nowMs: number,
): GraphResponse {
  const range = fragmentRange(req, CODES);
  if (range.total !== s.size)
    throw badRequest(CODES.invalidRequest, 'The Content-Range header does not match the upload session.');
  if (req.body.length > MAX_ATTACHMENT_FRAGMENT_BYTES)
    throw new GraphHttpError({
      status: 413,
      code: 'ErrorRequestEntityTooLarge',
      message: 'Each upload request must be smaller than 4 MB.',
    });
  if (!takeFragment(s, range, req.body, CODES)) {
    s.expiresMs = nowMs + ATTACHMENT_SESSION_TTL_MS;
    return jsonResponse(200, status(s, deps));
  }
  store.attachmentUploads.delete(req.token);
  return commit(deps, store, s, nowMs);
}

export function serveAttachmentUpload(
  deps: GraphServiceDeps,
  store: GraphStore,
  req: UploadUrlRequest,
  ids: { requestId: string; nowMs: number },
): GraphResponse {
  const kind: UploadUrlKind<AttachmentUploadState> = {
    codes: CODES,
    sessions: store.attachmentUploads,
    status: (s) => status(s, deps),
    put: (s, r, nowMs) => put(deps, store, r, s, nowMs),
  };
  return serveUploadUrl(kind, req, ids);
}
