/**
 * Loads the Graph v1.0 schema: Microsoft's CSDL (vendored beside this file, see README.md) compiled
 * by csdl.ts, cached as JSON under `.cache/graph-schema/<sha256 of the .gz>.json` (gitignored) so a
 * process pays ~JSON.parse instead of the XML scan. Synchronous on purpose: the emulator builds its
 * Graph service synchronously. Within one process the compiled schema is memoised per file path
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

/** Where the model came from (for tests and the cache's own check). */
export interface LoadedModel {
  model: SchemaModel;
  from: 'cache' | 'csdl';
  cachePath?: string;
}

/** The compiled model for a CSDL file: from the cache when it holds this file's hash, else compiled (and cached). */
export function loadSchemaModel(options: LoadOptions = {}): LoadedModel {
  const csdlPath = options.csdlPath ?? DEFAULT_CSDL_PATH;
  const gz = readFileSync(csdlPath);
  const sha = createHash('sha256').update(gz).digest('hex');
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir;
  const cachePath = cacheDir === null ? undefined : join(cacheDir, `${sha.slice(0, 32)}-v${COMPILER_VERSION}.json`);
  const cached = cachePath ? readCache(cachePath, sha) : undefined;
  if (cached) return { model: cached, from: 'cache', ...(cachePath ? { cachePath } : {}) };
  const model = compileCsdl(gunzipSync(gz).toString('utf8'), sha);
  if (cachePath) writeCache(cachePath, model);
  return { model, from: 'csdl', ...(cachePath ? { cachePath } : {}) };
}

/** The schema with its lookups, memoised per file hash within the process. */
export function loadGraphSchema(options: LoadOptions = {}): Schema {
  const csdlPath = options.csdlPath ?? DEFAULT_CSDL_PATH;
  const key = `${csdlPath}:${options.cacheDir ?? ''}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const schema = createSchema(loadSchemaModel(options).model);
  memo.set(key, schema);
  return schema;
}
