/**
 * Loads the Graph v1.0 schema: Microsoft's CSDL (vendored beside this file, see README.md) compiled
 * by csdl.ts, cached as JSON under `.cache/graph-schema/<sha256 of the .gz>.json` (gitignored) so a
 * process pays ~JSON.parse instead of the XML scan. Synchronous on purpose: the emulator builds its
 * Graph service synchronously. Within one process the compiled schema is memoised per file hash
 * (read-only data; never mutated after compilation).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { compileCsdl } from './csdl.ts';
import { createSchema, type Schema, type SchemaModel } from './model.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_CSDL_PATH = join(HERE, 'graph-v1.0-csdl.xml.gz');
export const DEFAULT_CACHE_DIR = join(HERE, '..', '..', '.cache', 'graph-schema');
/** Bump when SchemaModel or the compiler changes, so stale caches are ignored. */
const COMPILER_VERSION = 3;

export interface LoadOptions {
  csdlPath?: string;
  /** null = no disk cache. */
  cacheDir?: string | null;
}

const memo = new Map<string, Schema>();

function readCache(path: string, sha: string): SchemaModel | undefined {
  try {
    const model = JSON.parse(readFileSync(path, 'utf8')) as SchemaModel;
    return model.sourceSha256 === sha ? model : undefined;
  } catch {
    return undefined;
  }
}

/** Temp file + rename, so concurrent test processes never read a half-written cache. */
function writeCache(path: string, model: SchemaModel): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(model));
    try {
      renameSync(tmp, path);
    } catch {
      rmSync(tmp, { force: true });
    }
  } catch {
    // A read-only checkout still works, just slower.
  }
}

export function loadGraphSchema(options: LoadOptions = {}): Schema {
  const csdlPath = options.csdlPath ?? DEFAULT_CSDL_PATH;
  const gz = readFileSync(csdlPath);
  const sha = createHash('sha256').update(gz).digest('hex');
  const key = `${sha}:${COMPILER_VERSION}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir;
  const cachePath = cacheDir === null ? undefined : join(cacheDir, `${sha.slice(0, 32)}-v${COMPILER_VERSION}.json`);
  let model = cachePath ? readCache(cachePath, sha) : undefined;
  if (!model) {
    model = compileCsdl(gunzipSync(gz).toString('utf8'), sha);
    if (cachePath) writeCache(cachePath, model);
  }
  const schema = createSchema(model);
  memo.set(key, schema);
  return schema;
}
