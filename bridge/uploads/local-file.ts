/**
 * Opens a local file for upload under the policy (policy.ts), once:
 *   1. the path string: absolute, no `.`/`..` segments, inside an allowed folder, not hidden, not a
 *      key/cache name — checked before anything on disk is touched;
 *   2. its real path (symlinks resolved): the same rules, plus never inside Graph Bridge's folders or a
 *      dot-folder of home;
 *   3. open the real path (no-follow, non-blocking so a FIFO cannot hang us), fstat the descriptor: a
 *      regular file with one link, and the same device/inode as the real path (nothing was swapped in
 *      between);
 *   4. hash `size` bytes from that descriptor.
 * Every refusal in 1–3 throws the same LOCAL_FILE_REFUSED text whether or not the file exists (no
 * existence oracle); the reason goes to the bridge's log only. After the approval, the bytes sent are
 * read again from the same descriptor and hashed again (`fragments`): a change aborts the upload.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { ToolError } from '../tools/tool.ts';
import { lexicalRefusal, pathRefusal, type PolicyFacts, type PolicyRoots } from './policy.ts';
import type { LocalUploadSource, UploadFragment } from './types.ts';

export type UploadFileHandle = Pick<FileHandle, 'stat' | 'read' | 'close'>;

/** The file-system edge (production: node:fs/promises). */
export interface LocalFs {
  realpath(path: string): Promise<string>;
  /** With bigint ids: a 64-bit inode/file id must not lose precision. */
  stat(path: string): Promise<{ dev: bigint; ino: bigint }>;
  open(path: string, flags: number): Promise<UploadFileHandle>;
  /** O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY where the OS has them. */
  openFlags: number;
}

export interface OpenLocalFileOptions {
  given: string;
  roots: PolicyRoots;
  facts: PolicyFacts;
  fs: LocalFs;
  /** The uniform refusal (refusal.ts), the same for every reason. */
  refusal(): ToolError;
  /** Where the real reason goes (the bridge log). */
  logReason(reason: string): void;
  /** Larger files are refused with FILE_TOO_LARGE (after the policy passed); `what` names the destination. */
  limit: { maxBytes: number; what: string };
}

const HASH_CHUNK = 1024 * 1024;

export function fileChangedError(path: string): ToolError {
  return new ToolError(
    'LOCAL_FILE_CHANGED',
    `${path} changed after it was approved (its bytes no longer match the SHA-256 shown), so the upload was ` +
      'stopped and nothing was committed to OneDrive. Wait until nothing is writing the file, then try again.',
  );
}

/** Fills `buffer[0, length)` from `position`; returns how many bytes were there (short = end of file). */
async function readFully(handle: UploadFileHandle, buffer: Uint8Array, length: number, position: number) {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

async function hashOf(handle: UploadFileHandle, size: number, path: string): Promise<string> {
  const hash = createHash('sha256');
  const buffer = new Uint8Array(Math.min(HASH_CHUNK, Math.max(size, 1)));
  for (let offset = 0; offset < size;) {
    const length = Math.min(buffer.length, size - offset);
    if ((await readFully(handle, buffer, length, offset)) !== length) throw fileChangedError(path);
    hash.update(buffer.subarray(0, length));
    offset += length;
  }
  return hash.digest('hex');
}

function source(
  handle: UploadFileHandle,
  facts: { given: string; path: string; name: string; size: number; sha256: string },
) {
  let closed = false;
  const out: LocalUploadSource = {
    givenPath: facts.given,
    path: facts.path,
    name: facts.name,
    size: facts.size,
    sha256: facts.sha256,
    async *fragments(fragmentSize: number): AsyncGenerator<UploadFragment, void, undefined> {
      const hash = createHash('sha256');
      const buffer = new Uint8Array(Math.max(1, Math.min(fragmentSize, facts.size)));
      let offset = 0;
      do {
        const length = Math.min(buffer.length, facts.size - offset);
        if ((await readFully(handle, buffer, length, offset)) !== length) throw fileChangedError(facts.path);
        const bytes = buffer.subarray(0, length);
        hash.update(bytes);
        const last = offset + length >= facts.size;
        if (last && hash.digest('hex') !== facts.sha256) throw fileChangedError(facts.path);
        yield { offset, bytes, last };
        offset += length;
      } while (offset < facts.size);
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
  return out;
}

export async function openLocalFile(options: OpenLocalFileOptions): Promise<LocalUploadSource> {
  const { given, roots, facts, fs } = options;
  const refuse = (reason: string): never => {
    options.logReason(reason);
    throw options.refusal();
  };
  const lexical = lexicalRefusal(given, facts) ?? pathRefusal(facts.path.normalize(given), roots, facts);
  if (lexical !== null) return refuse(`the path given: ${lexical}`);

  const real = await fs.realpath(given).catch(() => null);
  if (real === null) return refuse('it does not exist or cannot be resolved');
  const resolved = pathRefusal(real, roots, facts);
  if (resolved !== null) return refuse(`${resolved} (real path ${real})`);

  const handle = await fs.open(real, fs.openFlags).catch(() => null);
  if (handle === null) return refuse('it cannot be opened for reading');
  try {
    const opened = await handle.stat({ bigint: true });
    if (!opened.isFile()) return refuse('not a regular file');
    if (opened.nlink > 1n) return refuse('it has more than one hard link');
    const now = await fs.stat(real).catch(() => null);
    const again = await fs.realpath(real).catch(() => null);
    if (now === null || again !== real || now.dev !== opened.dev || now.ino !== opened.ino)
      return refuse('it was replaced while being opened');
    const size = Number(opened.size);
    if (size > options.limit.maxBytes) {
      throw new ToolError(
        'FILE_TOO_LARGE',
        `The file is ${size} bytes; ${options.limit.what} takes at most ${options.limit.maxBytes} bytes, so it cannot be uploaded.`,
      );
    }
    const sha256 = await hashOf(handle, size, real);
    return source(handle, {
      given,
      path: real,
      name: facts.path.basename(real),
      size,
      sha256,
    });
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}
