/**
 * GraphApi.downloadToFile: the 2xx body is streamed from the socket to a new file in the download
 * folder (saveStream, downloads.ts streamDownload) in constant memory; a failure of the file side
 * becomes a ToolError, and a cancelled or failed call awaits the partial file's removal.
 */
import type { Readable } from 'node:stream';
import { DownloadTooLargeError, DownloadWriteError } from '../downloads.ts';
import { formatBytes } from '../tools/shared/file-types.ts';
import { ToolError, type DownloadToFileOptions, type SavedDownload } from '../tools/tool.ts';
import type { TransportResponse } from './graph-api.ts';
import { execute } from './graph-exchange.ts';
import type { CallContext } from './graph-retry.ts';

/** A failure of the file side of a download as a ToolError; anything else (the network's) as is. */
function saveFailure(error: unknown, maxBytes: number): Error {
  if (error instanceof DownloadTooLargeError) {
    return new ToolError(
      'FILE_TOO_LARGE',
      `The download is larger than ${formatBytes(maxBytes)}, the most Graph Bridge saves, so it was stopped and nothing was kept. Open it in the browser or Outlook instead.`,
    );
  }
  if (error instanceof DownloadWriteError) {
    return new ToolError(
      'DOWNLOAD_FAILED',
      `Graph Bridge could not save the download (${error.message}); nothing was kept. Check the free disk space; the user can choose another folder with GRAPH_BRIDGE_DOWNLOAD_DIR in this editor's MCP entry for Graph Bridge.`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

export async function downloadToFile(
  ctx: CallContext,
  url: string,
  target: DownloadToFileOptions,
): Promise<SavedDownload> {
  const { options, call } = ctx;
  const save = options.saveStream;
  if (!save) throw new ToolError('DOWNLOAD_FAILED', 'This Graph Bridge has no download folder set up.');
  let saving: Promise<{ path: string; bytes: number }> | undefined;
  const sink = (body: Readable): Promise<void> => {
    saving = save(target.fileName, body, target.maxBytes);
    return saving.then(
      () => undefined,
      (error: unknown) => {
        throw saveFailure(error, target.maxBytes);
      },
    );
  };
  let response: TransportResponse;
  try {
    response = await execute(ctx, { url, binary: true, sink });
  } catch (error) {
    // A cancelled or timed-out call settles at once; the partial file's removal is awaited here.
    await saving?.catch(() => undefined);
    throw error;
  }
  if (saving === undefined) {
    throw new ToolError(
      'GRAPH_ERROR',
      `Microsoft Graph answered ${call.method} ${call.pathTemplate} with ${response.status} and no content to save. Try again.`,
    );
  }
  const saved = await saving;
  return { ...saved, contentType: response.headers.get('content-type') ?? 'application/octet-stream' };
}
