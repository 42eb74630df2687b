/**
 * OData v4 `$filter` subset (spec §8.3): eq ne gt ge lt le, and/or/not, parentheses,
 * startswith/endswith/contains, lambda any/all over collections, string/number/bool/null literals and
 * unquoted ISO date-times. Parses to an AST; evaluation is case-insensitive for strings like Graph.
 */
import { badRequest } from '../errors.ts';

export type Literal = string | number | boolean | null;
export type Operand =
  | { k: 'lit'; v: Literal; date?: boolean }
  | { k: 'prop'; path: string[] }
  | { k: 'call'; name: string; args: Operand[] };
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterExpr =
  | { k: 'and' | 'or'; l: FilterExpr; r: FilterExpr }
  | { k: 'not'; e: FilterExpr }
  | { k: 'cmp'; op: CompareOp; l: Operand; r: Operand }
  | { k: 'lambda'; fn: 'any' | 'all'; path: string[]; v: string; body: FilterExpr }
  | { k: 'bool'; operand: Operand };

export class FilterSyntaxError extends Error {}

type Token =
  | { t: 'punc'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'date'; v: string }
  | { t: 'id'; v: string };

const DATE_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/;
const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['startswith', 'endswith', 'contains']);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if ('(),:/'.includes(c)) {
      out.push({ t: 'punc', v: c });
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError('Unterminated string literal');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i];
        i++;
      }
      out.push({ t: 'str', v: s });
    } else {
      const date = DATE_RE.exec(src.slice(i));
      if (date && date[0].length > 4) {
        out.push({ t: 'date', v: date[0] });
        i += date[0].length;
        continue;
      }
      const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (num) {
        out.push({ t: 'num', v: Number(num[0]) });
        i += num[0].length;
        continue;
      }
      const id = /^[A-Za-z_@$][\w.@$]*/.exec(src.slice(i));
      if (!id) throw new FilterSyntaxError(`Syntax error at position ${i}`);
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
    }
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  parse(): FilterExpr {
    const e = this.or();
    if (this.pos < this.toks.length) throw new FilterSyntaxError('Unexpected token');
    return e;
  }

  private peek(): Token | undefined {
    return this.toks[this.pos];
  }
  private isId(v: string): boolean {
    const t = this.peek();
    return t?.t === 'id' && t.v.toLowerCase() === v;
  }
  private isPunc(v: string): boolean {
    const t = this.peek();
    return t?.t === 'punc' && t.v === v;
  }
  private expectPunc(v: string): void {
    if (!this.isPunc(v)) throw new FilterSyntaxError(`Expected '${v}'`);
    this.pos++;
  }

  private or(): FilterExpr {
    let l = this.and();
    while (this.isId('or')) {
      this.pos++;
      l = { k: 'or', l, r: this.and() };
    }
    return l;
  }
  private and(): FilterExpr {
    let l = this.not();
    while (this.isId('and')) {
      this.pos++;
      l = { k: 'and', l, r: this.not() };
    }
    return l;
  }
  private not(): FilterExpr {
    if (this.isId('not')) {
      this.pos++;
      return { k: 'not', e: this.not() };
    }
    if (this.isPunc('(')) {
      this.pos++;
      const e = this.or();
      this.expectPunc(')');
      return e;
    }
    return this.comparison();
  }
  private comparison(): FilterExpr {
    const left = this.operandOrLambda();
    if ('fn' in left) return left;
    const t = this.peek();
    if (t?.t === 'id' && COMPARE_OPS.has(t.v.toLowerCase())) {
      this.pos++;
      const right = this.operandOrLambda();
      if ('fn' in right) throw new FilterSyntaxError('Lambda on the right of a comparison');
      return { k: 'cmp', op: t.v.toLowerCase() as CompareOp, l: left, r: right };
    }
    return { k: 'bool', operand: left };
  }
  private operandOrLambda(): Operand | (FilterExpr & { k: 'lambda' }) {
    const t = this.peek();
    if (!t) throw new FilterSyntaxError('Unexpected end of filter');
    this.pos++;
    if (t.t === 'str') return { k: 'lit', v: t.v };
    if (t.t === 'num') return { k: 'lit', v: t.v };
    if (t.t === 'date') return { k: 'lit', v: t.v, date: true };
    if (t.t === 'punc') throw new FilterSyntaxError(`Unexpected '${t.v}'`);
    const word = t.v.toLowerCase();
    if (word === 'true' || word === 'false') return { k: 'lit', v: word === 'true' };
    if (word === 'null') return { k: 'lit', v: null };
    if (this.isPunc('(')) {
      if (!FUNCTIONS.has(word)) throw new FilterSyntaxError(`Unknown function '${t.v}'`);
      this.pos++;
      const args: Operand[] = [];
      while (!this.isPunc(')')) {
        const a = this.operandOrLambda();
        if ('fn' in a) throw new FilterSyntaxError('Lambda as a function argument');
        args.push(a);
        if (this.isPunc(',')) this.pos++;
        else if (!this.isPunc(')')) throw new FilterSyntaxError("Expected ',' or ')'");
      }
      this.pos++;
      if (args.length !== 2) throw new FilterSyntaxError(`${t.v} takes two arguments`);
      return { k: 'call', name: word, args };
    }
    const path = [t.v];
    while (this.isPunc('/')) {
      this.pos++;
      const seg = this.peek();
      if (seg?.t !== 'id') throw new FilterSyntaxError('Expected a property name after /');
      this.pos++;
      const segWord = seg.v.toLowerCase();
      if ((segWord === 'any' || segWord === 'all') && this.isPunc('(')) {
        this.pos++;
        const v = this.peek();
        if (v?.t !== 'id') throw new FilterSyntaxError('Expected a lambda variable');
        this.pos++;
        this.expectPunc(':');
        const body = this.or();
        this.expectPunc(')');
        return { k: 'lambda', fn: segWord, path, v: v.v, body };
      }
      path.push(seg.v);
    }
    return { k: 'prop', path };
  }
}

