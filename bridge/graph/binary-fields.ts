/**
 * Binary payloads inside generic JSON results (issue #15): `graph_request GET …/attachments` answers
 * with base64 `contentBytes`, a `$batch` with base64 bodies. Such values are saved to the download
 * folder and replaced by a short note with the path — like read_file does — so the model's context
 * gets a path, not megabytes of base64.
 *
 * Saved: every non-empty `contentBytes` string, and any other string of at least MIN_BASE64_CHARS
 * that is entirely base64. The file name is the object's `name` when it has one.
 */
export const MIN_BASE64_CHARS = 2048;
const MAX_DEPTH = 64;
/** Standard base64 (a single character class and an anchored tail: linear, no backtracking blow-up). */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface SavedBinary {
  /** JSON path of the value, e.g. `value[0].contentBytes`. */
  field: string;
  path: string;
  bytes: number;
}

export type SaveBytes = (fileName: string, bytes: Uint8Array) => Promise<string>;

function isBinary(key: string, value: string): boolean {
  if (key === 'contentBytes') return value.length > 0;
  return value.length >= MIN_BASE64_CHARS && value.length % 4 === 0 && BASE64.test(value);
}

/** Returns a copy of `value` with binary strings replaced by `[N bytes saved to <path>]`. */
export async function saveBinaryFields(
  value: unknown,
  save: SaveBytes,
): Promise<{ value: unknown; saved: SavedBinary[] }> {
  const saved: SavedBinary[] = [];
  const walk = async (node: unknown, at: string, depth: number): Promise<unknown> => {
    if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const [i, item] of node.entries()) out.push(await walk(item, `${at}[${i}]`, depth + 1));
      return out;
    }
    const record = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      const field = at === '' ? key : `${at}.${key}`;
      if (typeof item === 'string' && isBinary(key, item)) {
        const bytes = Buffer.from(item, 'base64');
        const name = typeof record.name === 'string' && record.name !== '' ? record.name : `${key}.bin`;
        const path = await save(name, bytes);
        saved.push({ field, path, bytes: bytes.length });
        out[key] = `[${bytes.length} bytes saved to ${path}]`;
      } else {
        out[key] = await walk(item, field, depth + 1);
      }
    }
    return out;
  };
  return { value: await walk(value, '', 0), saved };
}
