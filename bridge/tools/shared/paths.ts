/**
 * Validation of model-supplied request paths (graph_request, api_request) and the id-free path
 * templates that go to the audit log.
 *
 * A path is relative to a fixed root (the Graph version root or the configured API's base URL):
 * no scheme, no host, no `..`/`.` segments (also when percent-encoded), no backslashes, no control
 * characters, no fragment. A query string in the path is split off and merged into the query.
 */
import { ToolError } from '../tool.ts';

export interface RelativeTarget {
  /** Starts with `/`, no query string. */
  path: string;
  query: Record<string, string>;
}

export interface ParsePathOptions {
  /** Used in messages: "Graph" or "API". */
  what: string;
  /** Graph only: strip a leading `/v1.0`, refuse `/beta` (the bridge talks to v1.0). */
  graphVersionRoot?: boolean;
}

function invalid(message: string): never {
  throw new ToolError('INVALID_INPUT', message);
}

export function parseRelativePath(input: string, options: ParsePathOptions): RelativeTarget {
  const { what } = options;
  const raw = input.trim();
  if (raw === '') invalid(`The ${what} path is empty; give a path such as /me.`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) {
    invalid(
      `The ${what} path must be relative to the ${what} root (e.g. /me/events), not a URL with a scheme or host.`,
    );
  }
  if (raw.includes('\\')) invalid(`The ${what} path must not contain backslashes.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) invalid(`The ${what} path must not contain control characters.`);
  if (raw.includes('#')) invalid(`The ${what} path must not contain a fragment (#).`);

  const q = raw.indexOf('?');
  let path = q === -1 ? raw : raw.slice(0, q);
  const queryText = q === -1 ? '' : raw.slice(q + 1);
  if (!path.startsWith('/')) path = `/${path}`;

  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      invalid(`The ${what} path has a malformed percent-encoding in "${segment}".`);
    }
    if (decoded.split(/[/\\]/).some((part) => part === '..' || part === '.')) {
      invalid(`The ${what} path must not contain "." or ".." segments.`);
    }
  }
  if (segments.slice(0, -1).some((s) => s === '')) invalid(`The ${what} path must not contain empty segments (//).`);

  if (options.graphVersionRoot) {
    if (/^\/beta(\/|$)/i.test(path)) invalid('Only Microsoft Graph v1.0 is available; give the path without /beta.');
    path = path.replace(/^\/v1\.0(?=\/|$)/i, '');
    if (path === '') path = '/';
  }

  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(queryText)) query[k] = v;
  return { path, query };
}

/**
 * The path with ids replaced by placeholders, for the audit log (never a query string):
 * `/me/messages/AAMk…/attachments` → `/me/messages/{id}/attachments`,
 * `/me/drive/root:/Docs/a.txt:/content` → `/me/drive/root:{path}:/content`.
 */
export function templatePath(path: string): string {
  const noQuery = path.split('?')[0] ?? '';
  const drive = noQuery.replace(/:(\/[^:]*)(:|$)/, ':{path}$2');
  return drive
    .split('/')
    .map((segment) => {
      if (segment === '' || segment.includes('{path}')) return segment;
      if (/^\$?[A-Za-z][A-Za-z.]{0,60}$/.test(segment)) return segment;
      const fn = /^([A-Za-z][A-Za-z.]{0,60})\(.*\)$/.exec(segment);
      if (fn) return `${fn[1] ?? ''}({args})`;
      return '{id}';
    })
    .join('/');
}

/** Encodes a OneDrive path ("Docs/Q3 plan.md") for `/me/drive/root:/<path>:`; rejects traversal. */
export function encodeDrivePath(input: string): string {
  const parts = input
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.')) invalid('The OneDrive path must not contain "." or ".." segments.');
  // eslint-disable-next-line no-control-regex
  if (parts.some((p) => /[\u0000-\u001f\u007f]/.test(p)))
    invalid('The OneDrive path must not contain control characters.');
  return parts.map((p) => encodeURIComponent(p)).join('/');
}

/**
 * One id as a path segment: percent-encodes what must be encoded but keeps `:`, `@`, `=` and `,`
 * (legal in a path segment and common in Teams/Outlook ids such as `19:abc@thread.v2`).
 */
export function pathSegment(id: string): string {
  if (id === '.' || id === '..') throw new ToolError('INVALID_INPUT', `"${id}" is not a valid id.`);
  return encodeURIComponent(id).replace(/%3A/gi, ':').replace(/%40/gi, '@').replace(/%3D/gi, '=').replace(/%2C/gi, ',');
}