export function parseFilter(src: string): FilterExpr {
  return new Parser(tokenize(src)).parse();
}

/** A `$filter` value parsed, or Graph's 400 "Invalid filter clause" for one it cannot read; undefined without one. */
export function parseFilterParam(raw: string | undefined): FilterExpr | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseFilter(raw);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw badRequest('BadRequest', 'Invalid filter clause');
    throw e;
  }
}

/** Case-insensitive property lookup (Outlook and directory both accept any casing). */
export function getProp(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    const rec = cur as Record<string, unknown>;
    const key = seg in rec ? seg : Object.keys(rec).find((k) => k.toLowerCase() === seg.toLowerCase());
    cur = key === undefined ? undefined : rec[key];
  }
  return cur;
}

type Scope = ReadonlyMap<string, unknown>;

function resolve(op: Operand, entity: unknown, scope: Scope): unknown {
  switch (op.k) {
    case 'lit':
      return op.v;
    case 'prop': {
      const [head = '', ...rest] = op.path;
      if (scope.has(head)) return rest.length ? getProp(scope.get(head), rest) : scope.get(head);
      return getProp(entity, op.path);
    }
    case 'call':
      return callFunction(op, entity, scope);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v.toLowerCase() : undefined;
}

function callFunction(op: Operand & { k: 'call' }, entity: unknown, scope: Scope): boolean {
  const [a, b] = op.args.map((x) => str(resolve(x, entity, scope)));
  if (a === undefined || b === undefined) return false;
  if (op.name === 'startswith') return a.startsWith(b);
  if (op.name === 'endswith') return a.endsWith(b);
  return a.includes(b);
}

function compareValues(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    if (DATE_RE.test(a) && DATE_RE.test(b)) {
      const da = Date.parse(a.endsWith('Z') || /[+-]\d{2}:\d{2}$/.test(a) ? a : `${a}Z`);
      const db = Date.parse(b.endsWith('Z') || /[+-]\d{2}:\d{2}$/.test(b) ? b : `${b}Z`);
      if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
    }
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

function evalCompare(op: CompareOp, a: unknown, b: unknown): boolean {
  const an = a === undefined ? null : a;
  const bn = b === undefined ? null : b;
  if (an === null || bn === null) {
    if (op === 'eq') return an === bn;
    if (op === 'ne') return an !== bn;
    return false;
  }
  const c = compareValues(an, bn);
  if (c === undefined) return op === 'ne';
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
  }
}

export function evaluateFilter(expr: FilterExpr, entity: unknown, scope: Scope = new Map()): boolean {
  switch (expr.k) {
    case 'and':
      return evaluateFilter(expr.l, entity, scope) && evaluateFilter(expr.r, entity, scope);
    case 'or':
      return evaluateFilter(expr.l, entity, scope) || evaluateFilter(expr.r, entity, scope);
    case 'not':
      return !evaluateFilter(expr.e, entity, scope);
    case 'cmp':
      return evalCompare(expr.op, resolve(expr.l, entity, scope), resolve(expr.r, entity, scope));
    case 'bool':
      return resolve(expr.operand, entity, scope) === true;
    case 'lambda': {
      const coll = resolve({ k: 'prop', path: expr.path }, entity, scope);
      const items = Array.isArray(coll) ? (coll as unknown[]) : [];
      const test = (item: unknown): boolean => evaluateFilter(expr.body, entity, new Map([...scope, [expr.v, item]]));
      return expr.fn === 'any' ? items.some(test) : items.every(test);
    }
  }
}

/** What a filter uses: property paths (in order of first appearance), operators and functions. */
export interface FilterUsage {
  properties: string[];
  operators: Set<string>;
}

export function filterUsage(expr: FilterExpr): FilterUsage {
  const properties: string[] = [];
  const operators = new Set<string>();
  const addProp = (path: readonly string[], vars: ReadonlySet<string>): void => {
    if (vars.has(path[0] ?? '')) return;
    const p = path.join('/');
    if (!properties.includes(p)) properties.push(p);
  };
  const walkOperand = (op: Operand, vars: ReadonlySet<string>): void => {
    if (op.k === 'prop') addProp(op.path, vars);
    if (op.k === 'call') {
      operators.add(op.name);
      op.args.forEach((a) => walkOperand(a, vars));
    }
  };
  const walk = (e: FilterExpr, vars: ReadonlySet<string>): void => {
    switch (e.k) {
      case 'and':
      case 'or':
        operators.add(e.k);
        walk(e.l, vars);
        walk(e.r, vars);
        return;
      case 'not':
        operators.add('not');
        walk(e.e, vars);
        return;
      case 'cmp':
        operators.add(e.op);
        walkOperand(e.l, vars);
        walkOperand(e.r, vars);
        return;
      case 'bool':
        walkOperand(e.operand, vars);
        return;
      case 'lambda':
        operators.add(e.fn);
        addProp(e.path, vars);
        walk(e.body, new Set([...vars, e.v]));
        return;
    }
  };
  walk(expr, new Set());
  return { properties, operators };
}
