/**
 * What upload tools get from the runtime (ToolContext.localFiles): local files under the user's upload
 * policy, opened once, and a sender for pre-authenticated upload URLs. Shared by upload_file and any
 * later tool that sends local files (mail attachments) so they all obey the same rules.
 */

/** A local file that passed the upload policy, held open: what the approval shows is what is sent. */
export interface LocalUploadSource {
  /** The path the model gave. */
  givenPath: string;
  /** The real path (symlinks resolved) of the open file: what the approval shows. */
  path: string;
  /** Base name of `path`. */
  name: string;
  /** Bytes to send (the size when it was opened). */
  size: number;
  /** Hex SHA-256 of those bytes, read from the open descriptor. */
  sha256: string;
  /**
   * Reads the same `size` bytes again from the same descriptor, in fragments of at most
   * `fragmentSize`, hashing as it goes. A fragment is yielded only after it was read in full; the last
   * one only after the hash of everything matched `sha256` — otherwise it throws LOCAL_FILE_CHANGED.
   * The buffer is reused: use a fragment before asking for the next one.
   */
  fragments(fragmentSize: number): AsyncGenerator<UploadFragment, void, undefined>;
  close(): Promise<void>;
}

export interface UploadFragment {
  /** Offset of the first byte in the file. */
  offset: number;
  bytes: Uint8Array;
  last: boolean;
}

export interface UploadUrlRequest {
  method: 'PUT' | 'GET' | 'DELETE';
  /** The pre-authenticated URL Graph returned (https). */
  url: string;
  /** `bytes a-b/total` for a PUT. */
  contentRange?: string;
  body?: Uint8Array;
}

export interface UploadUrlResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON, or the text (capped), or undefined when empty. */
  body: unknown;
}

/**
 * Sends one request to a pre-authenticated upload URL. The request type has no headers on purpose:
 * the sender sets Content-Length/Content-Range itself and never an Authorization header.
 */
export type UploadUrlSender = (request: UploadUrlRequest) => Promise<UploadUrlResponse>;

export interface LocalFiles {
  /**
   * Checks `path` against the upload policy and opens it once. Every refusal before the approval is
   * the same LOCAL_FILE_REFUSED text whether or not the file exists. A file over `limit.maxBytes` is
   * FILE_TOO_LARGE (before it is hashed); `limit.what` names the destination in that message.
   */
  open(path: string, limit: { maxBytes: number; what: string }): Promise<LocalUploadSource>;
  /** Write-gated (approval, read-only) and audited like a Graph write. */
  sendToUploadUrl: UploadUrlSender;
  sleep(ms: number): Promise<void>;
}
