/**
 * `$filter` member-path check: tokenises an OData filter expression just enough to find every
 * member path (`subject`, `from/emailAddress/address`, `categories/any(c: c eq 'x')`,
 * `attendees/any(a: a/emailAddress/address eq 'x')`) and resolves each against the type.
 * Literals, operators and built-in functions are skipped; lambda variables are scoped to their
 * parentheses. It does not type-check the expression.
 */
import { resolveMemberPath, type MemberOptions, type QueryIssue } from './members.ts';
import type { Schema, TypeRef } from './model.ts';

type Token = { t: 'path'; v: string } | { t: 'lit'; v: string } | { t: 'punct'; v: '(' | ')' | ',' | ':' };

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'has',
  'in',
  'add',
  'sub',
  'mul',
  'div',
  'divby',
  'mod',
  'true',
  'false',
  'null',
  'asc',
  'desc',
  'inf',
  'nan',
  'INF',
  'NaN',
]);

const FUNCTIONS = new Set([
  'contains',
  'startswith',
  'endswith',
  'length',
  'indexof',
  'substring',
  'tolower',
  'toupper',
  'trim',
  'concat',
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'fractionalseconds',
  'date',
  'time',
  'totaloffsetminutes',
  'now',
  'mindatetime',
  'maxdatetime',
  'round',
  'floor',
  'ceiling',
  'isof',
  'cast',
  'geo.distance',
  'geo.intersects',
  'geo.length',
  'matchesPattern',
  'hassubset',
  'hassubsequence',
  'totalseconds',
]);

// Sticky (`y`): matched at an index without copying the rest of the input (linear on 50 KB filters).
const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/y;
const NUMBERISH = /-?[0-9][\w:.+-]*/y;
const PATH = /[@$A-Za-z_][\w.]*(?:\/[$A-Za-z_*][\w.]*)*/y;

function matchAt(re: RegExp, s: string, i: number): string | undefined {
  re.lastIndex = i;
  return re.exec(s)?.[0];
}

class FilterSyntaxError extends Error {}

export function tokenizeFilter(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'") {
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === "'") {
          if (s[j + 1] === "'") j++;
          else break;
        }
      }
      if (j >= s.length) throw new FilterSyntaxError('unterminated string literal');
      out.push({ t: 'lit', v: s.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === ':') {
      out.push({ t: 'punct', v: ch });
      i++;
      continue;
    }
    const guid = matchAt(GUID, s, i);
    if (guid) {
      out.push({ t: 'lit', v: guid });
      i += guid.length;
      continue;
    }
    if (/[0-9-]/.test(ch)) {
      const n = matchAt(NUMBERISH, s, i);
      if (!n) throw new FilterSyntaxError(`unexpected \`${ch}\``);
      out.push({ t: 'lit', v: n });
      i += n.length;
      continue;
    }
    const m = matchAt(PATH, s, i);
    if (!m) throw new FilterSyntaxError(`unexpected \`${ch}\``);
    i += m.length;
    // Typed literal: microsoft.graph.importance'high', duration'PT1H', binary'…'.
    if (s[i] === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new FilterSyntaxError('unterminated string literal');
      out.push({ t: 'lit', v: s.slice(i - m.length, end + 1) });
      i = end + 1;
      continue;
    }
    out.push({ t: 'path', v: m });
  }
  return out;
}

interface Scope {
  /** Lambda variable → what it ranges over (undefined type = primitive element). */
  vars: Map<string, TypeRef>;
  /** Paren depth at which the lambda closes. */
  depth: number;
}

interface FilterCtx extends MemberOptions {
  schema: Schema;
  type: string;
}

/** Element type a lambda variable ranges over, or an issue. */
function lambdaSource(ctx: FilterCtx, path: string, scopes: Scope[]): TypeRef | QueryIssue {
  const resolved = resolveWithVars(ctx, path, scopes);
  if ('text' in resolved) return resolved;
  if (!resolved.collection) return { text: `\`$filter\`: \`${path}\` is not a collection; any/all need one` };
  return { type: resolved.type, collection: false };
}

function resolveWithVars(ctx: FilterCtx, path: string, scopes: Scope[]): TypeRef | QueryIssue {
  const { schema, type } = ctx;
  const [head = '', ...rest] = path.split('/');
  let base: TypeRef = { type, collection: false };
  let remaining = path;
  for (let s = scopes.length - 1; s >= 0; s--) {
    const v = scopes[s]?.vars.get(head);
    if (v) {
      base = v;
      remaining = rest.join('/');
      break;
    }
  }
  if (head === '$it') remaining = rest.join('/');
  if (remaining === '') return base;
  const prefix = `\`$filter\` (\`${path}\`)`;
  if (!schema.type(base.type)) return { text: `${prefix}: \`${head}\` is a ${base.type} value; it has no members` };
  const r = resolveMemberPath(schema, base.type, remaining, { ...ctx, prefix });
  if (!r.ok) return r.issue;
  return r.member ? r.member.ref : { type: r.type, collection: false };
}

/** An issue for every member path of `filter` that does not exist on `type` (empty = fine). */
export function checkFilter(schema: Schema, type: string, filter: string, opts: MemberOptions = {}): QueryIssue[] {
  let tokens: Token[];
  try {
    tokens = tokenizeFilter(filter);
  } catch (e) {
    return [{ text: `\`$filter\`: cannot parse: ${(e as Error).message}` }];
  }
  const ctx: FilterCtx = { ...opts, schema, type };
  const errors: QueryIssue[] = [];
  const scopes: Scope[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    if (tok.t === 'punct') {
      if (tok.v === '(') depth++;
      if (tok.v === ')') {
        depth--;
        while (scopes.length > 0 && (scopes[scopes.length - 1] as Scope).depth > depth) scopes.pop();
      }
      continue;
    }
    if (tok.t !== 'path' || KEYWORDS.has(tok.v) || tok.v.startsWith('@')) continue;
    const next = tokens[i + 1];
    const isCall = next?.t === 'punct' && next.v === '(';
    const segs = tok.v.split('/');
    const lastSeg = segs[segs.length - 1] ?? '';
    if (isCall && (lastSeg === 'any' || lastSeg === 'all') && segs.length > 1) {
      const src = lambdaSource(ctx, segs.slice(0, -1).join('/'), scopes);
      if ('text' in src) {
        errors.push(src);
        continue;
      }
      const v = tokens[i + 2];
      const colon = tokens[i + 3];
      if (v?.t === 'path' && colon?.t === 'punct' && colon.v === ':') {
        scopes.push({ vars: new Map([[v.v, src]]), depth: depth + 1 });
        i += 3; // `(`, var and `:` — the `(` is counted here
        depth++;
      }
      continue;
    }
    if (isCall && segs.length === 1) {
      if (!FUNCTIONS.has(tok.v)) errors.push({ text: `\`$filter\`: \`${tok.v}(…)\` is not an OData function` });
      continue;
    }
    if (lastSeg === '$count') {
      const r = resolveWithVars(ctx, segs.slice(0, -1).join('/'), scopes);
      if ('text' in r) errors.push(r);
      continue;
    }
    const r = resolveWithVars(ctx, tok.v, scopes);
    if ('text' in r) errors.push(r);
  }
  return errors;
}
