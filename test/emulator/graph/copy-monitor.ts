/**
 * The monitor URL of an async driveItem copy (`${downloadOrigin}/_mon/<token>`, minted by
 * routes/drive-manage.ts): like Graph's, it needs no Authorization and answers the job's status —
 * `{operation: "ItemCopy", status: "completed", percentageComplete: 100, resourceId}` — here always
 * completed, because the emulator copies at once. An unknown or expired token is a 404.
 */
import { errorBody } from './errors.ts';
import { jsonResponse, JSON_CONTENT_TYPE, type GraphResponse } from './http.ts';
import { monitorNotFound } from './routes/drive-manage.ts';
import type { GraphStore } from './store.ts';

export function serveCopyMonitor(
  store: GraphStore,
  token: string,
  ids: { requestId: string; nowMs: number },
): GraphResponse {
  const monitor = store.copyMonitors.get(token);
  if (!monitor || monitor.expiresMs < ids.nowMs) {
    const body = errorBody(monitorNotFound(), { ...ids, clientRequestId: ids.requestId });
    return jsonResponse(404, body, { 'Content-Type': JSON_CONTENT_TYPE, 'request-id': ids.requestId });
  }
  return jsonResponse(
    200,
    { operation: 'ItemCopy', percentageComplete: 100, resourceId: monitor.resourceId, status: 'completed' },
    { 'Content-Type': JSON_CONTENT_TYPE, 'request-id': ids.requestId },
  );
}
