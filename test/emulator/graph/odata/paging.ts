/**
 * Paging (spec §8.3): Outlook/people lists page with `$skip`, directory/Teams/drive with an opaque
 * `$skiptoken`. nextLinks are absolute on the Graph origin and repeat the original query.
 */
import type { GraphRequest } from '../http.ts';
import { formatQuery } from '../http.ts';
import { badRequest } from '../errors.ts';

export interface Page<T> {
  items: T[];
  nextLink?: string;
}

function link(base: string, req: GraphRequest, replace: Record<string, string>, drop: readonly string[]): string {
  const q = new Map(req.query);
  for (const d of drop) q.delete(d);
  for (const [k, v] of Object.entries(replace)) q.set(k, v);
  return `${base}${req.path}?${formatQuery(q)}`;
}

/** `$skip`-style page of `all` starting at `skip`. `base` = `${graphOrigin}/${version}`. */
export function skipPage<T>(
  all: readonly T[],
  opts: { req: GraphRequest; base: string; skip: number; top: number },
): Page<T> {
  const items = all.slice(opts.skip, opts.skip + opts.top);
  const next = opts.skip + opts.top;
  if (next >= all.length) return { items };
  return { items, nextLink: link(opts.base, opts.req, { $skip: String(next) }, ['$skiptoken']) };
}

const TOKEN_PREFIX = 'RFNwdAoAAQAAA';

export function encodeSkipToken(offset: number): string {
  return TOKEN_PREFIX + Buffer.from(`offset:${offset}`).toString('base64url');
}

export function decodeSkipToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = token.startsWith(TOKEN_PREFIX)
    ? /^offset:(\d+)$/.exec(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'))
    : null;
  if (!m?.[1]) throw badRequest('Request_BadRequest', `Invalid value '${token}' for query parameter $skiptoken.`);
  return Number(m[1]);
}

/** `$skiptoken`-style page. */
export function tokenPage<T>(all: readonly T[], opts: { req: GraphRequest; base: string; top: number }): Page<T> {
  const offset = decodeSkipToken(opts.req.query.get('$skiptoken'));
  const items = all.slice(offset, offset + opts.top);
  const next = offset + opts.top;
  if (next >= all.length) return { items };
  return { items, nextLink: link(opts.base, opts.req, { $skiptoken: encodeSkipToken(next) }, ['$skip']) };
}

/** The usual collection envelope. */
export function collection(
  context: string,
  page: Page<unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.context': context, ...extra, value: page.items };
  if (page.nextLink) out['@odata.nextLink'] = page.nextLink;
  return out;
}
